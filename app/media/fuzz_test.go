package media

import (
	"encoding/binary"
	"errors"
	"image"
	"testing"
)

func FuzzClean(f *testing.F) {
	j := encodeJPEG(f, halves(24, 12))
	p := encodePNG(f, halves(24, 12))
	f.Add(j)
	f.Add(afterSOI(j, exifAPP1(binary.LittleEndian, 6, secretGPS)))
	f.Add(afterSOI(j, exifAPP1(binary.BigEndian, 7, secretGPS)))
	f.Add(p)
	f.Add(afterIHDR(p, pngChunk("tEXt", []byte("Comment\x00patient John Doe"))))
	f.Add([]byte("%PDF-1.4\n%%EOF\n"))
	f.Add(j[:len(j)/2])
	f.Add([]byte("GIF89a"))
	const limit = 1 << 16 // keeps each iteration cheap; the cap is what is tested
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Clean(data, pixels(limit))
		if err != nil {
			if !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrTooLarge) &&
				!errors.Is(err, ErrActiveContent) && !errors.Is(err, ErrUncheckable) {
				t.Fatalf("error %v wraps no sentinel", err)
			}
			return
		}
		if k, err := Sniff(c.Data); err != nil || k != c.Kind {
			t.Fatalf("output sniffs as %q, %v; Clean said %q", k, err, c.Kind)
		}
		if c.Kind != KindPDF && (c.Width*c.Height > limit || c.Width <= 0 || c.Height <= 0) {
			t.Fatalf("accepted %dx%d with limit %d", c.Width, c.Height, limit)
		}
	})
}

func FuzzCleanImage(f *testing.F) {
	j := encodeJPEG(f, halves(24, 12))
	f.Add(j)
	f.Add(afterSOI(j, exifAPP1(binary.LittleEndian, 6, secretGPS)))
	f.Add(encodePNG(f, halves(24, 12)))
	f.Add(encodePNG(f, image.NewNRGBA64(image.Rect(0, 0, 8, 8))))
	for _, w := range []string{webpLossy, webpLossless, webpLosslessAlpha, webpLossyAlpha} {
		f.Add([]byte(w))
		f.Add(webpWithMetadata(f, w, 8))
	}
	f.Add([]byte(webpLossy)[:40])
	f.Add(webpFile(vp8x(vp8xAlpha, 40000, 40000), riffChunk("ALPH", []byte{0}), webpBody(webpLossy)))
	f.Add([]byte("%PDF-1.4\n%%EOF\n"))
	// Small limits keep each iteration cheap; the caps are what is tested.
	limits := ImageLimits{MaxPixels: 1 << 16, MaxBytes: 64 << 20}
	const side = 16
	f.Fuzz(func(t *testing.T, data []byte) {
		full, thumb, err := CleanImageWithThumb(data, limits, side)
		if err != nil {
			if !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrTooLarge) &&
				!errors.Is(err, ErrActiveContent) && !errors.Is(err, ErrUncheckable) {
				t.Fatalf("error %v wraps no sentinel", err)
			}
			return
		}
		for _, c := range []Cleaned{full, thumb} {
			if k, err := Sniff(c.Data); err != nil || k != c.Kind || (k != KindJPEG && k != KindPNG) {
				t.Fatalf("output sniffs as %q, %v; declared %q", k, err, c.Kind)
			}
			if c.Width <= 0 || c.Height <= 0 || c.Width*c.Height > limits.MaxPixels {
				t.Fatalf("accepted %dx%d with limit %d", c.Width, c.Height, limits.MaxPixels)
			}
		}
		if max(thumb.Width, thumb.Height) > side || thumb.Width > full.Width || thumb.Height > full.Height {
			t.Fatalf("thumbnail %dx%d of %dx%d, side %d", thumb.Width, thumb.Height, full.Width, full.Height, side)
		}
	})
}

package media

import (
	"encoding/binary"
	"image"
	"image/color"
	"testing"
)

func mustThumb(t *testing.T, data []byte, side int) (full, thumb Cleaned) {
	t.Helper()
	full, thumb, err := CleanImageWithThumb(data, testLimits, side)
	if err != nil {
		t.Fatalf("CleanImageWithThumb: %v", err)
	}
	return full, thumb
}

func TestThumbnailSizes(t *testing.T) {
	for _, tc := range []struct {
		name           string
		in             []byte
		fullW, fullH   int
		thumbW, thumbH int
		turned         bool // red above blue rather than beside it
	}{
		{"landscape png", encodePNG(t, halves(1000, 500)), 1000, 500, 480, 240, false},
		{"portrait jpeg", encodeJPEG(t, halves(300, 900)), 300, 900, 160, 480, false},
		{"small not enlarged", encodePNG(t, halves(100, 50)), 100, 50, 100, 50, false},
		{"exactly the side", encodeJPEG(t, halves(480, 20)), 480, 20, 480, 20, false},
		{"box filtered first", encodePNG(t, halves(2000, 100)), 2000, 100, 480, 24, false},
		{"thin strip", encodePNG(t, halves(5000, 2)), 5000, 2, 480, 1, false},
		{"turned upright", afterSOI(encodeJPEG(t, halves(1000, 500)), exifAPP1(binary.LittleEndian, 6, secretGPS)), 500, 1000, 240, 480, true},
		{"webp", []byte(webpLossy), 20, 10, 20, 10, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			full, thumb := mustThumb(t, tc.in, 480)
			if full.Width != tc.fullW || full.Height != tc.fullH {
				t.Errorf("full %dx%d, want %dx%d", full.Width, full.Height, tc.fullW, tc.fullH)
			}
			m := decodeCleaned(t, thumb)
			if thumb.Kind != KindJPEG || thumb.Width != tc.thumbW || thumb.Height != tc.thumbH {
				t.Fatalf("thumb %s %dx%d, want JPEG %dx%d", thumb.Kind, thumb.Width, thumb.Height, tc.thumbW, tc.thumbH)
			}
			assertAbsent(t, thumb.Data, metadataNeedles...)
			// Red and blue halves survive scaling: left|right, or
			// top/bottom once turned upright.
			b := m.Bounds()
			first, last := m.At(b.Dx()/8, b.Dy()/2), m.At(b.Dx()-1-b.Dx()/8, b.Dy()/2)
			if tc.turned {
				first, last = m.At(b.Dx()/2, b.Dy()/8), m.At(b.Dx()/2, b.Dy()-1-b.Dy()/8)
			}
			if !isRed(first) || !isBlue(last) {
				t.Errorf("thumb colours %v … %v, want red … blue", first, last)
			}
		})
	}
}

func TestThumbnailKeepsTransparency(t *testing.T) {
	m := image.NewNRGBA(image.Rect(0, 0, 1200, 600))
	for y := range 600 {
		for x := range 600 { // left half opaque red, right half transparent
			m.SetNRGBA(x, y, color.NRGBA{R: 230, G: 20, B: 20, A: 255})
		}
	}
	for name, in := range map[string][]byte{
		"png":  encodePNG(t, m),
		"webp": []byte(webpLosslessAlpha),
	} {
		_, thumb := mustThumb(t, in, 480)
		tm := decodeCleaned(t, thumb)
		b := tm.Bounds()
		_, _, _, a := tm.At(b.Max.X-2, b.Max.Y/2).RGBA()
		if thumb.Kind != KindPNG || !isRed(tm.At(1, b.Max.Y/2)) || a != 0 {
			t.Errorf("%s: thumb %s, left %v, right alpha %d; want PNG, red, transparent", name, thumb.Kind, tm.At(1, b.Max.Y/2), a)
		}
	}
}

func TestPlanThumb(t *testing.T) {
	for _, tc := range []struct {
		w, h, side        int
		k, rw, rh, dw, dh int
	}{
		{1000, 500, 480, 2, 500, 250, 480, 240},
		{900, 500, 480, 1, 900, 500, 480, 267},
		{960, 960, 480, 1, 960, 960, 480, 480},
		{961, 10, 480, 2, 481, 5, 480, 5},
		{5000, 5000, 480, 6, 834, 834, 480, 480},
		{1, 25_000_000, 480, 26042, 1, 960, 1, 480},
		{3, 2, 480, 1, 3, 2, 3, 2},
	} {
		p := planThumb(tc.w, tc.h, tc.side)
		if p.k != tc.k || p.rw != tc.rw || p.rh != tc.rh || p.dw != tc.dw || p.dh != tc.dh {
			t.Errorf("planThumb(%d, %d, %d) = %+v", tc.w, tc.h, tc.side, p)
		}
		// The working memory depends on the thumbnail, not the photo.
		if n := p.bytes(); n > 24<<20 {
			t.Errorf("planThumb(%d, %d, %d) needs %d bytes", tc.w, tc.h, tc.side, n)
		}
	}
}

func TestBoxReduce(t *testing.T) {
	// 5×3 grey ramp averaged over 2×2 blocks; the right column and bottom
	// row are partial blocks, averaged over what they hold.
	src := image.NewGray(image.Rect(10, 20, 15, 23)) // bounds need not start at 0
	for i := range src.Pix {
		src.Pix[i] = uint8(10 * i)
	}
	p := planThumb(5, 3, 1)
	p.k, p.rw, p.rh = 2, 3, 2
	got := boxReduce(src, p)
	want := [][]uint8{
		{(0 + 10 + 50 + 60 + 2) / 4, (20 + 30 + 70 + 80 + 2) / 4, (40 + 90 + 1) / 2},
		{(100 + 110 + 1) / 2, (120 + 130 + 1) / 2, 140},
	}
	for y, row := range want {
		for x, v := range row {
			if c := got.RGBAAt(x, y); c.R != v || c.G != v || c.B != v || c.A != 255 {
				t.Errorf("block (%d,%d) = %v, want grey %d", x, y, c, v)
			}
		}
	}
}

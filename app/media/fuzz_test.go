package media

import (
	"encoding/binary"
	"errors"
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
		c, err := Clean(data, limit)
		if err != nil {
			if !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrTooLarge) {
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

package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image/jpeg"
	"image/png"
	"runtime"
	"strings"
	"testing"
)

func TestCleanJPEGStripsExifAndAppliesOrientation(t *testing.T) {
	src := encodeJPEG(t, halves(40, 20))
	for _, bo := range []binary.AppendByteOrder{binary.LittleEndian, binary.BigEndian} {
		for o := uint16(1); o <= 8; o++ {
			t.Run(bo.String()+"/"+string(rune('0'+o)), func(t *testing.T) {
				in := afterSOI(src, exifAPP1(bo, o, secretGPS))
				if !bytes.Contains(in, []byte(secretGPS)) {
					t.Fatal("test input lacks the secret")
				}
				c := mustClean(t, in)
				assertAbsent(t, c.Data, "Exif", secretGPS, "\xff\xe1")
				m, err := jpeg.Decode(bytes.NewReader(c.Data))
				if err != nil {
					t.Fatalf("output does not decode: %v", err)
				}
				wantW, wantH := 40, 20
				if o >= 5 {
					wantW, wantH = 20, 40
				}
				b := m.Bounds()
				if c.Kind != KindJPEG || c.Width != wantW || c.Height != wantH || b.Dx() != wantW || b.Dy() != wantH {
					t.Fatalf("got %s %dx%d (decoded %v), want %dx%d", c.Kind, c.Width, c.Height, b, wantW, wantH)
				}
				// A camera held upright with the sensor turned: the red left
				// edge of the stored image is the top of the real scene for
				// 6, and the bottom for 8.
				switch o {
				case 6:
					if !isRed(m.At(10, 5)) || !isBlue(m.At(10, 35)) {
						t.Errorf("orientation 6: top %v, bottom %v; want red over blue", m.At(10, 5), m.At(10, 35))
					}
				case 8:
					if !isBlue(m.At(10, 5)) || !isRed(m.At(10, 35)) {
						t.Errorf("orientation 8: top %v, bottom %v; want blue over red", m.At(10, 5), m.At(10, 35))
					}
				}
			})
		}
	}
}

func TestCleanJPEGDropsOtherMetadataAndTrailers(t *testing.T) {
	in := afterSOI(encodeJPEG(t, halves(32, 32)),
		jpegSegment(0xE0, []byte("JFIF\x00\x01\x02\x00\x00\x01\x00\x01\x00\x00")),
		jpegSegment(0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>XMP-SECRET</x:xmpmeta>")),
		jpegSegment(0xE2, []byte("ICC_PROFILE\x00\x01\x01ICC-SECRET")),
		jpegSegment(0xFE, []byte("patient John Doe")),
	)
	in = append(in, "PK\x03\x04appended-zip-payload"...)
	c := mustClean(t, in)
	assertAbsent(t, c.Data, "JFIF", "xmpmeta", "XMP-SECRET", "ICC_PROFILE", "ICC-SECRET", "John Doe", "PK\x03\x04", "appended")
	if _, err := jpeg.Decode(bytes.NewReader(c.Data)); err != nil {
		t.Fatalf("output does not decode: %v", err)
	}
}

func TestCleanPNGStripsTextChunks(t *testing.T) {
	in := afterIHDR(encodePNG(t, halves(16, 8)),
		pngChunk("tEXt", []byte("Comment\x00patient John Doe")),
		pngChunk("zTXt", []byte("Author\x00\x00x\x9c\x03\x00\x00\x00\x00\x01")),
		pngChunk("iTXt", []byte("Description\x00\x00\x00en\x00\x00MRN 123456")),
		pngChunk("eXIf", []byte("MM\x00\x2a\x00\x00\x00\x08"+secretGPS)),
	)
	c := mustClean(t, in)
	assertAbsent(t, c.Data, "tEXt", "zTXt", "iTXt", "eXIf", "John Doe", "MRN", secretGPS)
	m, err := png.Decode(bytes.NewReader(c.Data))
	if err != nil {
		t.Fatalf("output does not decode: %v", err)
	}
	if c.Kind != KindPNG || c.Width != 16 || c.Height != 8 || !isRed(m.At(0, 0)) || !isBlue(m.At(15, 7)) {
		t.Fatalf("got %s %dx%d, want 16x8 red|blue PNG", c.Kind, c.Width, c.Height)
	}
}

func TestCleanRejectsUnsupported(t *testing.T) {
	for name, in := range map[string]string{
		"elf":   "\x7fELF\x02\x01\x01\x00" + strings.Repeat("\x00", 56),
		"pe":    "MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00PE\x00\x00",
		"gif":   "GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
		"svg":   `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`,
		"html":  "<html><script>alert(1)</script></html>",
		"empty": "",
	} {
		if _, err := Clean([]byte(in), pixels(1<<20)); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: error = %v, want ErrUnsupported", name, err)
		}
	}
}

func TestCleanTruncatedIsCorrupt(t *testing.T) {
	j := encodeJPEG(t, halves(64, 64))
	p := encodePNG(t, halves(64, 64))
	for name, in := range map[string][]byte{
		"jpeg header only": j[:4],
		"jpeg half":        j[:len(j)/2],
		"jpeg without EOI": j[:len(j)-2],
		"png signature":    p[:8],
		"png half":         p[:len(p)/2],
		"png without IEND": p[:len(p)-12],
	} {
		if _, err := Clean(in, pixels(1<<20)); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: error = %v, want ErrCorrupt", name, err)
		}
	}
}

func TestCleanDimensionBomb(t *testing.T) {
	pngHeader := func(w, h uint32) []byte {
		ihdr := binary.BigEndian.AppendUint32(nil, w)
		ihdr = binary.BigEndian.AppendUint32(ihdr, h)
		ihdr = append(ihdr, 8, 6, 0, 0, 0) // 8-bit RGBA
		return append([]byte("\x89PNG\r\n\x1a\n"), pngChunk("IHDR", ihdr)...)
	}

	jpegBomb := encodeJPEG(t, halves(16, 16))
	sof := bytes.Index(jpegBomb, []byte{0xFF, 0xC0})
	binary.BigEndian.PutUint16(jpegBomb[sof+5:], 65000)
	binary.BigEndian.PutUint16(jpegBomb[sof+7:], 65000)

	for name, in := range map[string][]byte{
		"png 100000x100000": pngHeader(100000, 100000), // 40 GB decoded
		"png max int32":     pngHeader(1<<31-1, 1<<31-1),
		"jpeg 65000x65000":  jpegBomb,
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := Clean(in, pixels(50_000_000))
		runtime.ReadMemStats(&after)
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: error = %v, want ErrTooLarge", name, err)
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
			t.Errorf("%s: allocated %d bytes before refusing", name, n)
		}
	}
}

// An image of exactly the allowed number of pixels goes through, one pixel
// fewer allowed refuses it, for JPEG (checked from its SOF header) as for
// PNG (checked from IHDR).
func TestPixelLimitAcceptsImagesExactlyAtTheLimit(t *testing.T) {
	for _, tc := range []struct {
		name string
		kind Kind
		data []byte
		w, h int
	}{
		{"jpeg 10x10", KindJPEG, encodeJPEG(t, halves(10, 10)), 10, 10},
		{"png 10x10", KindPNG, encodePNG(t, halves(10, 10)), 10, 10},
		{"jpeg 25x4", KindJPEG, encodeJPEG(t, halves(25, 4)), 25, 4},
		{"png 4x25", KindPNG, encodePNG(t, halves(4, 25)), 4, 25},
	} {
		got, err := Clean(tc.data, pixels(100))
		if err != nil {
			t.Errorf("%s at a limit of 100 pixels: %v", tc.name, err)
		} else if got.Kind != tc.kind || got.Width != tc.w || got.Height != tc.h || len(got.Data) == 0 {
			t.Errorf("%s at a limit of 100 pixels: got %s %dx%d (%d bytes)", tc.name, got.Kind, got.Width, got.Height, len(got.Data))
		}
		for _, limit := range []int{99, 0, -1} {
			if _, err := Clean(tc.data, pixels(limit)); !errors.Is(err, ErrTooLarge) {
				t.Errorf("%s at a limit of %d pixels: error = %v, want ErrTooLarge", tc.name, limit, err)
			}
		}
	}
}

func TestCleanJPEGScanBomb(t *testing.T) {
	in := afterSOI(encodeJPEG(t, halves(16, 16)),
		jpegSegment(0xFE, bytes.Repeat([]byte{0xFF, 0xDA}, maxJPEGScans+1)))
	if _, err := Clean(in, pixels(1<<20)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("error = %v, want ErrTooLarge", err)
	}
}

func TestCleanPDF(t *testing.T) {
	pdf := []byte("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
	c, err := Clean(pdf, pixels(1))
	if err != nil || c.Kind != KindPDF || !bytes.Equal(c.Data, pdf) || c.Width != 0 || c.Height != 0 {
		t.Fatalf("Clean(pdf) = %+v, %v; want unchanged PDF", c, err)
	}
	for name, in := range map[string]string{
		"no EOF":       "%PDF-1.4\n1 0 obj<<>>endobj\n",
		"EOF too far":  "%PDF-1.4\n%%EOF\n" + strings.Repeat("x", pdfTailLen),
		"header only":  "%PDF-",
		"html payload": "%PDF-1.4\n<html><script>alert(1)</script>",
	} {
		if _, err := Clean([]byte(in), pixels(1)); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: error = %v, want ErrCorrupt", name, err)
		}
	}
}

func TestSum(t *testing.T) {
	if got, want := Sum([]byte("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; got != want {
		t.Fatalf("Sum(abc) = %s, want %s", got, want)
	}
}

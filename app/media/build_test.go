package media

// Builders for test inputs. Everything is made in code so the fixtures show
// exactly which metadata each test expects to disappear.

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"testing"
)

const secretGPS = "SECRET-GPS-48.8584"

var (
	red  = color.RGBA{R: 230, G: 20, B: 20, A: 255}
	blue = color.RGBA{R: 20, G: 20, B: 230, A: 255}
)

// halves is w×h with its left half red and right half blue, so a rotation
// can be told from a flip even after lossy compression.
func halves(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := blue
			if x < w/2 {
				c = red
			}
			m.SetRGBA(x, y, c)
		}
	}
	return m
}

func encodeJPEG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodePNG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// jpegSegment frames payload as a JPEG marker segment.
func jpegSegment(marker byte, payload []byte) []byte {
	seg := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	return append(seg, payload...)
}

// exifAPP1 builds an APP1 Exif segment the way cameras lay it out: IFD0 with
// the orientation (omitted when 0) and a pointer to a GPS IFD holding secret.
func exifAPP1(bo binary.AppendByteOrder, orientation uint16, secret string) []byte {
	return jpegSegment(0xE1, append([]byte("Exif\x00\x00"), exifTIFF(bo, orientation, "", secret)...))
}

// exifTIFF builds the TIFF structure inside an EXIF block: IFD0 with the
// camera make (omitted when "") and the orientation (omitted when 0), and
// a GPS IFD holding secret. WebP stores it bare in its EXIF chunk.
func exifTIFF(bo binary.AppendByteOrder, orientation uint16, cameraMake, secret string) []byte {
	t := []byte("II")
	if bo == binary.BigEndian {
		t = []byte("MM")
	}
	t = bo.AppendUint16(t, 42)
	t = bo.AppendUint32(t, 8)
	entries := uint16(1)
	if orientation != 0 {
		entries++
	}
	if cameraMake != "" {
		entries++
	}
	gpsIFD := 8 + 2 + 12*uint32(entries) + 4
	gpsText := gpsIFD + 2 + 12 + 4
	makeText := gpsText + uint32(len(secret)+1)
	t = bo.AppendUint16(t, entries)
	if cameraMake != "" {
		t = bo.AppendUint16(t, 0x010F) // Make
		t = bo.AppendUint16(t, 2)      // ASCII
		t = bo.AppendUint32(t, uint32(len(cameraMake)+1))
		t = bo.AppendUint32(t, makeText)
	}
	if orientation != 0 {
		t = bo.AppendUint16(t, 0x0112)
		t = bo.AppendUint16(t, 3) // SHORT
		t = bo.AppendUint32(t, 1)
		t = bo.AppendUint16(t, orientation)
		t = bo.AppendUint16(t, 0)
	}
	t = bo.AppendUint16(t, 0x8825) // GPS IFD pointer
	t = bo.AppendUint16(t, 4)      // LONG
	t = bo.AppendUint32(t, 1)
	t = bo.AppendUint32(t, gpsIFD)
	t = bo.AppendUint32(t, 0) // no IFD1
	t = bo.AppendUint16(t, 1)
	t = bo.AppendUint16(t, 0x001B) // GPSProcessingMethod
	t = bo.AppendUint16(t, 2)      // ASCII
	t = bo.AppendUint32(t, uint32(len(secret)+1))
	t = bo.AppendUint32(t, gpsText)
	t = bo.AppendUint32(t, 0)
	t = append(t, secret+"\x00"...)
	if cameraMake != "" {
		t = append(t, cameraMake+"\x00"...)
	}
	return t
}

// afterSOI inserts segments right after a JPEG's start-of-image marker,
// where cameras put their metadata.
func afterSOI(j []byte, segs ...[]byte) []byte {
	out := append([]byte{}, j[:2]...)
	for _, s := range segs {
		out = append(out, s...)
	}
	return append(out, j[2:]...)
}

func pngChunk(typ string, data []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, typ...)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

// afterIHDR inserts chunks after the 8-byte signature and 25-byte IHDR.
func afterIHDR(p []byte, chunks ...[]byte) []byte {
	out := append([]byte{}, p[:33]...)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return append(out, p[33:]...)
}

func mustClean(t *testing.T, data []byte) Cleaned {
	t.Helper()
	c, err := Clean(data, pixels(1<<20))
	if err != nil {
		t.Fatalf("Clean: %v", err)
	}
	return c
}

func assertAbsent(t *testing.T, data []byte, needles ...string) {
	t.Helper()
	for _, n := range needles {
		if bytes.Contains(data, []byte(n)) {
			t.Errorf("output still contains %q", n)
		}
	}
}

func isRed(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r>>8 > 150 && g>>8 < 100 && b>>8 < 100
}

func isBlue(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return b>>8 > 150 && r>>8 < 100 && g>>8 < 100
}

// pixels are limits of n pixels and no byte bound: what Clean took before
// it took limits.
func pixels(n int) ImageLimits { return ImageLimits{MaxPixels: n, MaxBytes: math.MaxInt64} }

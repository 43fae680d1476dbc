package media

import (
	"encoding/binary"
	"image"
	"image/color"
	"testing"
)

func TestOrient(t *testing.T) {
	// Source, one letter per pixel (stored in the red channel):
	//   a b c
	//   d e f
	src := image.NewRGBA(image.Rect(0, 0, 3, 2))
	for i, l := range "abcdef" {
		src.SetRGBA(i%3, i/3, color.RGBA{R: uint8(l), A: 255})
	}
	// Expected upright images, written out by hand from the EXIF spec rather
	// than derived from the code's own index formulas.
	tests := map[int][]string{
		1: {"abc", "def"},
		2: {"cba", "fed"},
		3: {"fed", "cba"},
		4: {"def", "abc"},
		5: {"ad", "be", "cf"},
		6: {"da", "eb", "fc"},
		7: {"fc", "eb", "da"},
		8: {"cf", "be", "ad"},
		0: {"abc", "def"}, // invalid values leave the image alone
		9: {"abc", "def"},
	}
	for o, want := range tests {
		got := orient(src, o)
		b := got.Bounds()
		if b.Dx() != len(want[0]) || b.Dy() != len(want) {
			t.Errorf("orientation %d: size %v, want %dx%d", o, b, len(want[0]), len(want))
			continue
		}
		for y, row := range want {
			for x, l := range row {
				if r, _, _, _ := got.At(b.Min.X+x, b.Min.Y+y).RGBA(); byte(r>>8) != byte(l) {
					t.Errorf("orientation %d: pixel (%d,%d) = %c, want %c", o, x, y, byte(r>>8), l)
				}
			}
		}
	}
}

func TestOrientNonZeroOrigin(t *testing.T) {
	// Sub-images keep their parent's coordinates; orient must not assume
	// bounds start at 0,0.
	m := halves(8, 4).SubImage(image.Rect(2, 1, 6, 3))
	got := orient(m, 6)
	if b := got.Bounds(); b.Dx() != 2 || b.Dy() != 4 || !isRed(got.At(0, 0)) || !isBlue(got.At(0, 3)) {
		t.Fatalf("got bounds %v, top %v, bottom %v", got.Bounds(), got.At(0, 0), got.At(0, 3))
	}
}

func TestJPEGOrientation(t *testing.T) {
	j := encodeJPEG(t, halves(8, 8))
	le, be := binary.LittleEndian, binary.BigEndian
	exif6 := exifAPP1(le, 6, "x")
	wrongType := append([]byte{}, exif6...)
	wrongType[4+6+8+2+2] = 4 // SHORT -> LONG in the orientation entry
	badMagic := append([]byte{}, exif6...)
	badMagic[4+6+2] = 0x2B
	tests := []struct {
		name string
		in   []byte
		want int
	}{
		{"no exif", j, 1},
		{"little endian 6", afterSOI(j, exif6), 6},
		{"big endian 8", afterSOI(j, exifAPP1(be, 8, "x")), 8},
		{"no orientation tag", afterSOI(j, exifAPP1(le, 0, "x")), 1},
		{"out of range", afterSOI(j, exifAPP1(be, 9, "x")), 1},
		{"wrong type", afterSOI(j, wrongType), 1},
		{"bad tiff magic", afterSOI(j, badMagic), 1},
		{"after xmp and jfif", afterSOI(j,
			jpegSegment(0xE0, []byte("JFIF\x00")),
			jpegSegment(0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00")),
			exifAPP1(be, 3, "x")), 3},
		{"fill bytes", afterSOI(j, []byte{0xFF, 0xFF}, exifAPP1(le, 5, "x")), 5},
		{"segment overruns file", afterSOI(j, exif6)[:30], 1},
		{"ifd offset out of range", afterSOI(j, jpegSegment(0xE1, []byte("Exif\x00\x00II\x2a\x00\xff\xff\x00\x00"))), 1},
		{"not a jpeg", []byte("%PDF-"), 1},
		{"empty", nil, 1},
	}
	for _, tt := range tests {
		if got := jpegOrientation(tt.in); got != tt.want {
			t.Errorf("%s: orientation %d, want %d", tt.name, got, tt.want)
		}
	}
}

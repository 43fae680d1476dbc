package media

import (
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/draw"
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

// Every pixel format orient handles directly must agree with the RGBA path
// that TestOrient checks by hand, and keep its type (YCbCr excepted).
func TestOrientPixelFormats(t *testing.T) {
	const w, h = 5, 3
	r := image.Rect(2, 1, 2+w, 1+h) // a non-zero origin, as sub-images have
	val := func(x, y, c int) uint8 { return uint8(40*x + 70*y + 13*c) }
	gray, gray16 := image.NewGray(r), image.NewGray16(r)
	nrgba, rgba64, nrgba64, cmyk := image.NewNRGBA(r), image.NewRGBA64(r), image.NewNRGBA64(r), image.NewCMYK(r)
	pal := image.NewPaletted(r, color.Palette{color.Black, color.White, red, blue})
	ycc := image.NewYCbCr(r, image.YCbCrSubsampleRatio420)
	nycca := image.NewNYCbCrA(r, image.YCbCrSubsampleRatio444)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			gray.SetGray(x, y, color.Gray{val(x, y, 0)})
			gray16.SetGray16(x, y, color.Gray16{uint16(val(x, y, 0)) * 257})
			nrgba.SetNRGBA(x, y, color.NRGBA{val(x, y, 0), val(x, y, 1), val(x, y, 2), val(x, y, 3)})
			rgba64.SetRGBA64(x, y, color.RGBA64{uint16(val(x, y, 0)), uint16(val(x, y, 1)), 9, 0xFFFF})
			nrgba64.SetNRGBA64(x, y, color.NRGBA64{uint16(val(x, y, 0)) << 8, 7, 9, 0x8000})
			cmyk.SetCMYK(x, y, color.CMYK{val(x, y, 0), val(x, y, 1), val(x, y, 2), 3})
			pal.SetColorIndex(x, y, uint8(x+y)%4)
			ycc.Y[ycc.YOffset(x, y)] = val(x, y, 0)
			nycca.Y[nycca.YOffset(x, y)] = val(x, y, 0)
			nycca.Cb[nycca.COffset(x, y)] = val(x, y, 1)
			nycca.A[nycca.AOffset(x, y)] = val(x, y, 2)
		}
	}
	for i := range ycc.Cb {
		ycc.Cb[i], ycc.Cr[i] = uint8(30*i), uint8(200-20*i)
	}
	for _, tc := range []struct {
		src  image.Image
		want image.Image // the type of the result
	}{
		{gray, gray}, {gray16, gray16}, {nrgba, nrgba}, {rgba64, rgba64}, {nrgba64, nrgba64},
		{cmyk, cmyk}, {pal, pal}, {ycc, &image.RGBA{}}, {nycca, &image.NRGBA{}},
		{image.NewUniform(red), nil}, // not a bounded image: skipped below
	} {
		if tc.want == nil {
			continue
		}
		for o := 2; o <= 8; o++ {
			got := orient(tc.src, o)
			if gt, wt := fmt.Sprintf("%T", got), fmt.Sprintf("%T", tc.want); gt != wt {
				t.Errorf("%T orientation %d: result is %s, want %s", tc.src, o, gt, wt)
			}
			// The reference: the source drawn into RGBA, then turned.
			ref := image.NewRGBA(image.Rect(0, 0, w, h))
			draw.Draw(ref, ref.Rect, tc.src, r.Min, draw.Src)
			want := orient(ref, o)
			if got.Bounds() != want.Bounds() {
				t.Fatalf("%T orientation %d: bounds %v, want %v", tc.src, o, got.Bounds(), want.Bounds())
			}
			b := want.Bounds()
			for y := b.Min.Y; y < b.Max.Y; y++ {
				for x := b.Min.X; x < b.Max.X; x++ {
					// Off by one is allowed: NYCbCrA premultiplies at 16
					// bits, its NRGBA result at 8.
					g := color.RGBAModel.Convert(got.At(x, y)).(color.RGBA)
					if w := want.At(x, y).(color.RGBA); !near(g.R, w.R) || !near(g.G, w.G) || !near(g.B, w.B) || g.A != w.A {
						t.Errorf("%T orientation %d: pixel (%d,%d) = %v, want %v", tc.src, o, x, y, g, w)
					}
				}
			}
		}
	}
}

func near(a, b uint8) bool { return a-b <= 1 || b-a <= 1 }

package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"runtime"
	"testing"
	"time"
)

// pngHeaderOnly is a PNG signature and IHDR claiming w×h of the given bit
// depth and colour type, with no pixel data: enough for every check that
// must refuse before decoding.
func pngHeaderOnly(w, h uint32, depth, colorType byte) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, depth, colorType, 0, 0, 0)
	return append([]byte("\x89PNG\r\n\x1a\n"), pngChunk("IHDR", ihdr)...)
}

// jpegSized is a small real JPEG whose SOF claims w×h.
func jpegSized(t testing.TB, w, h uint16) []byte {
	j := encodeJPEG(t, halves(16, 16))
	sof := bytes.Index(j, []byte{0xFF, 0xC0})
	binary.BigEndian.PutUint16(j[sof+5:], h)
	binary.BigEndian.PutUint16(j[sof+7:], w)
	return j
}

// vp8lHeader is a VP8L chunk whose header claims w×h, with a few bytes of
// (meaningless) bitstream after it.
func vp8lHeader(w, h int) []byte {
	v := uint32(w-1) | uint32(h-1)<<14
	return riffChunk("VP8L", append([]byte{0x2F}, binary.LittleEndian.AppendUint32(nil, v)...))
}

// vp8Header is a VP8 key frame chunk whose header claims w×h.
func vp8Header(w, h int) []byte {
	p := []byte{0x90, 0x04, 0x00, 0x9D, 0x01, 0x2A}
	p = binary.LittleEndian.AppendUint16(p, uint16(w))
	p = binary.LittleEndian.AppendUint16(p, uint16(h))
	return riffChunk("VP8 ", append(p, make([]byte, 16)...))
}

// refuseCheaply asserts clean refuses in with want, allocating little and
// quickly: the point of reading headers first.
func refuseCheaply(t *testing.T, name string, in []byte, limits ImageLimits, want error) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, _, err := CleanImageWithThumb(in, limits, 480)
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, want) {
		t.Errorf("%s: error = %v, want %v", name, err, want)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("%s: allocated %d bytes before refusing", name, n)
	}
	if elapsed > 250*time.Millisecond {
		t.Errorf("%s: took %v to refuse", name, elapsed)
	}
}

func TestCleanImageDimensionBombs(t *testing.T) {
	for name, in := range map[string][]byte{
		"png 100000x100000":  pngHeaderOnly(100000, 100000, 8, 6), // 40 GB decoded
		"png max int32":      pngHeaderOnly(1<<31-1, 1<<31-1, 8, 6),
		"jpeg 65000x65000":   jpegSized(t, 65000, 65000),
		"webp vp8l 16384²":   webpFile(vp8lHeader(16384, 16384)),
		"webp vp8 16383²":    webpFile(vp8Header(16383, 16383)),
		"small canvas, huge": webpFile(vp8x(0, 20, 10), vp8lHeader(16384, 16384)),
		"huge canvas, small": webpFile(vp8x(0, 1<<24, 1<<24), webpBody(webpLossy)),
		// x/image/webp would allocate the canvas-sized alpha plane (1.6 GB)
		// before it compares the canvas with the frame.
		"alpha plane bomb": webpFile(vp8x(vp8xAlpha, 40000, 40000), riffChunk("ALPH", []byte{0}), webpBody(webpLossy)),
	} {
		refuseCheaply(t, name, in, CaseImageLimits, ErrTooLarge)
	}
}

func TestCleanImageByteBudget(t *testing.T) {
	limits := ImageLimits{MaxPixels: 25_000_000, MaxBytes: 100 << 20}
	// 5000×5000 is within the pixel limit; at 16 bits a channel the
	// decoded RGBA image is 200 MB, at 8 bits 100 MB.
	refuseCheaply(t, "16-bit rgba", pngHeaderOnly(5000, 5000, 16, 6), limits, ErrTooLarge)
	refuseCheaply(t, "16-bit rgb", pngHeaderOnly(5000, 5000, 16, 2), limits, ErrTooLarge)
	// The 8-bit twin passes the budget and fails only for having no
	// pixel data.
	if _, err := CleanImage(pngHeaderOnly(5000, 5000, 8, 6), limits); !errors.Is(err, ErrCorrupt) {
		t.Errorf("8-bit rgba 5000x5000 header: error = %v, want ErrCorrupt", err)
	}

	// A real 16-bit PNG is accepted at exactly its budget, one byte less
	// refuses it, and its 8-bit twin fits in that one-byte-less budget.
	m16 := image.NewNRGBA64(image.Rect(0, 0, 100, 100))
	m8 := image.NewNRGBA(m16.Rect)
	for i := range 100 * 100 {
		c := color.NRGBA64{R: uint16(i * 7), G: 0x8000, B: uint16(i), A: 0xFFFF}
		m16.Set(i%100, i/100, c)
		m8.Set(i%100, i/100, c)
	}
	p16, p8 := encodePNG(t, m16), encodePNG(t, m8)
	need := pngDecodeBytes(p16, 100, 100)
	if want := int64(8*100*100 + 2*(8*100+1)); need != want {
		t.Fatalf("16-bit 100x100 estimate %d, want %d", need, want)
	}
	c, err := CleanImage(p16, ImageLimits{MaxPixels: 10000, MaxBytes: need})
	if err != nil || c.Kind != KindPNG || c.Width != 100 || c.Height != 100 {
		t.Fatalf("at the budget: %s %dx%d, %v", c.Kind, c.Width, c.Height, err)
	}
	under := ImageLimits{MaxPixels: 10000, MaxBytes: need - 1}
	if _, err := CleanImage(p16, under); !errors.Is(err, ErrTooLarge) {
		t.Errorf("one byte under the budget: error = %v, want ErrTooLarge", err)
	}
	if _, err := CleanImage(p8, under); err != nil {
		t.Errorf("8-bit twin: %v", err)
	}
}

// An image of exactly the allowed number of pixels goes through and one
// pixel fewer allowed refuses it, for every input kind; likewise for the
// byte budget, at whatever the estimate is.
func TestCleanImageLimitsAreInclusive(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		w, h int
	}{
		{"jpeg", encodeJPEG(t, halves(10, 10)), 10, 10},
		{"png", encodePNG(t, halves(25, 4)), 25, 4},
		{"webp lossy", []byte(webpLossy), 20, 10},
		{"webp lossless", []byte(webpLossless), 20, 10},
		{"webp lossy alpha", []byte(webpLossyAlpha), 20, 10},
	} {
		px := tc.w * tc.h
		if c, err := CleanImage(tc.data, ImageLimits{MaxPixels: px, MaxBytes: 1 << 30}); err != nil || c.Width*c.Height != px {
			t.Errorf("%s at a limit of %d pixels: %dx%d, %v", tc.name, px, c.Width, c.Height, err)
		}
		for _, limit := range []int{px - 1, 0, -1} {
			if _, err := CleanImage(tc.data, ImageLimits{MaxPixels: limit, MaxBytes: 1 << 30}); !errors.Is(err, ErrTooLarge) {
				t.Errorf("%s at a limit of %d pixels: error = %v, want ErrTooLarge", tc.name, limit, err)
			}
		}
		kind, _ := Sniff(tc.data)
		h, err := readHeader(kind, tc.data, ImageLimits{MaxPixels: px, MaxBytes: 1 << 62}, 0)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		need := h.pixelBytes(tc.data, 0)
		if _, err := CleanImage(tc.data, ImageLimits{MaxPixels: px, MaxBytes: need}); err != nil {
			t.Errorf("%s at a budget of %d bytes: %v", tc.name, need, err)
		}
		if _, err := CleanImage(tc.data, ImageLimits{MaxPixels: px, MaxBytes: need - 1}); !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s at a budget of %d bytes: error = %v, want ErrTooLarge", tc.name, need-1, err)
		}
	}
	if _, err := CleanImage(encodePNG(t, halves(2, 2)), ImageLimits{}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("zero ImageLimits: error = %v, want ErrTooLarge", err)
	}
}

func TestPNGDecodeBytes(t *testing.T) {
	trns := func(p []byte) []byte { return afterIHDR(p, pngChunk("tRNS", []byte{0, 0, 0, 0, 0, 0})) }
	const w, h, rows = 10, 10, 2 * (8*10 + 1)
	for _, tc := range []struct {
		name string
		in   []byte
		bpp  int64
	}{
		{"grey 8", pngHeaderOnly(w, h, 8, 0), 1},
		{"grey 1", pngHeaderOnly(w, h, 1, 0), 1},
		{"grey 8 tRNS", trns(pngHeaderOnly(w, h, 8, 0)), 4},
		{"grey 16", pngHeaderOnly(w, h, 16, 0), 2},
		{"grey 16 tRNS", trns(pngHeaderOnly(w, h, 16, 0)), 8},
		{"rgb 8", pngHeaderOnly(w, h, 8, 2), 4},
		{"rgb 16", pngHeaderOnly(w, h, 16, 2), 8},
		{"paletted", pngHeaderOnly(w, h, 8, 3), 1},
		{"grey alpha 8", pngHeaderOnly(w, h, 8, 4), 4},
		{"grey alpha 16", pngHeaderOnly(w, h, 16, 4), 8},
		{"rgba 8", pngHeaderOnly(w, h, 8, 6), 4},
		{"rgba 16", pngHeaderOnly(w, h, 16, 6), 8},
	} {
		if got := pngDecodeBytes(tc.in, w, h); got != tc.bpp*w*h+rows {
			t.Errorf("%s: %d bytes, want %d", tc.name, got, tc.bpp*w*h+rows)
		}
	}
	interlaced := pngHeaderOnly(w, h, 8, 6)
	interlaced[28] = 1
	if got := pngDecodeBytes(interlaced, w, h); got != 2*4*w*h+rows {
		t.Errorf("interlaced: %d bytes, want %d", got, 2*4*w*h+rows)
	}
}

func TestJPEGDecodeBytes(t *testing.T) {
	// Go's encoder writes 4:2:0: per 16×16 block 256 luma and 2×64 chroma
	// samples.
	color420 := encodeJPEG(t, halves(16, 16))
	grey := encodeJPEG(t, image.NewGray(image.Rect(0, 0, 16, 16)))
	progressive := bytes.Clone(color420)
	progressive[bytes.Index(progressive, []byte{0xFF, 0xC0})+1] = 0xC2
	adobe := afterSOI(color420, jpegSegment(0xEE, []byte("Adobe\x00\x64\x00\x00\x00\x00\x00")))
	jfifAdobe := afterSOI(adobe, jpegSegment(0xE0, []byte("JFIF\x00\x01\x02\x00\x00\x01\x00\x01\x00\x00")))
	noSOF := bytes.Clone(color420)
	noSOF[bytes.Index(noSOF, []byte{0xFF, 0xC0})+1] = 0xC3 // lossless: not a frame Go reads
	for _, tc := range []struct {
		name string
		in   []byte
		want int64
	}{
		{"baseline 4:2:0", color420, 384},
		{"grey", grey, 256},
		{"progressive keeps coefficients", progressive, 5 * 384},
		{"adobe may mean RGB", adobe, 384 + 4*256},
		{"jfif means YCbCr", jfifAdobe, 384},
		{"unreadable frame errs high", noSOF, 24 * 47 * 47},
	} {
		if got := jpegDecodeBytes(tc.in, 16, 16); got != tc.want {
			t.Errorf("%s: %d bytes, want %d", tc.name, got, tc.want)
		}
	}
}

// The default limits must not refuse ordinary photos; checked on headers
// alone, so no 100 MB image is built.
func TestCaseImageLimitsAdmitOrdinaryPhotos(t *testing.T) {
	upright6 := func(j []byte) []byte { return afterSOI(j, exifAPP1(binary.BigEndian, 6, "x")) }
	progressive := func(j []byte) []byte {
		j[bytes.Index(j, []byte{0xFF, 0xC0})+1] = 0xC2
		return j
	}
	for name, in := range map[string][]byte{
		"24 MP portrait JPEG to turn":      upright6(jpegSized(t, 6000, 4000)),
		"12 MP progressive portrait JPEG":  upright6(progressive(jpegSized(t, 4000, 3000))),
		"25 MP progressive JPEG":           progressive(jpegSized(t, 5000, 5000)),
		"25 MP 8-bit RGBA PNG":             pngHeaderOnly(5000, 5000, 8, 6),
		"25 MP 16-bit grey PNG (an X-ray)": pngHeaderOnly(5000, 5000, 16, 0),
		"4000x3000 lossy WebP":             webpFile(vp8Header(4000, 3000)),
		"4000x3000 lossless WebP":          webpFile(vp8lHeader(4000, 3000)),
		"3000x2000 lossy WebP with alpha":  webpFile(vp8x(vp8xAlpha, 3000, 2000), riffChunk("ALPH", []byte{1}), vp8Header(3000, 2000)),
	} {
		kind, _ := Sniff(in)
		if _, err := readHeader(kind, in, CaseImageLimits, 480); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// Documents are bound by bytes as well as pixels: a few hundred bytes of
// 16-bit PNG declaring 5000×5000 (200 MB decoded; it took 6.6 s and left
// the server 340 MB larger when only pixels were counted) is refused from
// its header, while an 8-bit document photo of the same size still fits.
func TestDocumentLimitsBoundBytes(t *testing.T) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err := Clean(pngHeaderOnly(5000, 5000, 16, 6), DocumentLimits)
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("a 16-bit 5000x5000 PNG: %v, want ErrTooLarge", err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 || elapsed > 250*time.Millisecond {
		t.Fatalf("refusing it allocated %d bytes in %v", n, elapsed)
	}
	if _, err := Clean(jpegSized(t, 5000, 5000), DocumentLimits); errors.Is(err, ErrTooLarge) {
		t.Fatalf("an ordinary 25-megapixel JPEG document is refused as too large: %v", err)
	}
}

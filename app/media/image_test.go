package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"testing"
)

// testLimits are generous for the small images the tests make.
var testLimits = ImageLimits{MaxPixels: 1 << 20, MaxBytes: 256 << 20}

// metadataNeedles are strings no cleaned image may contain.
var metadataNeedles = []string{
	"Exif", "GPS", secretGPS, cameraMake, "http://ns.adobe.com/xap", "xmpmeta", "XMP-SECRET",
	"ICC_PROFILE", "ICC-SECRET", "ICCP", "EXIF", "XMP ", "John Doe",
}

func mustCleanImage(t *testing.T, data []byte) Cleaned {
	t.Helper()
	c, err := CleanImage(data, testLimits)
	if err != nil {
		t.Fatalf("CleanImage: %v", err)
	}
	return c
}

// decodeCleaned decodes c by its declared kind, checking the kind is one
// the database stores and matches the bytes.
func decodeCleaned(t *testing.T, c Cleaned) image.Image {
	t.Helper()
	if k, err := Sniff(c.Data); err != nil || k != c.Kind {
		t.Fatalf("output sniffs as %q (%v), declared %q", k, err, c.Kind)
	}
	var m image.Image
	var err error
	switch c.Kind {
	case KindJPEG:
		m, err = jpeg.Decode(bytes.NewReader(c.Data))
	case KindPNG:
		m, err = png.Decode(bytes.NewReader(c.Data))
	default:
		t.Fatalf("stored kind %q is neither JPEG nor PNG", c.Kind)
	}
	if err != nil {
		t.Fatalf("output does not decode: %v", err)
	}
	if b := m.Bounds(); b.Dx() != c.Width || b.Dy() != c.Height {
		t.Fatalf("decoded %v, Cleaned says %dx%d", b, c.Width, c.Height)
	}
	return m
}

func TestCleanImageJPEGDropsMetadataAndTurnsUpright(t *testing.T) {
	in := afterSOI(encodeJPEG(t, halves(20, 10)),
		jpegSegment(0xE1, append([]byte("Exif\x00\x00"), exifTIFF(binary.BigEndian, 6, cameraMake, secretGPS)...)),
		jpegSegment(0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>XMP-SECRET</x:xmpmeta>")),
		jpegSegment(0xE2, []byte("ICC_PROFILE\x00\x01\x01ICC-SECRET")),
		jpegSegment(0xFE, []byte("patient John Doe")),
	)
	for _, n := range []string{"Exif", secretGPS, cameraMake, "http://ns.adobe.com/xap"} {
		if !bytes.Contains(in, []byte(n)) {
			t.Fatalf("test input lacks %q", n)
		}
	}
	c := mustCleanImage(t, in)
	assertAbsent(t, c.Data, metadataNeedles...)
	m := decodeCleaned(t, c)
	if c.Kind != KindJPEG || c.Width != 10 || c.Height != 20 {
		t.Fatalf("got %s %dx%d, want a 10x20 JPEG", c.Kind, c.Width, c.Height)
	}
	// Orientation 6: the stored left (red) edge is the scene's top.
	if !isRed(m.At(5, 2)) || !isBlue(m.At(5, 17)) {
		t.Errorf("top %v, bottom %v; want red over blue", m.At(5, 2), m.At(5, 17))
	}
}

func TestCleanImagePNGStaysPNG(t *testing.T) {
	in := afterIHDR(encodePNG(t, halves(16, 8)), pngChunk("tEXt", []byte("Comment\x00patient John Doe")))
	c := mustCleanImage(t, in)
	assertAbsent(t, c.Data, "tEXt", "John Doe")
	m := decodeCleaned(t, c)
	if c.Kind != KindPNG || c.Width != 16 || c.Height != 8 || !isRed(m.At(0, 0)) || !isBlue(m.At(15, 7)) {
		t.Fatalf("got %s %dx%d, want 16x8 red|blue PNG", c.Kind, c.Width, c.Height)
	}
}

func TestCleanImageWebP(t *testing.T) {
	tests := []struct {
		name        string
		in          []byte
		kind        Kind
		w, h        int
		transparent bool // the blue half is transparent
	}{
		{"lossy", []byte(webpLossy), KindJPEG, 20, 10, false},
		{"lossless", []byte(webpLossless), KindPNG, 20, 10, false},
		{"lossless with alpha", []byte(webpLosslessAlpha), KindPNG, 20, 10, true},
		{"lossy with alpha", []byte(webpLossyAlpha), KindPNG, 20, 10, true},
		{"lossy with metadata", webpWithMetadata(t, webpLossy, 1), KindJPEG, 20, 10, false},
		{"lossless with metadata", webpWithMetadata(t, webpLossless, 0), KindPNG, 20, 10, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if k, err := Sniff(tt.in); k != KindWebP || err != nil {
				t.Fatalf("input sniffs as %q, %v", k, err)
			}
			c := mustCleanImage(t, tt.in)
			assertAbsent(t, c.Data, append(metadataNeedles, "RIFF", "WEBP", "VP8")...)
			m := decodeCleaned(t, c)
			if c.Kind != tt.kind || c.Width != tt.w || c.Height != tt.h {
				t.Fatalf("got %s %dx%d, want %s %dx%d", c.Kind, c.Width, c.Height, tt.kind, tt.w, tt.h)
			}
			if !isRed(m.At(2, 5)) {
				t.Errorf("left half is %v, want red", m.At(2, 5))
			}
			_, _, _, a := m.At(17, 5).RGBA()
			switch {
			case tt.transparent && a != 0:
				t.Errorf("right half alpha %d, want transparent", a>>8)
			case !tt.transparent && !isBlue(m.At(17, 5)):
				t.Errorf("right half is %v, want blue", m.At(17, 5))
			}
		})
	}
}

func TestCleanImageWebPOrientation(t *testing.T) {
	for _, f := range []string{webpLossy, webpLossless} {
		c := mustCleanImage(t, webpWithMetadata(t, f, 6))
		assertAbsent(t, c.Data, metadataNeedles...)
		m := decodeCleaned(t, c)
		if c.Width != 10 || c.Height != 20 || !isRed(m.At(5, 2)) || !isBlue(m.At(5, 17)) {
			t.Errorf("%s: got %dx%d, top %v, bottom %v; want 10x20 red over blue", c.Kind, c.Width, c.Height, m.At(5, 2), m.At(5, 17))
		}
	}
}

func TestCleanImageRefuses(t *testing.T) {
	animated := webpFile(vp8x(vp8xAnimation, 20, 10), riffChunk("ANIM", make([]byte, 6)))
	tests := map[string]struct {
		in   []byte
		want error
	}{
		"pdf":                {[]byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"), ErrUnsupported},
		"gif":                {[]byte("GIF89a\x01\x00\x01\x00\x80\x00\x00"), ErrUnsupported},
		"svg":                {[]byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), ErrUnsupported},
		"riff wave":          {[]byte("RIFF\x24\x00\x00\x00WAVEfmt "), ErrUnsupported},
		"animated webp":      {animated, ErrUnsupported},
		"empty":              {nil, ErrUnsupported},
		"webp header only":   {[]byte(webpLossy)[:12], ErrCorrupt},
		"webp frame cut":     {[]byte(webpLossy)[:40], ErrCorrupt},
		"webp tail cut":      {[]byte(webpLossy)[:len(webpLossy)-10], ErrCorrupt},
		"lossless cut":       {[]byte(webpLossless)[:30], ErrCorrupt},
		"jpeg half":          {encodeJPEG(t, halves(64, 64))[:300], ErrCorrupt},
		"png without IEND":   {func() []byte { p := encodePNG(t, halves(64, 64)); return p[:len(p)-12] }(), ErrCorrupt},
		"webp without frame": {webpFile(vp8x(0, 20, 10)), ErrCorrupt},
	}
	for name, tt := range tests {
		if _, err := CleanImage(tt.in, testLimits); !errors.Is(err, tt.want) {
			t.Errorf("%s: error = %v, want %v", name, err, tt.want)
		}
		if _, _, err := CleanImageWithThumb(tt.in, testLimits, 64); !errors.Is(err, tt.want) {
			t.Errorf("%s with thumbnail: error = %v, want %v", name, err, tt.want)
		}
	}
}

// Documents keep their own path: Clean does not take up WebP.
func TestCleanStillRefusesWebP(t *testing.T) {
	if _, err := Clean([]byte(webpLossy), pixels(1<<20)); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("Clean(webp) error = %v, want ErrUnsupported", err)
	}
}

func TestCleanImageWithThumbRejectsBadSide(t *testing.T) {
	if _, _, err := CleanImageWithThumb(encodePNG(t, halves(4, 4)), testLimits, 0); err == nil {
		t.Fatal("thumbnail side 0 accepted")
	}
}

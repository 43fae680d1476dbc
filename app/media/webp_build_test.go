package media

// WebP fixtures. The test cannot make WebPs (Go has no encoder), so these
// are cwebp 1.2.4 outputs of a 20×10 image whose left half is red and right
// half blue, as halves(20, 10) draws it:
//
//	cwebp -q 90 -metadata none in.png                 (webpLossy)
//	cwebp -lossless -exact -metadata none in.png      (webpLossless)
//
// and of the same image with its blue half fully transparent:
//
//	cwebp -lossless -exact alpha.png                  (webpLosslessAlpha)
//	cwebp -q 90 -alpha_q 100 -exact alpha.png         (webpLossyAlpha)
//
// Metadata is added in code (webpWithMetadata), so each test shows what it
// expects to disappear.

import (
	"encoding/binary"
	"testing"
)

const (
	webpLossy = "" +
		"\x52\x49\x46\x46\x70\x00\x00\x00\x57\x45\x42\x50\x56\x50\x38\x20" +
		"\x64\x00\x00\x00\x90\x04\x00\x9d\x01\x2a\x14\x00\x0a\x00\x3e\x31" +
		"\x14\x88\x42\xa2\x21\x21\x18\x04\x00\x20\x03\x04\xa0\x0b\xb1\xc8" +
		"\x03\xf0\x02\xb4\x03\xf8\x06\x50\x07\xe8\x00\x16\xad\x65\xe9\x68" +
		"\x00\x00\xfe\xf9\xc2\x5f\x31\x54\x35\xf9\xb1\xef\xff\xd3\x48\xff" +
		"\xfc\x4d\x73\x2f\x59\x38\xff\xfe\x9a\x47\xfc\x4d\x73\x2f\x59\x38" +
		"\xff\xfe\xd4\xb3\xd0\x8a\xbd\x19\x3a\x7f\xff\xb5\x2b\x4d\x43\x63" +
		"\x18\x0e\x9e\x4d\xc2\xf0\x00\x00"
	webpLossless = "" +
		"\x52\x49\x46\x46\x2a\x00\x00\x00\x57\x45\x42\x50\x56\x50\x38\x4c" +
		"\x1e\x00\x00\x00\x2f\x13\x40\x02\x00\x0f\x30\x14\xa7\x90\xbe\x8b" +
		"\xf9\xfc\x47\x0b\xc8\x04\x2c\x36\xfa\x67\x76\x6b\x10\xd1\xff\x58" +
		"\xb9\x00"
	webpLosslessAlpha = "" +
		"\x52\x49\x46\x46\x2a\x00\x00\x00\x57\x45\x42\x50\x56\x50\x38\x4c" +
		"\x1e\x00\x00\x00\x2f\x13\x40\x02\x10\x0f\x30\x14\xa7\x90\xbe\x8b" +
		"\xf9\xfc\x47\x29\xc8\x04\x2c\x36\xfa\x67\x76\x6b\x10\xd1\xff\x58" +
		"\xb9\x00"
	webpLossyAlpha = "" +
		"\x52\x49\x46\x46\x9e\x00\x00\x00\x57\x45\x42\x50\x56\x50\x38\x58" +
		"\x0a\x00\x00\x00\x10\x00\x00\x00\x13\x00\x00\x09\x00\x00\x41\x4c" +
		"\x50\x48\x14\x00\x00\x00\x01\x0f\x30\xff\x11\x11\x82\x4c\xc0\x62" +
		"\xa3\x7f\x66\xb7\x06\x11\xfd\x8f\x95\x0b\x56\x50\x38\x20\x64\x00" +
		"\x00\x00\x90\x04\x00\x9d\x01\x2a\x14\x00\x0a\x00\x3e\x31\x14\x88" +
		"\x42\xa2\x21\x21\x18\x04\x00\x20\x03\x04\xa0\x0b\xb1\xc8\x03\xf0" +
		"\x02\xb4\x03\xf8\x06\x50\x07\xe8\x00\x16\xad\x65\xe9\x68\x00\x00" +
		"\xfe\xf9\xc2\x5f\x31\x54\x35\xf9\xb1\xef\xff\xd3\x48\xff\xfc\x4d" +
		"\x73\x2f\x59\x38\xff\xfe\x9a\x47\xfc\x4d\x73\x2f\x59\x38\xff\xfe" +
		"\xd4\xb3\xd0\x8a\xbd\x19\x3a\x7f\xff\xb5\x2b\x4d\x43\x63\x18\x0e" +
		"\x9e\x4d\xc2\xf0\x00\x00"
)

// VP8X feature flags.
const (
	vp8xAnimation = 1 << 1
	vp8xXMP       = 1 << 2
	vp8xEXIF      = 1 << 3
	vp8xAlpha     = 1 << 4
	vp8xICC       = 1 << 5
)

const cameraMake = "SECRET-CAMERA-MAKE-Pixel9"

// riffChunk frames data as a RIFF chunk, padded to an even length.
func riffChunk(id string, data []byte) []byte {
	c := append([]byte(id), binary.LittleEndian.AppendUint32(nil, uint32(len(data)))...)
	c = append(c, data...)
	if len(data)%2 == 1 {
		c = append(c, 0)
	}
	return c
}

// webpFile wraps chunks in a RIFF WEBP header.
func webpFile(chunks ...[]byte) []byte {
	var body []byte
	for _, c := range chunks {
		body = append(body, c...)
	}
	f := append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(4+len(body)))...)
	return append(append(f, "WEBP"...), body...)
}

// webpBody returns a fixture's chunks, without the RIFF header.
func webpBody(f string) []byte { return []byte(f)[12:] }

// vp8x builds the extended-format header chunk.
func vp8x(flags byte, w, h int) []byte {
	d := []byte{flags, 0, 0, 0}
	d = append(d, byte(w-1), byte((w-1)>>8), byte((w-1)>>16))
	d = append(d, byte(h-1), byte((h-1)>>8), byte((h-1)>>16))
	return riffChunk("VP8X", d)
}

// webpWithMetadata puts the simple-format 20×10 fixture f into an extended
// file with an ICC profile, EXIF (orientation, camera make, GPS) and XMP,
// in the order the container spec gives.
func webpWithMetadata(t testing.TB, f string, orientation uint16) []byte {
	t.Helper()
	return webpFile(
		vp8x(vp8xICC|vp8xEXIF|vp8xXMP, 20, 10),
		riffChunk("ICCP", []byte("ICC_PROFILE ICC-SECRET")),
		webpBody(f),
		riffChunk("EXIF", exifTIFF(binary.LittleEndian, orientation, cameraMake, secretGPS)),
		riffChunk("XMP ", []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/" xmlns:xap="http://ns.adobe.com/xap/1.0/">XMP-SECRET</x:xmpmeta>`)),
	)
}

package webtest

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// Photo makes a small JPEG, with an APP1 segment holding app1 when given
// (EXIF as a camera writes it), for tests of uploads.
func Photo(t testing.TB, app1 []byte) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := 0; x < 64; x++ {
		img.Set(x, x%48, color.RGBA{180, 40, 60, 255})
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	if app1 == nil {
		return data
	}
	seg := []byte{0xFF, 0xE1, byte((len(app1) + 2) >> 8), byte(len(app1) + 2)}
	return append(append(append([]byte{}, data[:2]...), append(seg, app1...)...), data[2:]...)
}

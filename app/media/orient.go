package media

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/draw"
)

// jpegOrientation returns the EXIF orientation (1–8) of a JPEG, or 1 when
// it has none or the metadata is malformed. It is deliberately forgiving: a
// broken EXIF block must not block an upload whose pixels decode fine, and
// the block is about to be thrown away anyway.
func jpegOrientation(data []byte) int {
	o := 1
	walkJPEG(data, func(marker byte, seg []byte) bool {
		if marker == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			o = tiffOrientation(seg[6:])
			return false
		}
		return true
	})
	return o
}

// tiffOrientation reads tag 0x0112 from IFD0 of the TIFF structure inside
// an EXIF block, with every offset bounds-checked since it is sender data.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	if bo.Uint16(t[2:]) != 42 {
		return 1
	}
	ifd := int64(bo.Uint32(t[4:]))
	if ifd+2 > int64(len(t)) {
		return 1
	}
	count := int64(bo.Uint16(t[ifd:]))
	for e := ifd + 2; e+12 <= int64(len(t)) && count > 0; e, count = e+12, count-1 {
		const tagOrientation, typeShort = 0x0112, 3
		if bo.Uint16(t[e:]) != tagOrientation {
			continue
		}
		if bo.Uint16(t[e+2:]) != typeShort || bo.Uint32(t[e+4:]) != 1 {
			return 1
		}
		if v := int(bo.Uint16(t[e+8:])); v >= 1 && v <= 8 {
			return v
		}
		return 1
	}
	return 1
}

// orient returns img transformed so that it displays upright with the EXIF
// orientation o discarded. Orientation 1 and unknown values return img as
// is, which keeps the common case free of an extra copy.
//
// The result keeps the pixel format where it can, so a grey JPEG stays one
// byte a pixel and a CMYK one stays CMYK; YCbCr (JPEG, lossy WebP) becomes
// RGBA, since chroma subsampling does not survive a quarter turn. Either way only one copy is made: at most four bytes a pixel for
// anything a JPEG or WebP decodes to, which is what the memory budget in
// limits.go counts.
func orient(img image.Image, o int) image.Image {
	if o < 2 || o > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 { // orientations 5–8 swap the axes
		dw, dh = h, w
	}
	at := sourcePixel(o, w, h)
	dr := image.Rect(0, 0, dw, dh)
	switch m := img.(type) {
	case *image.Gray:
		return &image.Gray{Pix: movePixels(m.Pix, m.Stride, 1, dw, dh, at), Stride: dw, Rect: dr}
	case *image.Gray16:
		return &image.Gray16{Pix: movePixels(m.Pix, m.Stride, 2, dw, dh, at), Stride: 2 * dw, Rect: dr}
	case *image.RGBA:
		return &image.RGBA{Pix: movePixels(m.Pix, m.Stride, 4, dw, dh, at), Stride: 4 * dw, Rect: dr}
	case *image.NRGBA:
		return &image.NRGBA{Pix: movePixels(m.Pix, m.Stride, 4, dw, dh, at), Stride: 4 * dw, Rect: dr}
	case *image.CMYK:
		return &image.CMYK{Pix: movePixels(m.Pix, m.Stride, 4, dw, dh, at), Stride: 4 * dw, Rect: dr}
	case *image.RGBA64:
		return &image.RGBA64{Pix: movePixels(m.Pix, m.Stride, 8, dw, dh, at), Stride: 8 * dw, Rect: dr}
	case *image.NRGBA64:
		return &image.NRGBA64{Pix: movePixels(m.Pix, m.Stride, 8, dw, dh, at), Stride: 8 * dw, Rect: dr}
	case *image.Paletted:
		return &image.Paletted{Pix: movePixels(m.Pix, m.Stride, 1, dw, dh, at), Stride: dw, Rect: dr, Palette: m.Palette}
	case *image.YCbCr:
		return orientYCbCr(m, nil, dw, dh, at)
	case *image.NYCbCrA:
		return orientYCbCr(&m.YCbCr, m, dw, dh, at)
	}
	// Anything else is drawn into RGBA first; no decoder used here
	// returns such an image, so the extra copy is never paid in practice.
	src := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(src, src.Rect, img, b.Min, draw.Src)
	return &image.RGBA{Pix: movePixels(src.Pix, src.Stride, 4, dw, dh, at), Stride: 4 * dw, Rect: dr}
}

// sourcePixel returns the map from a pixel of the upright image to the
// pixel of the stored w×h image shown there, both relative to the origin.
func sourcePixel(o, w, h int) func(x, y int) (int, int) {
	switch o {
	case 2: // mirrored horizontally
		return func(x, y int) (int, int) { return w - 1 - x, y }
	case 3: // rotated 180°
		return func(x, y int) (int, int) { return w - 1 - x, h - 1 - y }
	case 4: // mirrored vertically
		return func(x, y int) (int, int) { return x, h - 1 - y }
	case 5: // transposed
		return func(x, y int) (int, int) { return y, x }
	case 6: // needs 90° clockwise
		return func(x, y int) (int, int) { return y, h - 1 - x }
	case 7: // transversed
		return func(x, y int) (int, int) { return w - 1 - y, h - 1 - x }
	case 8: // needs 90° counter-clockwise
		return func(x, y int) (int, int) { return w - 1 - y, x }
	}
	return func(x, y int) (int, int) { return x, y }
}

// movePixels copies the bpp-byte pixels of a packed image (Pix starting at
// its bounds' corner, as the image types lay it out) into a new dw×dh
// buffer, fetching each from at.
func movePixels(pix []byte, stride, bpp, dw, dh int, at func(x, y int) (int, int)) []byte {
	dst := make([]byte, dw*dh*bpp)
	for y, d := 0, 0; y < dh; y++ {
		for x := 0; x < dw; x, d = x+1, d+bpp {
			sx, sy := at(x, y)
			s := sy*stride + sx*bpp
			copy(dst[d:d+bpp], pix[s:s+bpp])
		}
	}
	return dst
}

// orientYCbCr converts m to RGBA while turning it, or to NRGBA carrying
// alpha's values when alpha is not nil.
func orientYCbCr(m *image.YCbCr, alpha *image.NYCbCrA, dw, dh int, at func(x, y int) (int, int)) image.Image {
	origin := m.Rect.Min
	pix := make([]byte, 4*dw*dh)
	for y, d := 0, 0; y < dh; y++ {
		for x := 0; x < dw; x, d = x+1, d+4 {
			sx, sy := at(x, y)
			sx, sy = sx+origin.X, sy+origin.Y
			c := m.COffset(sx, sy)
			r, g, b := color.YCbCrToRGB(m.Y[m.YOffset(sx, sy)], m.Cb[c], m.Cr[c])
			a := uint8(0xFF)
			if alpha != nil {
				a = alpha.A[alpha.AOffset(sx, sy)]
			}
			pix[d], pix[d+1], pix[d+2], pix[d+3] = r, g, b, a
		}
	}
	dr := image.Rect(0, 0, dw, dh)
	if alpha != nil {
		return &image.NRGBA{Pix: pix, Stride: 4 * dw, Rect: dr}
	}
	return &image.RGBA{Pix: pix, Stride: 4 * dw, Rect: dr}
}

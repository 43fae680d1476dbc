package media

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/draw"
)

// jpegOrientation returns the EXIF orientation (1–8) of a JPEG, or 1 when
// it has none or the metadata is malformed. It is deliberately forgiving: a
// broken EXIF block must not block an upload whose pixels decode fine, and
// the block is about to be thrown away anyway.
func jpegOrientation(data []byte) int {
	if len(data) < 2 || data[0] != 0xFF || data[1] != 0xD8 {
		return 1
	}
	i := 2
	for i+4 <= len(data) {
		if data[i] != 0xFF {
			return 1
		}
		marker := data[i+1]
		switch {
		case marker == 0xFF: // fill byte before a marker
			i++
			continue
		case marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7):
			i += 2 // standalone markers carry no length
			continue
		case marker == 0xDA || marker == 0xD9:
			// Metadata segments precede the first scan; past it lies
			// entropy-coded data that is not worth walking.
			return 1
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			return 1
		}
		seg := data[i+4 : i+2+n]
		if marker == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return tiffOrientation(seg[6:])
		}
		i += 2 + n
	}
	return 1
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
func orient(img image.Image, o int) image.Image {
	if o < 2 || o > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	// Converting once to RGBA lets the loop below move plain 4-byte pixels;
	// draw has a fast path for the YCbCr images the JPEG decoder returns.
	src := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(src, src.Rect, img, b.Min, draw.Src)

	dw, dh := w, h
	if o >= 5 { // orientations 5–8 swap the axes
		dw, dh = h, w
	}
	// at maps a destination pixel to the source pixel shown there.
	var at func(x, y int) (int, int)
	switch o {
	case 2: // mirrored horizontally
		at = func(x, y int) (int, int) { return w - 1 - x, y }
	case 3: // rotated 180°
		at = func(x, y int) (int, int) { return w - 1 - x, h - 1 - y }
	case 4: // mirrored vertically
		at = func(x, y int) (int, int) { return x, h - 1 - y }
	case 5: // transposed
		at = func(x, y int) (int, int) { return y, x }
	case 6: // needs 90° clockwise
		at = func(x, y int) (int, int) { return y, h - 1 - x }
	case 7: // transversed
		at = func(x, y int) (int, int) { return w - 1 - y, h - 1 - x }
	case 8: // needs 90° counter-clockwise
		at = func(x, y int) (int, int) { return w - 1 - y, x }
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < dh; y++ {
		for x := 0; x < dw; x++ {
			sx, sy := at(x, y)
			s := src.PixOffset(sx, sy)
			copy(dst.Pix[dst.PixOffset(x, y):][:4], src.Pix[s:s+4])
		}
	}
	return dst
}

package media

import (
	"encoding/binary"
)

// ImageLimits bounds the work CleanImage may do for one image. Both limits
// are checked against the file's headers before any pixel is decoded, and
// a zero value refuses every image, so a forgotten limit fails closed.
type ImageLimits struct {
	// MaxPixels caps width × height.
	MaxPixels int
	// MaxBytes caps the pixel memory that cleaning the image will hold, as
	// estimated from its headers: the decoder's buffers for the pixel
	// format the file declares (a 16-bit RGBA PNG costs 8 bytes a pixel, a
	// grey one 1, a progressive JPEG keeps its DCT coefficients besides
	// the image), the upright copy made when EXIF orientation turns the
	// image, and the thumbnail's working space. Not counted are the
	// re-encoded output (at most about the raw pixel size for PNG, usually
	// a fraction of it) and the short-lived garbage some encoders make.
	MaxBytes int64
}

// CaseImageLimits are the limits for images attached to case discussions.
// 25 megapixels is more than phone cameras take. 256 MiB of pixel memory
// admits baseline JPEGs, lossy WebPs and non-interlaced PNGs (16-bit ones
// included) of that size, turned upright and thumbnailed. It refuses only
// formats whose worst case is costly: progressive JPEGs that must be
// turned, above about 21 megapixels; interlaced 16-bit PNGs above about
// 15; lossless WebPs above about 12, and lossy ones with lossless alpha
// above about 10, since the estimate counts the largest Huffman tables a
// VP8L stream may declare.
var CaseImageLimits = ImageLimits{MaxPixels: 25_000_000, MaxBytes: 256 << 20}

// DocumentLimits are the limits for scans and photos sent as documents (a
// license, a consult's attachments): as many pixels as case images, but
// 128 MiB of pixel memory, so an 8-bit scan of 25 megapixels passes and a
// tiny 16-bit PNG declaring as many (200 MB decoded) does not.
var DocumentLimits = ImageLimits{MaxPixels: 25_000_000, MaxBytes: 128 << 20}

// header is what an image's headers say before any pixel is decoded.
type header struct {
	kind          Kind
	width, height int // as stored, before orientation
	orientation   int
	webp          webpInfo // only for KindWebP
}

// pixelBytes estimates the pixel memory cleaning h's image holds: see
// ImageLimits.MaxBytes. thumbSide is 0 when no thumbnail is made.
func (h header) pixelBytes(data []byte, thumbSide int) int64 {
	var n int64
	switch h.kind {
	case KindPNG:
		n = pngDecodeBytes(data, h.width, h.height)
	case KindJPEG:
		n = jpegDecodeBytes(data, h.width, h.height)
	case KindWebP:
		n = h.webp.decodeBytes()
	}
	w, ht := h.width, h.height
	if h.orientation >= 2 && h.orientation <= 8 {
		// orient makes one copy of at most four bytes a pixel for
		// everything a JPEG or WebP decodes to; PNGs are never turned.
		n += 4 * int64(w) * int64(ht)
		if h.orientation >= 5 {
			w, ht = ht, w
		}
	}
	if thumbSide > 0 {
		n += planThumb(w, ht, thumbSide).bytes()
	}
	return n
}

// pngDecodeBytes returns the pixel memory Go's PNG decoder allocates for a
// w×h PNG: the bytes per pixel of the image type it decodes to, which
// depends on the colour type, bit depth and a tRNS chunk (which widens
// grey and RGB to NRGBA), twice over for interlaced files since each
// Adam7 pass is decoded into its own image before being merged.
func pngDecodeBytes(data []byte, w, h int) int64 {
	// DecodeConfig has read IHDR, so its fields are in place.
	depth, colorType, interlace := data[24], data[25], data[28]
	trns := pngHasTRNS(data)
	var bpp int64
	switch colorType {
	case 0: // grey
		switch {
		case depth == 16 && trns:
			bpp = 8
		case depth == 16:
			bpp = 2
		case trns:
			bpp = 4
		default:
			bpp = 1
		}
	case 3: // paletted
		bpp = 1
	default: // RGB, grey with alpha, RGBA
		bpp = 4
		if depth == 16 {
			bpp = 8
		}
	}
	n := bpp * int64(w) * int64(h)
	if interlace != 0 {
		n *= 2
	}
	// The decoder's current and previous rows, at most 8 bytes a pixel.
	return n + 2*(8*int64(w)+1)
}

// pngHasTRNS reports whether a tRNS chunk precedes the image data, which
// is the only place the decoder honours one.
func pngHasTRNS(data []byte) bool {
	for i := 8; i+8 <= len(data); {
		n := int64(binary.BigEndian.Uint32(data[i:]))
		switch string(data[i+4 : i+8]) {
		case "tRNS":
			return true
		case "IDAT":
			return false
		}
		next := int64(i) + 12 + n
		if next > int64(len(data)) {
			return false
		}
		i = int(next)
	}
	return false
}

package media

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"

	"golang.org/x/image/webp"
)

// WebP is accepted from case uploads but never stored: the database keeps
// only JPEG and PNG. The rule for the stored kind is:
//
//   - a lossy WebP (VP8) without transparency becomes a JPEG: its pixels
//     have already been through a DCT codec, so one more costs little and
//     keeps a photo small;
//   - a lossless WebP (VP8L), or one with any transparent pixel, becomes a
//     PNG, which keeps both the alpha channel and the sharp edges of the
//     screenshots and tracings lossless encoding is chosen for.
//
// The decoder is x/image/webp; it ignores every metadata chunk (EXIF, XMP,
// ICCP), and re-encoding drops them. An EXIF orientation is applied first,
// as for JPEG. Animated WebPs are refused as unsupported.

// webpInfo is what a WebP's RIFF chunks say before any pixel is decoded.
type webpInfo struct {
	// width and height are the larger, per axis, of the VP8X canvas and
	// the frame: the decoder sizes its alpha plane by the canvas and its
	// image by the frame, and both must be within the limits.
	width, height int
	lossless      bool // the frame is VP8L
	alpha         bool // an ALPH chunk, read before a lossy frame
	alphaLossless bool // the ALPH chunk is VP8L-compressed
	animated      bool
	orientation   int
}

// parseWebP walks the RIFF chunks of data. It is forgiving about what
// follows the frame (the decoder never reads it), but not about the frame
// header itself: without its dimensions the memory cannot be bounded.
func parseWebP(data []byte) (webpInfo, error) {
	info := webpInfo{orientation: 1}
	if len(data) < 12 {
		return info, fmt.Errorf("%w: WebP header truncated", ErrCorrupt)
	}
	end := int64(len(data))
	if n := 8 + int64(binary.LittleEndian.Uint32(data[4:])); n < end {
		end = n
	}
	var canvasW, canvasH, frameW, frameH int
	frame := false
	for i := int64(12); i+8 <= end; {
		id, n := string(data[i:i+4]), int64(binary.LittleEndian.Uint32(data[i+4:]))
		p := data[i+8 : min(i+8+n, end)]
		switch id {
		case "VP8X":
			if len(p) >= 10 {
				const animationFlag = 1 << 1
				info.animated = info.animated || p[0]&animationFlag != 0
				canvasW = 1 + int(uint32(p[4])|uint32(p[5])<<8|uint32(p[6])<<16)
				canvasH = 1 + int(uint32(p[7])|uint32(p[8])<<8|uint32(p[9])<<16)
			}
		case "ANIM", "ANMF":
			info.animated = true
		case "ALPH":
			if !frame {
				info.alpha = true
				info.alphaLossless = len(p) > 0 && p[0]&0x03 == 1
			}
		case "VP8 ":
			// A 3-byte frame tag, the start code 9d 01 2a, then 14-bit
			// width and height, each with 2 bits of scaling above.
			if !frame && len(p) >= 10 && bytes.Equal(p[3:6], []byte{0x9d, 0x01, 0x2a}) {
				frameW = int(binary.LittleEndian.Uint16(p[6:]) & 0x3FFF)
				frameH = int(binary.LittleEndian.Uint16(p[8:]) & 0x3FFF)
			}
			frame = true
		case "VP8L":
			// The signature byte 0x2f, then 14-bit width-1 and height-1.
			if !frame && len(p) >= 5 && p[0] == 0x2F {
				v := binary.LittleEndian.Uint32(p[1:])
				frameW, frameH = int(v&0x3FFF)+1, int(v>>14&0x3FFF)+1
				info.lossless = true
			}
			frame = true
		case "EXIF":
			// The chunk should hold a bare TIFF structure, but some
			// writers keep the JPEG APP1 prefix.
			info.orientation = tiffOrientation(bytes.TrimPrefix(p, []byte("Exif\x00\x00")))
		}
		i += 8 + n + n&1 // chunks are padded to an even length
	}
	if info.animated {
		return info, fmt.Errorf("%w: animated WebP", ErrUnsupported)
	}
	if frameW == 0 || frameH == 0 {
		return info, fmt.Errorf("%w: WebP has no readable frame header", ErrCorrupt)
	}
	info.width, info.height = max(canvasW, frameW), max(canvasH, frameH)
	return info, nil
}

// decodeBytes estimates the memory x/image/webp allocates for the image.
func (w webpInfo) decodeBytes() int64 {
	if w.lossless {
		return vp8lBytes(w.width, w.height)
	}
	// VP8 decodes into 4:2:0 YCbCr padded to 16×16 macroblocks, plus a
	// few bytes of state per macroblock.
	mbs := int64((w.width+15)/16) * int64((w.height+15)/16)
	n := mbs * (256*3/2 + 8)
	if w.alpha {
		px := int64(w.width) * int64(w.height)
		n += px
		if w.alphaLossless {
			n += vp8lBytes(w.width, w.height) // decoded as a whole NRGBA image
		}
	}
	return n
}

// VP8L lets a file define up to 2600 Huffman groups (x/image's cap, as
// libwebp's) of five trees each. At their largest (a 2048-entry colour
// cache widens the first alphabet to 2328 symbols) a group takes about
// 52 KiB, and a file needs only a few hundred bytes to declare one, so
// this, not the pixels, dominates small lossless images.
const (
	vp8lMaxGroups  = 2600
	vp8lGroupBytes = 5*(24+4*128) + 8*((2*2328-1)+3*(2*256-1)+(2*40-1))
)

// vp8lBytes bounds the memory of decoding a w×h VP8L image: the ARGB pixels
// (4 bytes each), a second copy when a colour-indexing transform expands
// packed pixels, the transform and entropy images (at least 4×4 pixels a
// tile) and the Huffman groups, at most one per tile.
func vp8lBytes(w, h int) int64 {
	px := int64(w) * int64(h)
	tiles := int64((w+3)/4) * int64((h+3)/4)
	return 8*px + 3*4*tiles + min(tiles, vp8lMaxGroups)*vp8lGroupBytes
}

func webpConfig(b []byte) (image.Config, error) { return webp.DecodeConfig(bytes.NewReader(b)) }

func webpDecode(b []byte) (image.Image, error) { return webp.Decode(bytes.NewReader(b)) }

// webpOutput picks the stored kind for a decoded WebP by the rule above,
// and the image to encode: an opaque lossy WebP with an (unused) alpha
// plane is encoded from its YCbCr part, the JPEG encoder's fast path.
func webpOutput(info webpInfo, img image.Image) (Kind, image.Image) {
	if info.lossless || !isOpaque(img) {
		return KindPNG, img
	}
	if m, ok := img.(*image.NYCbCrA); ok {
		return KindJPEG, &m.YCbCr
	}
	return KindJPEG, img
}

// isOpaque reports whether every pixel of img is fully opaque; images that
// cannot tell are assumed not to be, which keeps their alpha.
func isOpaque(img image.Image) bool {
	o, ok := img.(interface{ Opaque() bool })
	return ok && o.Opaque()
}

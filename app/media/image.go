package media

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// CleanImage vets a case image (a clinical photo, an ECG strip, a photo of
// an X-ray) and re-encodes it without metadata, as Clean does for images:
// EXIF (with GPS position and device serial), XMP, ICC profiles, comments,
// PNG text chunks, WebP metadata chunks and anything appended are all
// dropped, and EXIF orientation (JPEG, WebP) is applied to the pixels
// first.
//
// It accepts PNG, JPEG and still WebP. The result is always KindJPEG or
// KindPNG: JPEGs stay JPEG, PNGs stay PNG, and a WebP becomes JPEG when it
// is lossy and opaque and PNG otherwise (see webp.go). Anything else,
// PDFs included, is refused with ErrUnsupported.
//
// Before any pixel is decoded the headers are checked against limits: too
// many pixels or too much memory for the declared pixel format give
// ErrTooLarge. Errors wrap ErrUnsupported, ErrTooLarge or ErrCorrupt.
func CleanImage(data []byte, limits ImageLimits) (Cleaned, error) {
	kind, err := imageKind(data)
	if err != nil {
		return Cleaned{}, err
	}
	full, _, err := cleanImage(kind, data, limits, 0)
	return full, err
}

// CleanImageWithThumb is CleanImage that also returns a thumbnail whose
// longer side is at most thumbSide, made from the same decoded pixels so
// the image is decoded once. The thumbnail is a JPEG, or a PNG when the
// image has transparent pixels; an image already within thumbSide is not
// enlarged, only re-encoded. The thumbnail's working memory counts against
// limits.MaxBytes. A thumbSide that is not positive is a programming error,
// reported by an error that wraps none of the sentinels.
//
// To make a thumbnail of an image stored earlier (say, at a new size), pass
// the stored bytes, which are a valid JPEG or PNG, and keep only the thumb.
func CleanImageWithThumb(data []byte, limits ImageLimits, thumbSide int) (full, thumb Cleaned, err error) {
	if thumbSide <= 0 {
		return Cleaned{}, Cleaned{}, fmt.Errorf("media: thumbnail side %d is not positive", thumbSide)
	}
	kind, err := imageKind(data)
	if err != nil {
		return Cleaned{}, Cleaned{}, err
	}
	return cleanImage(kind, data, limits, thumbSide)
}

// imageKind sniffs data and refuses what is not a case image.
func imageKind(data []byte) (Kind, error) {
	kind, err := Sniff(data)
	if err != nil {
		return "", err
	}
	if kind == KindPDF {
		return "", fmt.Errorf("%w: a PDF is not an image", ErrUnsupported)
	}
	return kind, nil
}

// cleanImage checks, decodes, orients and re-encodes an image of a sniffed
// kind, and makes its thumbnail when thumbSide is positive.
func cleanImage(kind Kind, data []byte, limits ImageLimits, thumbSide int) (full, thumb Cleaned, err error) {
	h, err := readHeader(kind, data, limits, thumbSide)
	if err != nil {
		return Cleaned{}, Cleaned{}, err
	}
	img, err := decoders[kind].decode(data)
	if err != nil {
		return Cleaned{}, Cleaned{}, decodeErr(err)
	}
	img = orient(img, h.orientation)
	out := kind
	if kind == KindWebP {
		out, img = webpOutput(h.webp, img)
	}
	if full, err = encode(out, img); err != nil {
		return Cleaned{}, Cleaned{}, err
	}
	if thumbSide > 0 {
		if thumb, err = thumbnail(img, thumbSide); err != nil {
			return Cleaned{}, Cleaned{}, err
		}
	}
	return full, thumb, nil
}

// readHeader reads and checks everything that can be known about an image
// without decoding its pixels, and refuses it if decoding would exceed
// limits.
func readHeader(kind Kind, data []byte, limits ImageLimits, thumbSide int) (header, error) {
	dec, ok := decoders[kind]
	if !ok {
		return header{}, ErrUnsupported
	}
	h := header{kind: kind, orientation: 1}
	tooMany := func(w, ht int64) error {
		if w*ht > int64(max(limits.MaxPixels, 0)) {
			return fmt.Errorf("%w: %dx%d exceeds %d pixels", ErrTooLarge, w, ht, limits.MaxPixels)
		}
		return nil
	}
	switch kind {
	case KindPNG:
		// png.DecodeConfig itself rejects sizes whose byte count
		// overflows, but as "unsupported"; reading IHDR first reports
		// every oversized header the same way. The signature check
		// guarantees IHDR's position.
		if len(data) >= 24 && string(data[12:16]) == "IHDR" {
			w, ht := binary.BigEndian.Uint32(data[16:]), binary.BigEndian.Uint32(data[20:])
			if err := tooMany(int64(w), int64(ht)); err != nil {
				return header{}, err
			}
		}
	case KindWebP:
		// The canvas and frame sizes are checked here as the decoder
		// allocates by both, and DecodeConfig reports only one.
		info, err := parseWebP(data)
		if err != nil {
			return header{}, err
		}
		if err := tooMany(int64(info.width), int64(info.height)); err != nil {
			return header{}, err
		}
		h.webp, h.orientation = info, info.orientation
	}
	cfg, err := dec.config(data)
	if err != nil {
		return header{}, decodeErr(err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return header{}, fmt.Errorf("%w: %dx%d image", ErrCorrupt, cfg.Width, cfg.Height)
	}
	// int64 so a hostile header cannot overflow the product on 32-bit hosts.
	if err := tooMany(int64(cfg.Width), int64(cfg.Height)); err != nil {
		return header{}, err
	}
	h.width, h.height = cfg.Width, cfg.Height
	if kind == KindWebP {
		h.width, h.height = max(h.width, h.webp.width), max(h.height, h.webp.height)
	}
	if kind == KindJPEG {
		// Counting marker bytes over-approximates the scans (an embedded
		// thumbnail has its own), which errs on the safe side.
		if n := bytes.Count(data, []byte{0xFF, 0xDA}); n > maxJPEGScans {
			return header{}, fmt.Errorf("%w: %d JPEG scans", ErrTooLarge, n)
		}
		h.orientation = jpegOrientation(data)
	}
	if need := h.pixelBytes(data, thumbSide); need > limits.MaxBytes {
		return header{}, fmt.Errorf("%w: %dx%d %s needs about %d bytes to clean, over %d",
			ErrTooLarge, h.width, h.height, kind, need, limits.MaxBytes)
	}
	return h, nil
}

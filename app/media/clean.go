package media

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
)

var (
	// ErrTooLarge means decoding would cost more memory or CPU than the
	// caller allows; it is decided from headers, before pixels are allocated.
	ErrTooLarge = errors.New("media: image too large")
	// ErrCorrupt means the bytes carry a valid signature but do not form a
	// complete file of that kind (truncated, damaged or malformed).
	ErrCorrupt = errors.New("media: corrupt file")
)

// jpegQuality keeps re-encoded photos visually lossless for clinical viewing
// while staying well under the size of a typical phone original.
const jpegQuality = 88

// maxJPEGScans bounds the work of progressive JPEGs: every scan walks the
// whole image, so a small file with thousands of scans is a CPU bomb that the
// pixel limit alone does not stop. Real encoders emit about ten.
const maxJPEGScans = 256

// pdfTailLen is how far from the end "%%EOF" may sit; readers tolerate
// trailing junk within this window and so do we.
const pdfTailLen = 1024

// Cleaned is a vetted upload, ready to store.
type Cleaned struct {
	Kind Kind
	// Data is a fresh encoding for images. For PDFs it is the input slice
	// itself, unchanged.
	Data []byte
	// Width and Height are the displayed dimensions, after EXIF orientation
	// has been applied; both are 0 for PDFs.
	Width, Height int
}

// Clean vets data and strips everything from it but what a viewer needs.
//
// Images are decoded and re-encoded, which is the only reliable way to drop
// metadata: EXIF (GPS position, device serial, capture time), XMP, ICC
// profiles, comments, PNG text chunks, embedded thumbnails and anything
// appended after the image (polyglot payloads). A JPEG's EXIF orientation is
// baked into the pixels first, since the tag that carried it is discarded.
// Images over limits (pixels, or the pixel memory their headers say decoding
// would take) are refused with ErrTooLarge before they are decoded.
//
// PDFs are stored as sent: rewriting them safely needs a full PDF parser,
// which would be a larger attack surface than the file itself. They are
// checked for a header and an end marker, and refused when they carry
// active content or a stream that cannot be checked (ScanPDF). Whoever serves one must send
// its real type with X-Content-Type-Options: nosniff, and either
// Content-Disposition: attachment or, to show it inline, a Content-Security-
// Policy that allows no script, so the file can never act as our origin.
//
// Errors wrap ErrUnsupported, ErrTooLarge, ErrCorrupt, ErrActiveContent or
// ErrUncheckable.
func Clean(data []byte, limits ImageLimits) (Cleaned, error) {
	kind, err := Sniff(data)
	if err != nil {
		return Cleaned{}, err
	}
	switch kind {
	case KindPDF:
		if err := checkPDF(data); err != nil {
			return Cleaned{}, err
		}
		if err := ScanPDF(data); err != nil {
			return Cleaned{}, err
		}
		return Cleaned{Kind: KindPDF, Data: data}, nil
	case KindWebP:
		// Documents are scans or photos; WebP is accepted only where
		// its support was asked for (CleanImage).
		return Cleaned{}, fmt.Errorf("%w: WebP", ErrUnsupported)
	}
	full, _, err := cleanImage(kind, data, limits, 0)
	return full, err
}

// Sum returns the hex SHA-256 of data. Hash Cleaned.Data rather than the
// upload, so the digest identifies the bytes actually stored and served.
func Sum(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

func checkPDF(data []byte) error {
	tail := data
	if len(tail) > pdfTailLen {
		tail = tail[len(tail)-pdfTailLen:]
	}
	if !bytes.Contains(tail, []byte("%%EOF")) {
		return fmt.Errorf("%w: PDF has no %%%%EOF trailer", ErrCorrupt)
	}
	return nil
}

// decoder reads one input kind. The format packages are called directly
// rather than through image.Decode so that a decoder some other import
// registers (GIF, ...) can never widen what we accept.
type decoder struct {
	config func([]byte) (image.Config, error)
	decode func([]byte) (image.Image, error)
}

var decoders = map[Kind]decoder{
	KindPNG: {
		config: func(b []byte) (image.Config, error) { return png.DecodeConfig(bytes.NewReader(b)) },
		decode: func(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) },
	},
	KindJPEG: {
		config: func(b []byte) (image.Config, error) { return jpeg.DecodeConfig(bytes.NewReader(b)) },
		decode: func(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) },
	},
	KindWebP: {config: webpConfig, decode: webpDecode},
}

// encode writes img as kind, which is KindPNG or KindJPEG.
func encode(kind Kind, img image.Image) (Cleaned, error) {
	var buf bytes.Buffer
	var err error
	if kind == KindPNG {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: jpegQuality})
	}
	if err != nil {
		// The image was just decoded, so this is not the sender's fault;
		// still report it as unusable input rather than crash the upload.
		return Cleaned{}, fmt.Errorf("%w: re-encode: %v", ErrCorrupt, err)
	}
	b := img.Bounds()
	return Cleaned{Kind: kind, Data: buf.Bytes(), Width: b.Dx(), Height: b.Dy()}, nil
}

// decodeErr separates "valid but a variant Go cannot decode" (arithmetic
// coding, 12-bit JPEG, ...) from damage, so the user can be told to convert
// the file rather than that it is broken.
func decodeErr(err error) error {
	var ju jpeg.UnsupportedError
	var pu png.UnsupportedError
	if errors.As(err, &ju) || errors.As(err, &pu) {
		return fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	return fmt.Errorf("%w: %v", ErrCorrupt, err)
}

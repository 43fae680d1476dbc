// Package media vets and sanitises uploaded files: license documents
// (Clean) and the clinical images attached to cases (CleanImage).
//
// Uploads are untrusted: the declared Content-Type and the file name are
// chosen by the client, so the type is decided from the bytes alone and
// images are re-encoded so nothing but pixels reaches storage.
package media

import (
	"bytes"
	"errors"
)

// Kind is the MIME type of an accepted upload; the values are exactly what
// the server sends as Content-Type so no second mapping can drift.
type Kind string

// The only kinds accepted. Anything a browser could execute or render as a
// document (HTML, SVG, XML) is deliberately absent.
const (
	KindPDF  Kind = "application/pdf"
	KindPNG  Kind = "image/png"
	KindJPEG Kind = "image/jpeg"
	// KindWebP is accepted as input only: CleanImage re-encodes it as JPEG
	// or PNG, so no Cleaned value and nothing stored ever has this kind.
	KindWebP Kind = "image/webp"
)

// ErrUnsupported means the content is not one of the accepted kinds, or is a
// variant of one that the decoder cannot handle.
var ErrUnsupported = errors.New("media: unsupported file type")

var (
	magicPDF  = []byte("%PDF-")
	magicPNG  = []byte("\x89PNG\r\n\x1a\n")
	magicJPEG = []byte{0xFF, 0xD8, 0xFF}
	// A WebP file is a RIFF container ("RIFF", 4-byte size, "WEBP"); the
	// size in between is not part of the signature.
	magicRIFF = []byte("RIFF")
	magicWebP = []byte("WEBP")
)

// Sniff identifies head (the first bytes of an upload; 12 are enough) by its
// magic number. It ignores names and declared types on purpose: an
// executable renamed to report.pdf must still be refused.
//
// Unlike http.DetectContentType it never falls back to a text or HTML
// guess, because whatever it returns is later served to browsers.
func Sniff(head []byte) (Kind, error) {
	switch {
	case bytes.HasPrefix(head, magicPDF):
		return KindPDF, nil
	case bytes.HasPrefix(head, magicPNG):
		return KindPNG, nil
	case bytes.HasPrefix(head, magicJPEG):
		return KindJPEG, nil
	case len(head) >= 12 && bytes.HasPrefix(head, magicRIFF) && bytes.Equal(head[8:12], magicWebP):
		return KindWebP, nil
	}
	return "", ErrUnsupported
}

// ExtFor returns the file extension, with its leading dot, to use when
// storing or offering a file of kind k, so the stored name always matches
// the verified content rather than what the client called it. It returns ""
// for a kind this package does not accept, and for KindWebP, which is never
// stored: a name ending in .webp would not match the JPEG or PNG inside.
func ExtFor(k Kind) string {
	switch k {
	case KindPDF:
		return ".pdf"
	case KindPNG:
		return ".png"
	case KindJPEG:
		return ".jpg"
	}
	return ""
}

package media

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
)

var (
	// ErrActiveContent means a PDF carries something a viewer could run or
	// open by itself: JavaScript, a launch action, an embedded file or an
	// action fired on opening or on some event. The error is a *PDFError
	// that names it.
	ErrActiveContent = errors.New("media: PDF with active content")
	// ErrUncheckable means a PDF holds a stream that could hide such
	// content and that cannot be decoded within the scanner's bounds
	// (damaged, encrypted, an unsupported filter, or too large once
	// inflated), or a structure the parser cannot read. Such a PDF is
	// refused rather than accepted unchecked.
	ErrUncheckable = errors.New("media: PDF cannot be checked")
)

// PDFError says what ScanPDF found.
type PDFError struct {
	// Feature names the finding for a person: "JavaScript", "a launch
	// action", ... or, for ErrUncheckable, why the stream cannot be read.
	Feature string
	err     error
}

func (e *PDFError) Error() string { return fmt.Sprintf("%v: %s", e.err, e.Feature) }

// PDFRefusal says, for a person, why ScanPDF refused a PDF ("contains
// JavaScript", "cannot be checked for scripts (…)"), or "" when err is not
// such a refusal; each upload form puts it in its own sentence.
func PDFRefusal(err error) string {
	var pe *PDFError
	if !errors.As(err, &pe) {
		return ""
	}
	if errors.Is(pe.err, ErrUncheckable) {
		return "cannot be checked for scripts (" + pe.Feature + ")"
	}
	return "contains " + pe.Feature
}
func (e *PDFError) Unwrap() error { return e.err }

// activeNames are the PDF names that introduce active content, and what
// each one means.
var activeNames = map[string]string{
	"JS":            "JavaScript",
	"JavaScript":    "JavaScript",
	"Launch":        "a launch action",
	"EmbeddedFile":  "an embedded file",
	"EmbeddedFiles": "embedded files",
	"AA":            "an automatic action",
	// XFA forms run their own scripts, with no /JS anywhere.
	"XFA":        "an XFA form",
	"RichMedia":  "rich media",
	"GoToE":      "a link into an embedded file",
	"ImportData": "a form-data import action",
}

// errOpenAction refuses an action run on opening other than an initial
// view (objectWalker.openAction).
var errOpenAction = &PDFError{Feature: "an action run on opening (/OpenAction)", err: ErrActiveContent}

// Bounds of the scan. A license scan inflates to a few tens of megabytes at
// most; more is refused, not skipped.
const (
	maxPDFInflated = 96 << 20
	maxPDFStreams  = 20_000
	// dictLookback is how far before a "stream" keyword its dictionary is
	// looked for.
	dictLookback = 4096
	// maxNameLen is longer than any name looked for, hex-escaped.
	maxNameLen = 64
)

// ScanPDF refuses a PDF with active content (ErrActiveContent) or with a
// stream it cannot decode within bounds (ErrUncheckable), both as a
// *PDFError; it returns nil otherwise. It reads names as PDF readers do,
// with #xx escapes decoded (/#4A#53 is /JS), both in the file's own bytes
// and inside every Flate, ASCIIHex or ASCII85 stream but images, so names
// hidden in compressed object streams are found too. A name counts
// wherever it stands as a token, which may refuse a harmless file that
// writes "/JS" as text. That scan guesses where dictionaries start and
// what a stream's filters are, so a second layer (scanPDFObjects) parses
// the file with pdfcpu and looks at every object; a file it cannot parse
// is refused as uncheckable.
func ScanPDF(data []byte) error {
	if err := scanPDFTokens(data); err != nil {
		return err
	}
	return scanPDFObjects(data)
}

// scanPDFTokens is ScanPDF's first layer, which reads no structure.
func scanPDFTokens(data []byte) error {
	var sc nameScanner
	scanned := 0 // data[:scanned] has been through sc
	budget := int64(maxPDFInflated)
	streams := 0
	var zr io.ReadCloser
	for at := 0; ; {
		i := bytes.Index(data[at:], []byte("stream"))
		if i < 0 {
			break
		}
		kw := at + i
		at = kw + len("stream")
		if kw >= 3 && string(data[kw-3:kw]) == "end" {
			continue
		}
		start := bodyStart(data, at)
		if start < 0 {
			continue
		}
		dict := streamDict(data, kw)
		end := bytes.Index(data[start:], []byte("endstream"))
		if end < 0 {
			end = len(data) - start
		}
		body := data[start : start+end]
		if dict.image {
			// Pixels are skipped: read as names, their random bytes would
			// refuse one large scan in a few dozen. Unless the body holds
			// an object header, which a reader could reach through the
			// cross-reference table whatever surrounds it.
			if !objectHeader.Match(body) {
				if _, err := sc.Write(data[scanned:start]); err != nil {
					return err
				}
				scanned, at = start+end, start+end
			}
			continue
		}
		if len(dict.filters) == 0 && !dict.filterNamed {
			continue // plain bytes, scanned as the file's own
		}
		if streams++; streams > maxPDFStreams {
			return uncheckable("too many compressed streams")
		}
		n, err := scanStream(body, dict, &zr, budget)
		if err != nil {
			return err
		}
		budget -= n
		at = start + end
	}
	if _, err := sc.Write(data[scanned:]); err != nil {
		return err
	}
	return sc.Close()
}

// objectHeader is "12 0 obj", how an indirect object starts.
var objectHeader = regexp.MustCompile(`[0-9][\x00\t\n\f\r ]+[0-9]+[\x00\t\n\f\r ]*obj`)

// scanStream decodes body through its filters within budget bytes, scans
// what comes out and returns how many bytes that was.
func scanStream(body []byte, dict streamInfo, zr *io.ReadCloser, budget int64) (int64, error) {
	r, err := decodeChain(body, dict, zr)
	if err != nil {
		return 0, err
	}
	var sc nameScanner
	n, err := io.Copy(&sc, io.LimitReader(r, budget+1))
	if err == nil {
		err = sc.Close()
	}
	var pe *PDFError
	switch {
	case errors.As(err, &pe):
		return n, err
	case err != nil:
		return n, uncheckable("a compressed stream is damaged or encrypted")
	case n > budget:
		return n, uncheckable("too much compressed data")
	}
	return n, nil
}

func uncheckable(why string) error { return &PDFError{Feature: why, err: ErrUncheckable} }

// bodyStart returns where a stream's data begins after the keyword that
// ends at i: past CRLF or LF (or a lone CR, which some writers use), or -1
// when no end of line follows, so "stream" was not the keyword.
func bodyStart(data []byte, i int) int {
	switch {
	case bytes.HasPrefix(data[i:], []byte("\r\n")):
		return i + 2
	case i < len(data) && (data[i] == '\n' || data[i] == '\r'):
		return i + 1
	}
	return -1
}

// streamInfo is what a stream's dictionary says about decoding it.
type streamInfo struct {
	filters     []string
	filterNamed bool // /Filter is there, even if its value is no known name
	image       bool
}

// Filter names, long and abbreviated, by what the scanner does with them.
var (
	decodableFilters = map[string]string{"FlateDecode": "Fl", "Fl": "Fl", "ASCIIHexDecode": "AHx", "AHx": "AHx",
		"ASCII85Decode": "A85", "A85": "A85"}
	otherFilters = map[string]bool{"LZWDecode": true, "LZW": true, "RunLengthDecode": true, "RL": true,
		"CCITTFaxDecode": true, "CCF": true, "DCTDecode": true, "DCT": true, "JPXDecode": true,
		"JBIG2Decode": true, "Crypt": true}
)

// streamDict reads the names of the dictionary before the "stream" keyword
// at kw: from the last "obj" keyword within dictLookback bytes.
func streamDict(data []byte, kw int) streamInfo {
	from := max(0, kw-dictLookback)
	if o := bytes.LastIndex(data[from:kw], []byte("obj")); o >= 0 {
		from += o
	}
	var names []string
	sc := nameScanner{collect: func(n string) { names = append(names, n) }}
	_, _ = sc.Write(data[from:kw])
	_ = sc.Close()
	var info streamInfo
	has := map[string]bool{}
	for _, n := range names {
		has[n] = true
		if _, ok := decodableFilters[n]; ok || otherFilters[n] {
			info.filters = append(info.filters, n)
		}
	}
	info.filterNamed = has["Filter"]
	// An object stream needs /N and /First; a stream that has them is read
	// whatever else its dictionary claims.
	objects := has["N"] || has["First"] || has["ObjStm"]
	info.image = !objects && (has["Image"] || has["Width"] && has["Height"])
	return info
}

// nameScanner reads PDF name tokens from the bytes written to it, decodes
// their #xx escapes and fails with ErrActiveContent at the first active
// one, or hands every name to collect when that is set. It keeps only the
// name being read, so a stream can be scanned as it is inflated.
type nameScanner struct {
	collect func(string)
	// unparsed: the bytes are objects no parser resolved, so an
	// /OpenAction cannot be told to be a mere initial view, and counts.
	unparsed bool
	inName   bool
	long     bool
	buf      []byte
}

func (s *nameScanner) Write(p []byte) (int, error) {
	for _, c := range p {
		if s.inName {
			if !isPDFSpace(c) && !isPDFDelimiter(c) {
				if len(s.buf) < maxNameLen {
					s.buf = append(s.buf, c)
				} else {
					s.long = true
				}
				continue
			}
			if err := s.end(); err != nil {
				return 0, err
			}
		}
		if c == '/' {
			s.inName, s.long, s.buf = true, false, s.buf[:0]
		}
	}
	return len(p), nil
}

// Close ends a name that runs to the end of the data.
func (s *nameScanner) Close() error {
	if s.inName {
		return s.end()
	}
	return nil
}

func (s *nameScanner) end() error {
	s.inName = false
	if s.long {
		return nil
	}
	name := string(unescapeName(s.buf))
	if s.collect != nil {
		s.collect(name)
		return nil
	}
	if name == "Encrypt" {
		// Encrypted strings and streams cannot be read, and pdfcpu
		// overlooks the /Encrypt of a trailer it had to repair.
		return uncheckable("it is encrypted")
	}
	if s.unparsed && name == "OpenAction" {
		return errOpenAction
	}
	return activeName(name, activeNames)
}

// unescapeName decodes #xx escapes in place, as PDF 1.2 and later readers do.
func unescapeName(b []byte) []byte {
	out := b[:0]
	for i := 0; i < len(b); i++ {
		if b[i] == '#' && i+2 < len(b) {
			if hi, lo := hexVal(b[i+1]), hexVal(b[i+2]); hi >= 0 && lo >= 0 {
				out = append(out, byte(hi<<4|lo))
				i += 2
				continue
			}
		}
		out = append(out, b[i])
	}
	return out
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func isPDFSpace(c byte) bool {
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '
}

func isPDFDelimiter(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

package media

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// Each of these hid an object stream's /OpenAction from the token scan
// alone (issue 11 review); the object layer reads the stream as a PDF
// reader does.
func TestScanPDFRefusesTokenScanBypasses(t *testing.T) {
	t.Parallel()
	inner := []byte("6 0 << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>")
	z := deflate(t, inner)
	row, prev := []byte{1}, byte(0) // one PNG row with the "Sub" predictor
	for _, c := range inner {
		row, prev = append(row, c-prev), c
	}
	zp := deflate(t, row)
	objStm := "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode"
	xfa := []byte(`<xdp:xdp><template><subform><event activity="initialize"><script contentType="application/x-javascript">app.alert(1)</script></event></subform></template></xdp:xdp>`)
	cases := []struct {
		name string
		pdf  []byte
		want string
	}{
		{"'obj' in a string after /Filter", pdfWith(streamObj(5, objStm+" /X (obj)", z)), "on opening"},
		{"dictionary padded past the lookback", pdfWith(streamObj(5, objStm+strings.Repeat(" ", dictLookback+1000), z)), "on opening"},
		{"fake 'stream' keyword in a string, image-looking dictionary", pdfWith(streamObj(5, "/Width 1 /Height 1 /S (x\nstream\n) "+objStm, z)), "on opening"},
		{"PNG predictor", pdfWith(streamObj(5, fmt.Sprintf("%s /DecodeParms << /Predictor 12 /Columns %d >>", objStm, len(inner)), zp)), "on opening"},
		{"XFA form", pdfWith("3 0 obj << /Fields [] /XFA 5 0 R >> endobj", streamObj(5, "", xfa)), "XFA form"},
		{"XFA key escaped", pdfWith("3 0 obj << /X#46A 5 0 R >> endobj"), "XFA form"},
		{"rich media", pdfWith("3 0 obj << /Type /Annot /Subtype /RichMedia >> endobj"), "rich media"},
		{"GoToE", pdfWith("3 0 obj << /S /GoToE /T << /R /C /N (a.pdf) >> >> endobj"), "embedded file"},
		{"ImportData", pdfWith("3 0 obj << /S /ImportData /F (data.fdf) >> endobj"), "import"},
	}
	for _, tc := range cases {
		err := ScanPDF(tc.pdf)
		var pe *PDFError
		if !errors.Is(err, ErrActiveContent) || !errors.As(err, &pe) || !strings.Contains(pe.Feature, tc.want) {
			t.Errorf("%s: %v, want active content %q", tc.name, err, tc.want)
		}
		if _, err := Clean(tc.pdf, DocumentLimits); !errors.Is(err, ErrActiveContent) {
			t.Errorf("%s: Clean: %v", tc.name, err)
		}
	}
}

// The object layer alone: names only it looks for, and objects it reaches
// without reading names as tokens.
func TestScanPDFObjectsRefusesActiveDictionaries(t *testing.T) {
	t.Parallel()
	cases := map[string][]byte{
		"file specification with /EF": pdfWith("3 0 obj << /Type /Filespec /F (a.exe) /EF << /F 4 0 R >> >> endobj"),
		"open action in an object stream": pdfWith(streamObj(5, "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode",
			deflate(t, []byte("6 0 << /OpenAction 7 0 R >>")))),
	}
	for name, pdf := range cases {
		if err := scanPDFObjects(pdf); !errors.Is(err, ErrActiveContent) {
			t.Errorf("%s: %v, want ErrActiveContent", name, err)
		}
	}
	if err := scanPDFObjects(plainPDF(t)); err != nil {
		t.Fatalf("plain PDF refused: %v", err)
	}
}

// What the parser cannot read is refused, not waved through.
func TestScanPDFRefusesWhatItCannotParse(t *testing.T) {
	t.Parallel()
	cases := map[string][]byte{
		"no catalog": []byte("%PDF-1.4\n%%EOF\n"),
		"encrypted": []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" +
			"4 0 obj << /Filter /Standard /V 2 /R 3 /Length 128 /O <00> /U <00> /P -4 >> endobj\n" +
			"trailer << /Root 1 0 R /Encrypt 4 0 R /ID [<01> <01>] >>\n%%EOF\n"),
		"damaged object stream": pdfWith(streamObj(5, "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", []byte("not zlib"))),
	}
	for name, pdf := range cases {
		if err := ScanPDF(pdf); !errors.Is(err, ErrUncheckable) {
			t.Errorf("%s: %v, want ErrUncheckable", name, err)
		}
	}
	// The object layer bounds its own decoding too.
	bomb := pdfWith(streamObj(5, "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", deflate(t, make([]byte, maxPDFInflated+1))))
	if err := scanPDFObjects(bomb); !errors.Is(err, ErrUncheckable) {
		t.Errorf("inflation bomb: %v, want ErrUncheckable", err)
	}
}

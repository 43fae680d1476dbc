package media

import (
	"bytes"
	"compress/zlib"
	"encoding/ascii85"
	"errors"
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// pdfWith wraps objects in a minimal PDF.
func pdfWith(objects ...string) []byte {
	return []byte("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" + strings.Join(objects, "\n") +
		"\ntrailer << /Root 1 0 R >>\n%%EOF\n")
}

func deflate(t testing.TB, s []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	if _, err := w.Write(s); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// streamObj is object n holding body under dict.
func streamObj(n int, dict string, body []byte) string {
	return fmt.Sprintf("%d 0 obj << %s /Length %d >>\nstream\n%s\nendstream\nendobj", n, dict, len(body), body)
}

// plainPDF is what an ordinary scanner or word processor writes.
func plainPDF(t testing.TB) []byte {
	content := deflate(t, []byte("BT /F1 12 Tf 72 712 Td (Medical Board of California) Tj ET"))
	objStm := deflate(t, []byte("3 0 4 40 << /Type /Page /Parent 2 0 R /Contents 5 0 R >> << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"))
	return pdfWith(
		"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj",
		streamObj(5, "/Filter /FlateDecode", content),
		streamObj(6, "/Type /ObjStm /N 2 /First 8 /Filter /FlateDecode", objStm),
		streamObj(7, "/Type /XObject /Subtype /Image /Width 10 /Height 10 /Filter /DCTDecode", []byte("\xff\xd8\xff<</JS (x)>>\xff\xd9")),
	)
}

func TestScanPDFAcceptsPlainDocuments(t *testing.T) {
	t.Parallel()
	if err := ScanPDF(plainPDF(t)); err != nil {
		t.Fatalf("plain PDF refused: %v", err)
	}
	// Pixels are not names: random image bytes full of "/JS " pass.
	noise := make([]byte, 1<<20)
	rand.New(rand.NewSource(1)).Read(noise)
	noise = append(noise, []byte(" /JS /AA ")...)
	for _, dict := range []string{"/Subtype /Image /Width 9 /Height 9 /Filter /DCTDecode", "/Subtype /Image /Width 9 /Height 9 /Filter /FlateDecode"} {
		if err := ScanPDF(pdfWith(streamObj(3, dict, noise))); err != nil {
			t.Fatalf("image %s refused: %v", dict, err)
		}
	}
}

func TestScanPDFRefusesActiveContent(t *testing.T) {
	t.Parallel()
	a85 := func(b []byte) []byte {
		out := make([]byte, ascii85.MaxEncodedLen(len(b)))
		return append(out[:ascii85.Encode(out, b)], "~>"...)
	}
	hexed := func(b []byte) []byte { return []byte(fmt.Sprintf("%X>", b)) }
	js := []byte("9 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj")
	cases := []struct {
		name string
		pdf  []byte
		want string
	}{
		{"JS", pdfWith("3 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj"), "JavaScript"},
		{"JavaScript name tree", pdfWith("3 0 obj << /Names << /JavaScript 4 0 R >> >> endobj"), "JavaScript"},
		{"hex-escaped JS", pdfWith("3 0 obj << /S /Java#53cript /#4A#53 (app.alert(1)) >> endobj"), "JavaScript (/JavaScript)"},
		{"launch", pdfWith("3 0 obj << /Type /Action /S /Launch /F (calc.exe) >> endobj"), "launch action"},
		{"embedded file", pdfWith("3 0 obj << /Type /EmbeddedFile /Length 3 >> endobj"), "embedded file"},
		{"embedded files", pdfWith("3 0 obj << /Names << /EmbeddedFiles 4 0 R >> >> endobj"), "embedded files"},
		{"open action to nothing", pdfWith("3 0 obj << /OpenAction 4 0 R >> endobj"), "on opening"},
		{"open action opening a web page", pdfWith("3 0 obj << /OpenAction << /S /URI /URI (https://evil.example/) >> >> endobj"), "on opening"},
		{"open action going on to more", pdfWith("3 0 obj << /OpenAction << /S /GoTo /D [2 0 R /Fit] /Next 4 0 R >> >> endobj",
			"4 0 obj << /S /SubmitForm /F (https://evil.example/) >> endobj"), "on opening"},
		{"additional actions, no space", pdfWith("3 0 obj <</Type/Page/AA<</O 4 0 R>>>> endobj"), "automatic action"},
		{"in an object stream", pdfWith(streamObj(3, "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", deflate(t, js))), "JavaScript"},
		{"filter name escaped", pdfWith(streamObj(3, "/Type /ObjStm /N 1 /First 4 /Filter /Fl#61teDecode", deflate(t, js))), "JavaScript"},
		{"abbreviated filter chain", pdfWith(streamObj(3, "/N 1 /First 4 /Filter [/A85 /Fl]", a85(deflate(t, js)))), "JavaScript"},
		{"hex stream", pdfWith(streamObj(3, "/N 1 /First 4 /Filter /ASCIIHexDecode", hexed(js))), "JavaScript"},
		{"posing as an image", pdfWith(streamObj(3, "/Subtype /Image /Width 1 /Height 1 /N 1 /First 4 /Filter /FlateDecode", deflate(t, js))), "JavaScript"},
		{"object hidden in an image", pdfWith(streamObj(3, "/Subtype /Image /Width 1 /Height 1 /Filter /DCTDecode", js)), "JavaScript"},
	}
	for _, tc := range cases {
		err := ScanPDF(tc.pdf)
		var pe *PDFError
		if !errors.Is(err, ErrActiveContent) || !errors.As(err, &pe) || !strings.Contains(pe.Feature, tc.want) {
			t.Errorf("%s: %v, want active content %q", tc.name, err, tc.want)
		}
	}
}

// What an office suite writes to open at a page and zoom is no action: the
// initial view, as a destination or a GoTo to one, passes.
func TestScanPDFLetsAnInitialViewThrough(t *testing.T) {
	t.Parallel()
	for name, pdf := range map[string][]byte{
		"destination":              pdfWith("3 0 obj << /OpenAction [2 0 R /FitH null] >> endobj"),
		"destination by reference": pdfWith("3 0 obj << /OpenAction 4 0 R >> endobj", "4 0 obj [2 0 R /Fit] endobj"),
		"GoTo action":              pdfWith("3 0 obj << /OpenAction << /S /GoTo /D [2 0 R /Fit] >> >> endobj"),
	} {
		if err := ScanPDF(pdf); err != nil {
			t.Errorf("%s: %v, want it accepted", name, err)
		}
	}
}

func TestScanPDFRefusesWhatItCannotDecode(t *testing.T) {
	t.Parallel()
	bomb := deflate(t, make([]byte, maxPDFInflated+1))
	cases := map[string][]byte{
		"damaged":           pdfWith(streamObj(3, "/Filter /FlateDecode", []byte("not zlib at all"))),
		"truncated":         pdfWith(streamObj(3, "/Filter /FlateDecode", deflate(t, []byte("BT (some text long enough to cut) Tj ET"))[:12])),
		"LZW":               pdfWith(streamObj(3, "/Filter /LZWDecode", []byte("\x80\x0b\x60\x50"))),
		"indirect filter":   pdfWith(streamObj(3, "/Filter 8 0 R", []byte("x"))),
		"inflates too much": pdfWith(streamObj(3, "/Filter /FlateDecode", bomb)),
	}
	for name, pdf := range cases {
		if err := ScanPDF(pdf); !errors.Is(err, ErrUncheckable) {
			t.Errorf("%s: %v, want ErrUncheckable", name, err)
		}
	}
}

// Clean refuses what ScanPDF refuses.
func TestCleanRefusesActivePDF(t *testing.T) {
	t.Parallel()
	if _, err := Clean(pdfWith("3 0 obj << /OpenAction 4 0 R >> endobj"), DocumentLimits); !errors.Is(err, ErrActiveContent) {
		t.Fatalf("Clean: %v", err)
	}
	if c, err := Clean(plainPDF(t), DocumentLimits); err != nil || c.Kind != KindPDF {
		t.Fatalf("Clean of a plain PDF: %v", err)
	}
}

func FuzzScanPDF(f *testing.F) {
	f.Add(plainPDF(f))
	f.Add(pdfWith("3 0 obj << /S /Java#53cript /#4A#53 (x) >> endobj"))
	f.Add(pdfWith(streamObj(3, "/N 1 /First 4 /Filter [/AHx /A85 /Fl]", []byte("3C3C2F4A53>"))))
	f.Add([]byte("stream\r\nendstream/#4"))
	f.Fuzz(func(t *testing.T, data []byte) {
		err := ScanPDF(data)
		if err != nil && !errors.Is(err, ErrActiveContent) && !errors.Is(err, ErrUncheckable) {
			t.Fatalf("error %v wraps no sentinel", err)
		}
	})
}

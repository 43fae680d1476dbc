package verification_test

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"curbside/app/db/testdb"
	"curbside/app/identity"
	"curbside/app/web/webtest"
)

var draftField = regexp.MustCompile(`name="document_draft" value="([^"]+)"`)

// draftToken is the kept document's reference in a page, or "".
func draftToken(res *webtest.Response) string {
	if m := draftField.FindStringSubmatch(res.Body); m != nil {
		return m[1]
	}
	return ""
}

func TestDocumentIsKeptAcrossA422(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, acct := app.As(identity.StatusUnverified, identity.RoleMember, "")
	doc := pngBytes(t)

	bad := application(knownNPI)
	bad.Set("npi", "1234567890") // wrong check digit
	res := c.PostMultipart("/verification", bad, license(doc, "My License.png")).Expect(http.StatusUnprocessableEntity)
	res.Contains(`id="npi-error"`, "Your document My_License.png is kept — attach another to replace it").Lacks("was not kept")
	token := draftToken(res)
	if token == "" {
		t.Fatal("no reference to the kept document in the form")
	}

	// Another member cannot use that reference: for them there is no document.
	other, otherAcct := app.As(identity.StatusUnverified, identity.RoleMember, "")
	form := application(knownNPI)
	form.Set("document_draft", token)
	other.PostMultipart("/verification", form).Expect(http.StatusUnprocessableEntity).Contains(`id="document-error"`, "expired")
	if n := count(t, app, "SELECT count(*) FROM verification_requests WHERE user_id = ?", otherAcct.ID); n != 0 {
		t.Fatal("a request was stored with another member's document")
	}

	// A second mistake keeps it still; the corrected form goes without a file.
	form.Del("_csrf") // the other member's
	form.Set("license_number", "")
	res = c.PostMultipart("/verification", form).Expect(http.StatusUnprocessableEntity).Contains("Your document My_License.png is kept")
	if draftToken(res) != token {
		t.Fatal("the kept document changed its reference")
	}
	form.Set("license_number", "A123456")
	c.PostMultipart("/verification", form).RedirectsTo("/verification")
	var stored []byte
	var name string
	if err := app.DB.Raw(`SELECT d.data, d.filename FROM verification_requests r JOIN documents d ON d.id = r.document_id
		WHERE r.user_id = ? AND r.status = 'pending'`, acct.ID).Row().Scan(&stored, &name); err != nil {
		t.Fatal(err)
	}
	if len(stored) == 0 || name != "My_License.png" {
		t.Fatalf("stored %q of %d bytes", name, len(stored))
	}
	// Used once, the draft is gone.
	if n := count(t, app, "SELECT count(*) FROM verification_drafts"); n != 0 {
		t.Fatalf("%d drafts left", n)
	}
}

// A file that is itself refused is not kept, and the form says to attach one again.
func TestRefusedDocumentIsNotKept(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, acct := app.As(identity.StatusUnverified, identity.RoleMember, "")
	bad := application(knownNPI)
	bad.Set("npi", "1234567890")
	res := c.PostMultipart("/verification", bad, license([]byte("GIF89a......"), "l.gif")).Expect(http.StatusUnprocessableEntity)
	res.Contains("not a PDF, PNG or JPEG", "Your document was not kept: attach it again.").Lacks(`name="document_draft"`)

	// A kept document that a new, refused file was meant to replace is dropped as well.
	res = c.PostMultipart("/verification", bad, license(pngBytes(t), "l.png")).Expect(http.StatusUnprocessableEntity)
	token := draftToken(res)
	form := application(knownNPI)
	form.Set("document_draft", token)
	c.PostMultipart("/verification", form, license([]byte("GIF89a......"), "l.gif")).Expect(http.StatusUnprocessableEntity).
		Contains("attach it again")
	noDraft(t, app, acct.ID, "draft kept after its replacement was refused")
}

// What is kept is the document cleaned, as it would be stored: a photo's
// metadata goes at once; a damaged image, like a PDF with active content, is
// refused with the other fields' messages and not kept at all.
func TestKeptDocumentRefusedLaterIsDropped(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, acct := app.As(identity.StatusUnverified, identity.RoleMember, "")
	bad := application(knownNPI)
	bad.Set("npi", "1234567890")
	gps := append([]byte("Exif\x00\x00"), []byte("GPS 44.9778N 93.2650W clinic-camera")...)
	draftToken(c.PostMultipart("/verification", bad, license(webtest.Photo(t, gps), "license.jpg")).Expect(http.StatusUnprocessableEntity))
	if kept := testdb.Scalar[[]byte](t, app.DB, "SELECT data FROM verification_drafts WHERE user_id = ?", acct.ID); bytes.Contains(kept, []byte("GPS")) ||
		!bytes.HasPrefix(kept, []byte{0xFF, 0xD8}) {
		t.Fatalf("the kept photo is not the cleaned JPEG (%d bytes, metadata kept: %v)", len(kept), bytes.Contains(kept, []byte("GPS")))
	}
	c.PostMultipart("/verification", bad, license(pngBytes(t)[:60], "cut.png")).Expect(http.StatusUnprocessableEntity).
		Contains(`id="npi-error"`, "damaged", "Your document was not kept: attach it again.").Lacks(`name="document_draft"`)
	noDraft(t, app, acct.ID, "a damaged document is still kept")

	js := []byte("%PDF-1.7\n1 0 obj << /OpenAction << /S /JavaScript /JS (x) >> >> endobj\n%%EOF\n")
	c.PostMultipart("/verification", bad, license(js, "l.pdf")).Expect(http.StatusUnprocessableEntity).
		Contains(`id="npi-error"`, `id="document-error"`, "contains", "attach it again").Lacks(`name="document_draft"`)
	noDraft(t, app, acct.ID, "an active PDF was kept")
}

// An expired draft is not used.
func TestExpiredDraftIsNotUsed(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, acct := app.As(identity.StatusUnverified, identity.RoleMember, "")
	bad := application(knownNPI)
	bad.Set("specialty", "astrology")
	token := draftToken(c.PostMultipart("/verification", bad, license(pngBytes(t), "l.png")).Expect(http.StatusUnprocessableEntity))
	testdb.Exec(t, app.DB, "UPDATE verification_drafts SET expires_at = now() - interval '1 minute' WHERE user_id = ?", acct.ID)
	form := application(knownNPI)
	form.Set("document_draft", token)
	c.PostMultipart("/verification", form).Expect(http.StatusUnprocessableEntity).Contains("has expired. Attach it again.")
}

func flatePDF(t *testing.T, object string) []byte {
	t.Helper()
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	_, _ = w.Write([]byte(object))
	_ = w.Close()
	return []byte(fmt.Sprintf("%%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n2 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream\nendobj\ntrailer << /Root 1 0 R >>\n%%%%EOF\n", z.Len(), z.Bytes()))
}

func TestActivePDFsAreRefused(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, acct := app.As(identity.StatusUnverified, identity.RoleMember, "")
	withObject := func(o string) []byte {
		return []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + o + "\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	}
	cases := []struct {
		name, message string
		pdf           []byte
	}{
		{"javascript", "contains JavaScript", withObject("3 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj")},
		{"escaped", "contains JavaScript", withObject("3 0 obj << /S /Java#53cript /#4A#53 (app.alert(1)) >> endobj")},
		{"launch", "contains a launch action", withObject("3 0 obj << /S /Launch /F (cmd.exe) >> endobj")},
		{"embedded", "contains embedded files", withObject("3 0 obj << /Names << /EmbeddedFiles 4 0 R >> >> endobj")},
		{"open action", "contains an action run on opening", withObject("3 0 obj << /OpenAction 4 0 R >> endobj")},
		{"additional actions", "contains an automatic action", withObject("3 0 obj << /Type /Page /AA << /O 4 0 R >> >> endobj")},
		{"compressed", "contains JavaScript", flatePDF(t, "3 0 << /S /JavaScript /JS (app.alert(1)) >>")},
		{"undecodable", "cannot be checked", withObject("3 0 obj << /Filter /FlateDecode /Length 9 >>\nstream\nnot zlib!\nendstream\nendobj")},
	}
	for _, tc := range cases {
		// Each on an account of its own: documents that get as far as decoding count against a limit.
		c, _ := app.As(identity.StatusUnverified, identity.RoleMember, "")
		res := c.PostMultipart("/verification", application(knownNPI), license(tc.pdf, tc.name+".pdf"))
		res.Expect(http.StatusUnprocessableEntity).Contains(`id="document-error"`, tc.message, "attach it again")
		if !strings.Contains(res.Body, "print it to a new PDF") {
			t.Errorf("%s: no way out offered", tc.name)
		}
	}
	if n := count(t, app, "SELECT count(*) FROM documents") + count(t, app, "SELECT count(*) FROM verification_drafts"); n != 0 {
		t.Fatalf("%d active PDFs stored", n)
	}
	// A plain PDF, compressed objects and all, is accepted.
	c.PostMultipart("/verification", application(knownNPI), license(flatePDF(t, "3 0 << /Type /Page >>"), "plain.pdf")).
		RedirectsTo("/verification")
	if n := count(t, app, "SELECT count(*) FROM verification_requests WHERE user_id = ?", acct.ID); n != 1 {
		t.Fatal("plain PDF not stored")
	}
}

// noDraft fails the test with why when userID still has a kept document.
func noDraft(t *testing.T, app *webtest.App, userID int64, why string) {
	t.Helper()
	if n := count(t, app, "SELECT count(*) FROM verification_drafts WHERE user_id = ?", userID); n != 0 {
		t.Fatal(why)
	}
}

package cases_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"image"
	"image/png"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"curbside/app/identity"
	"curbside/app/web/webtest"
)

// An anonymous author is never shown to members: not on the case, in lists,
// search, the home page, notifications, image URLs or anywhere in the HTML.
func TestAnonymousAuthorNeverShown(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	author, acct := app.Verified("psychiatry")
	reader, readerAcct := app.Verified("psychiatry")
	mod, _ := app.As(identity.StatusVerified, identity.RoleModerator, "")
	id := postCase(t, author, url.Values{"title": {"Catatonia after stopping clozapine"}, "specialty": {"psychiatry"},
		"body": {"Mute and rigid since the clozapine was stopped. @" + readerAcct.Handle + " thoughts?"}, "anonymous": {"on"},
		"tags": {"catatonia"}}, webtest.File{Field: "images", Name: "chart.jpg", Data: webtest.Photo(t, nil)})
	r := reply(t, author, id, "Lorazepam challenge helped.", "anonymous", "on")
	reply(t, reader, id, "Restart clozapine slowly.")

	leaks := []string{acct.Handle, acct.DisplayName, acct.Email, "/u/" + strings.ToLower(acct.Handle)}
	for _, path := range []string{caseURL(id), "/cases", "/cases?specialty=psychiatry", "/cases?tag=catatonia",
		"/search?q=clozapine", "/search?q=lorazepam", "/", "/notifications"} {
		res := reader.Get(path).Expect(http.StatusOK)
		res.Lacks(leaks...)
		if path != "/notifications" {
			res.Contains("Anonymous Psychiatry")
		}
	}
	reader.Get(caseURL(id)).Contains(`/cases/`+strconv.FormatInt(id, 10)+`/images/0`, `id="reply-`+strconv.FormatInt(r, 10))
	// The author still sees and manages their own post, marked as theirs only to them.
	author.Get(caseURL(id)).Expect(http.StatusOK).Contains(`href="/cases/` + strconv.FormatInt(id, 10) + `/edit"`)
	reader.Get(caseURL(id)).Lacks(`/cases/` + strconv.FormatInt(id, 10) + `/edit"`)
	// Moderators know who wrote it.
	if got := scalar[int64](t, app, "SELECT author_id FROM cases WHERE id = ?", id); got != acct.ID {
		t.Fatalf("stored author %d, want %d", got, acct.ID)
	}
	mod.Get(caseURL(id)).Expect(http.StatusOK)
}

// The privacy guard holds back text that looks like a patient identifier,
// quotes each finding at its field, keeps the text as a draft, and lets the
// author publish after confirming; such posts are marked for moderators.
func TestPrivacyGuard(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, acct := app.Verified("internal-medicine")
	form := url.Values{"title": {"Hyponatraemia, unclear cause"}, "specialty": {"internal-medicine"},
		"body": {"Mr. Smith, seen on 03/14/2024, call his daughter at 555-201-4477. Na 121 mmol/L."}}
	res := c.PostMultipart("/cases", form).Expect(http.StatusUnprocessableEntity)
	res.Contains("555-201-4477", "03/14/2024", "Smith", `name="phi_ack"`, "your drafts", "Phone number", "Date more precise than a year")
	if n := scalar[int64](t, app, "SELECT count(*) FROM cases"); n != 0 {
		t.Fatalf("%d cases stored over the guard", n)
	}
	if n := scalar[int64](t, app, "SELECT count(*) FROM drafts WHERE user_id = ? AND body LIKE '%Na 121%'", acct.ID); n != 1 {
		t.Fatalf("the refused text was not kept as a draft (%d drafts)", n)
	}
	c.Get("/drafts").Expect(http.StatusOK).Contains("Hyponatraemia, unclear cause", "privacy guard")

	form.Set("phi_ack", "on")
	id := postCase(t, c, form)
	if !scalar[bool](t, app, "SELECT phi_ack FROM cases WHERE id = ?", id) {
		t.Fatal("a post published over the guard is not marked for moderators")
	}
	if n := scalar[int64](t, app, "SELECT count(*) FROM audit_log WHERE action = 'case.phi_acknowledged' AND target_id = ?", id); n != 1 {
		t.Fatalf("%d acknowledgements audited, want 1", n)
	}
	// Clean clinical text passes at once and is not marked.
	clean := postCase(t, c, url.Values{"title": {"Hyponatraemia in a marathon runner"}, "specialty": {"internal-medicine"},
		"body": {"Na 121 mmol/L, BP 120/80, 2/2 blood cultures negative, 3/4 strength saline, q6h checks, in 2019 as well."}})
	if scalar[bool](t, app, "SELECT phi_ack FROM cases WHERE id = ?", clean) {
		t.Fatal("clean text was marked as acknowledged")
	}
	res = c.PostForm(caseURL(clean)+"/replies", url.Values{"body": {"Email me at jane.doe@gmail.com"}}).Expect(http.StatusUnprocessableEntity)
	res.Contains("jane.doe@gmail.com", `name="phi_ack"`)
	if n := scalar[int64](t, app, "SELECT count(*) FROM replies WHERE case_id = ?", clean); n != 0 {
		t.Fatalf("%d replies stored over the guard", n)
	}
}

// Markdown that tries to run script comes out inert.
func TestHostileMarkdownIsInert(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, _ := app.Verified("cardiology")
	evil := "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[click](javascript:alert(3)) [data](data:text/html;base64,PHNjcmlwdD4=)\n\n" +
		"<svg onload=alert(4)></svg> <iframe src=//evil.example></iframe> [x](<javascript:alert(5)>)"
	id := postCase(t, c, url.Values{"title": {"<b>Bold</b> title"}, "body": {evil}})
	res := c.Get(caseURL(id)).Expect(http.StatusOK)
	res.Lacks("<script>alert", "onerror=", `href="javascript:`, `href="data:`, "<svg onload", "<iframe", "<b>Bold</b>")
	res.Contains("&lt;b&gt;Bold&lt;/b&gt; title")
}

// Images lose their metadata before anyone sees them, and are served to
// verified members only, with safe headers.
func TestCaseImagesAreStripped(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, _ := app.Verified("dermatology")
	exif := []byte("Exif\x00\x00MM\x00*GPSLatitude 40.7128 N CanonEOS-SERIAL-4242")
	id := postCase(t, c, url.Values{"title": {"Target lesions on the palms"}, "body": {"Photo attached."}, "specialty": {"dermatology"}},
		webtest.File{Field: "images", Name: "palm.jpg", Data: webtest.Photo(t, exif)})
	for _, path := range []string{caseURL(id) + "/images/0", caseURL(id) + "/images/0?size=thumb"} {
		res := c.Get(path).Expect(http.StatusOK)
		if res.Header.Get("Content-Type") != "image/jpeg" || res.Header.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.Contains(res.Header.Get("Cache-Control"), "private") {
			t.Fatalf("%s headers: %v", path, res.Header)
		}
		for _, leak := range []string{"Exif", "GPS", "Canon", "4242"} {
			if strings.Contains(res.Body, leak) {
				t.Fatalf("%s still carries %q", path, leak)
			}
		}
	}
	c.Get(caseURL(id) + "/images/1").Expect(http.StatusNotFound)
	pending, _ := app.As(identity.StatusPending, identity.RoleMember, "")
	pending.Get(caseURL(id) + "/images/0").Expect(http.StatusForbidden)
	res := c.PostMultipart("/cases", url.Values{"title": {"Not an image"}, "body": {"x"}, "specialty": {"dermatology"}},
		webtest.File{Field: "images", Name: "notes.pdf", Data: []byte("%PDF-1.4\n%%EOF\n")}).Expect(http.StatusUnprocessableEntity)
	res.Contains("notes.pdf is not a JPEG, PNG or WebP image", "attach them again")
}

// Drafts are saved while a member writes, listed for them alone, and resume.
func TestDrafts(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, _ := app.Verified("nephrology")
	other, _ := app.Verified("nephrology")
	req := func(form url.Values) map[string]any {
		res := c.PostMultipart("/drafts", form).Expect(http.StatusOK)
		var out map[string]any
		if err := json.Unmarshal([]byte(res.Body), &out); err != nil {
			t.Fatalf("autosave answer %q: %v", res.Body, err)
		}
		return out
	}
	first := req(url.Values{"title": {"Rising creatinine on"}, "body": {"Creatinine from 1.1 to 2.3"}, "specialty": {"nephrology"}})
	id := int64(first["draft_id"].(float64))
	again := req(url.Values{"title": {"Rising creatinine on an ACE inhibitor"}, "body": {"Creatinine from 1.1 to 2.3 in a week."},
		"draft_id": {strconv.FormatInt(id, 10)}})
	if int64(again["draft_id"].(float64)) != id {
		t.Fatalf("a second save made a new draft: %v", again)
	}
	c.Get("/drafts").Expect(http.StatusOK).Contains("Rising creatinine on an ACE inhibitor")
	resume := "/cases/new?draft=" + strconv.FormatInt(id, 10)
	c.Get(resume).Expect(http.StatusOK).Contains("Creatinine from 1.1 to 2.3 in a week.")
	other.Get(resume).Expect(http.StatusNotFound)
	other.Get("/drafts").Expect(http.StatusOK).Lacks("Rising creatinine")
	caseID := postCase(t, c, url.Values{"title": {"Rising creatinine on an ACE inhibitor"}, "body": {"Creatinine 2.3."},
		"specialty": {"nephrology"}, "draft_id": {strconv.FormatInt(id, 10)}})
	if n := scalar[int64](t, app, "SELECT count(*) FROM drafts WHERE id = ?", id); n != 0 {
		t.Fatal("a published draft was kept")
	}
	// A reply draft comes back in the reply box.
	req(url.Values{"body": {"Check for renal artery stenosis"}, "case_id": {strconv.FormatInt(caseID, 10)}})
	c.Get(caseURL(caseID)).Expect(http.StatusOK).Contains("Check for renal artery stenosis")
	other.Get(caseURL(caseID)).Expect(http.StatusOK).Lacks("renal artery stenosis")
}

// bombPNG is a small, valid PNG whose header claims width × height pixels:
// a decompression bomb's shape.
func bombPNG(t *testing.T, width, height uint32) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	binary.BigEndian.PutUint32(data[16:], width) // IHDR data starts after the signature, length and type
	binary.BigEndian.PutUint32(data[20:], height)
	binary.BigEndian.PutUint32(data[29:], crc32.ChecksumIEEE(data[12:29]))
	return data
}

// An image whose header asks for more pixels than a photo has is refused
// with the form and a message, before anything is decoded.
func TestDecompressionBombsAreRefused(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, _ := app.Verified("radiology")
	res := c.PostMultipart("/cases", url.Values{"title": {"Huge image"}, "body": {"See the image."}, "specialty": {"radiology"}},
		webtest.File{Field: "images", Name: "scan.png", Data: bombPNG(t, 100000, 100000)}).Expect(http.StatusUnprocessableEntity)
	res.Contains("scan.png is too large to process", "Huge image")
	if n := scalar[int64](t, app, "SELECT count(*) FROM documents"); n != 0 {
		t.Fatalf("%d files stored", n)
	}
}

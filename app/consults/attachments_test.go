package consults_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"curbside/app/identity"
	"curbside/app/web/webtest"
)

// Files sent with a request or a message are stripped of metadata, shown
// only to those who may see the consult, audited when others open them,
// and called by number and kind, never by the name they were sent with.
func TestConsultAttachments(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	gp, _ := app.Verified("family-medicine")
	cardio, _ := app.Verified("cardiology")
	colleague, _ := app.Verified("cardiology")
	mod, modAcct := app.As(identity.StatusVerified, identity.RoleModerator, "neurology")
	exif := []byte("Exif\x00\x00MM\x00*GPSLatitude 40.7128 N CanonEOS-SERIAL-4242")
	res := gp.PostMultipart("/consults", url.Values{"specialty": {"cardiology"}, "question": {"Is this ST elevation?"}},
		webtest.File{Field: "attachments", Name: "jane-doe-ecg.jpg", Data: webtest.Photo(t, exif)},
		webtest.File{Field: "attachments", Name: "jane-doe-echo.pdf", Data: []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")}).
		Expect(http.StatusSeeOther)
	id := res.Location()
	page := gp.Get(id).Expect(http.StatusOK).Contains("Attachments", "Attachment 1: an image", "Attachment 2: PDF").Lacks("jane-doe")
	links := attachmentLinks(page.Body)
	if len(links) != 2 {
		t.Fatalf("%d attachment links on the page, want 2: %v", len(links), links)
	}
	image := gp.Get(links[0]).Expect(http.StatusOK)
	if image.Header.Get("Content-Type") != "image/jpeg" || image.Header.Get("Cache-Control") != "private, no-store" ||
		!strings.Contains(image.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("image headers: %v", image.Header)
	}
	for _, leak := range []string{"Exif", "GPS", "Canon", "4242"} {
		if strings.Contains(image.Body, leak) {
			t.Fatalf("the attached image still carries %q", leak)
		}
	}
	if pdf := gp.Get(links[1]).Expect(http.StatusOK); pdf.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("PDF served as %q", pdf.Header.Get("Content-Type"))
	}

	post(cardio, id+"/claim").Expect(http.StatusSeeOther)
	cardio.PostMultipart(id+"/messages", url.Values{"body": {"Here is the annotated tracing."}},
		webtest.File{Field: "attachments", Name: "annotated.png", Data: webtest.Photo(t, nil)}).Expect(http.StatusSeeOther)
	page = gp.Get(id).Expect(http.StatusOK)
	if links = attachmentLinks(page.Body); len(links) != 3 {
		t.Fatalf("%d attachment links after the message, want 3", len(links))
	}
	colleague.Get(links[0]).Expect(http.StatusNotFound)
	mod.Get(links[2]).Expect(http.StatusOK)
	if n := scalar[int](t, app, "SELECT count(*) FROM audit_log WHERE actor_id = ? AND action = 'consult.viewed' AND detail ? 'attachment'", modAcct.ID); n != 1 {
		t.Fatalf("%d audited attachment views by the moderator, want 1", n)
	}
	gp.Get(strings.TrimSuffix(links[0], "1") + "999").Expect(http.StatusNotFound)

	// A moderator hides the message: its words and its file are gone for
	// the parties, not for moderators.
	message := scalar[int64](t, app, "SELECT id FROM consult_messages WHERE body = 'Here is the annotated tracing.'")
	mod.PostForm("/mod/hidden", url.Values{"target_type": {"consult_message"}, "target_id": {strconv.FormatInt(message, 10)},
		"action": {"hide"}, "next": {id}}).RedirectsTo(id)
	gp.Get(id).Expect(http.StatusOK).Contains("Removed by a moderator.").Lacks("annotated tracing", links[2])
	gp.Get(links[2]).Expect(http.StatusNotFound)
	mod.Get(links[2]).Expect(http.StatusOK)
	mod.Get(id).Expect(http.StatusOK).Contains("annotated tracing", "hidden by a moderator", ">Restore<")

	// What cannot be used is refused at the field, and the form asks for the files again.
	gp.PostMultipart("/consults", url.Values{"specialty": {"cardiology"}, "question": {"Kept question?"}},
		webtest.File{Field: "attachments", Name: "notes.txt", Data: []byte("plain text")}).
		Expect(http.StatusUnprocessableEntity).Contains(`id="attachments-error"`, "File 1 is not a PDF, JPEG or PNG file.", "attach them again", "Kept question?")
	gp.PostMultipart("/consults", url.Values{"specialty": {"cardiology"}, "question": {"Scripted PDF?"}},
		webtest.File{Field: "attachments", Name: "ecg.pdf", Data: []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\n%%EOF\n")}).
		Expect(http.StatusUnprocessableEntity).Contains("File 1 is a PDF that contains ", "print it to a new PDF")
	six := make([]webtest.File, 6)
	for i := range six {
		six[i] = webtest.File{Field: "attachments", Name: "p.jpg", Data: webtest.Photo(t, nil)}
	}
	gp.PostMultipart("/consults", url.Values{"specialty": {"cardiology"}, "question": {"Six files?"}}, six...).
		Expect(http.StatusUnprocessableEntity).Contains("Attach at most 5 files.")
	if n := scalar[int](t, app, "SELECT count(*) FROM consults"); n != 1 {
		t.Fatalf("%d consults stored, want only the first", n)
	}
}

// attachmentLinks lists the attachment URLs a page links to, in order.
func attachmentLinks(body string) []string {
	var links []string
	seen := map[string]bool{}
	for _, part := range strings.Split(body, `href="`)[1:] {
		link, _, _ := strings.Cut(part, `"`)
		if strings.Contains(link, "/attachments/") && !seen[link] {
			seen[link] = true
			links = append(links, link)
		}
	}
	return links
}

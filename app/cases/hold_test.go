package cases_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"curbside/app/db/testdb"
	"curbside/app/identity"
	"curbside/app/web/webtest"
)

// A member whose session lapses while they type loses nothing: what they
// send is kept as their draft, nothing is published, and login leads back
// to it. A session that was ended (logout) or a member who may not post
// keeps nothing.
func TestLapsedSessionKeepsWhatWasTyped(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, acct := app.Verified("nephrology")
	caseID := postCase(t, c, url.Values{"title": {"Hyperkalaemia on spironolactone"}, "body": {"K 6.1."}, "specialty": {"nephrology"}})
	lapse := func(userID int64) {
		testdb.Exec(t, app.DB, "UPDATE sessions SET last_seen_at = now() - interval '2 hours' WHERE user_id = ?", userID)
	}
	drafts := func(userID int64) int64 {
		return scalar[int64](t, app, "SELECT count(*) FROM drafts WHERE user_id = ?", userID)
	}

	// A reply: kept for its case, back in the reply box after login.
	lapse(acct.ID)
	res := c.PostForm(caseURL(caseID)+"/replies", url.Values{"body": {"Stop the spironolactone and repeat the potassium."}}).
		Expect(http.StatusSeeOther)
	if want := "/login?next=" + url.QueryEscape(caseURL(caseID)); res.Location() != want {
		t.Fatalf("sent to %q, want %q", res.Location(), want)
	}
	if n := scalar[int64](t, app, "SELECT count(*) FROM replies WHERE case_id = ?", caseID); n != 0 {
		t.Fatalf("%d replies published with a lapsed session", n)
	}
	c.Get("/login").Expect(http.StatusOK).Contains("What you wrote is kept as a draft")
	// The page may send again before its member logs in: that is kept too.
	c.PostForm(caseURL(caseID)+"/replies", url.Values{"body": {"Stop the spironolactone, repeat the potassium, give a binder."}}).
		Expect(http.StatusSeeOther)
	c.Login(acct.Email, acct.Password).Expect(http.StatusSeeOther)
	c.Get(caseURL(caseID)).Expect(http.StatusOK).Contains("Stop the spironolactone, repeat the potassium, give a binder.</textarea>")
	// Signing in again ends the lapsed session: it can keep nothing more.
	if n := scalar[int64](t, app, "SELECT count(*) FROM sessions WHERE user_id = ?", acct.ID); n != 1 {
		t.Fatalf("%d sessions after signing in again, want the new one only", n)
	}

	// A new case, with an image larger than a visitor's form may be: the text
	// is kept with its fields (the image is not), and resumed after login.
	lapse(acct.ID)
	res = c.PostMultipart("/cases", url.Values{"title": {"Resistant hypertension"}, "body": {"On four agents."},
		"specialty": {"nephrology"}, "tags": {"hypertension"}},
		webtest.File{Field: "images", Name: "fundus.jpg", Data: make([]byte, 2<<20)}).Expect(http.StatusSeeOther)
	var draftID int64
	testdb.Row(t, app.DB, "SELECT id FROM drafts WHERE user_id = ? AND title = 'Resistant hypertension'", acct.ID)(&draftID)
	resume := "/cases/new?draft=" + strconv.FormatInt(draftID, 10)
	if want := "/login?next=" + url.QueryEscape(resume); draftID == 0 || res.Location() != want {
		t.Fatalf("sent to %q, want %q (draft %d)", res.Location(), want, draftID)
	}
	c.PostForm("/login", url.Values{"email": {acct.Email}, "password": {acct.Password}, "next": {resume}}).RedirectsTo(resume)
	c.Get(resume).Expect(http.StatusOK).Contains("On four agents.", `value="hypertension"`)

	// The page's script saving as the session lapses; its message is left
	// for the page the member will see.
	lapse(acct.ID)
	form := url.Values{"body": {"Also check aldosterone."}, "case_id": {strconv.FormatInt(caseID, 10)},
		"_csrf": {webtest.MaskCSRF(c.CSRF())}}
	req, _ := http.NewRequest(http.MethodPost, "/drafts", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Mode", "cors")
	save := c.DoPath(req).Expect(http.StatusSeeOther)
	for _, ck := range save.Header.Values("Set-Cookie") {
		if strings.HasPrefix(ck, "curbside_flash=") {
			t.Fatal("a background save took the page's message")
		}
	}
	c.Login(acct.Email, acct.Password).Expect(http.StatusSeeOther)
	c.Get(caseURL(caseID)).Expect(http.StatusOK).Contains("Also check aldosterone.</textarea>")

	// Logged out: the session is gone, and with it any claim to the text.
	before := drafts(acct.ID)
	token := c.Cookie("curbside_session")
	c.PostForm("/logout", url.Values{}).Expect(http.StatusSeeOther)
	c.SetCookie("curbside_session", token)
	c.PostForm(caseURL(caseID)+"/replies", url.Values{"body": {"Sent after logging out."}}).RedirectsTo("/login?next=%2F")
	if n := drafts(acct.ID); n != before {
		t.Fatalf("%d drafts after a post with an ended session, want %d", n, before)
	}

	// A member who may not post keeps nothing either.
	pending, pendingAcct := app.As(identity.StatusPending, identity.RoleMember, "")
	lapse(pendingAcct.ID)
	pending.PostForm(caseURL(caseID)+"/replies", url.Values{"body": {"Not mine to post."}}).RedirectsTo("/login?next=%2F")
	if n := drafts(pendingAcct.ID); n != 0 {
		t.Fatalf("%d drafts kept for an unverified member", n)
	}
}

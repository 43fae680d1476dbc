package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"curbside/app/db/testdb"
	"curbside/app/web/webtest"
)

func lapse(t *testing.T, app *webtest.App, userID int64) {
	t.Helper()
	testdb.Exec(t, app.DB, "UPDATE sessions SET last_seen_at = now() - interval '2 hours' WHERE user_id = ?", userID)
}

// A consult request or a chat message sent after the session lapsed is not
// lost: nothing is sent, the login page says why, and after signing in the
// member lands on the form with what they typed (files excepted, as it
// says). The text is kept an hour, for that member only, and given back once.
func TestExpiredSessionKeepsTheForm(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, acct := app.Verified("cardiology")
	lapse(t, app, acct.ID)
	res := c.PostMultipart("/consults", url.Values{"specialty": {"nephrology"}, "question": {"Is this potassium worth a call tonight?"},
		"summary": {"K 6.1 on spironolactone"}, "urgency": {"urgent"}},
		webtest.File{Field: "attachments", Name: "ecg.png", Data: []byte("not kept")}).Expect(http.StatusSeeOther)
	loc, err := url.Parse(res.Location())
	if err != nil || loc.Path != "/login" || !strings.HasPrefix(loc.Query().Get("next"), "/consults/new?held=") {
		t.Fatalf("sent to %q", res.Location())
	}
	if n := testdb.Scalar[int64](t, app.DB, "SELECT count(*) FROM consults"); n != 0 {
		t.Fatalf("%d consults filed with a lapsed session", n)
	}
	if n := testdb.Scalar[int64](t, app.DB, `SELECT count(*) FROM held_forms WHERE user_id = ?
		AND expires_at BETWEEN now() + interval '59 minutes' AND now() + interval '61 minutes'`, acct.ID); n != 1 {
		t.Fatalf("%d held forms for the member, expiring in an hour", n)
	}
	c.Get(res.Location()).Expect(http.StatusOK).Contains("Your session ended", "what you typed will be back in the form",
		"Attached files cannot be kept")

	// Someone else signing in on this browser gets nothing of it.
	back := loc.Query().Get("next")
	other := app.Member("verified", "member", "nephrology")
	stranger := app.Client()
	stranger.PostForm("/login", url.Values{"email": {other.Email}, "password": {other.Password}, "next": {back}}).RedirectsTo(back)
	stranger.Get(back).Expect(http.StatusOK).Lacks("Is this potassium worth a call tonight?", "back in the form")

	// The member does, once.
	c.PostForm("/login", url.Values{"email": {acct.Email}, "password": {acct.Password}, "next": {back}}).RedirectsTo(back)
	c.Get(back).Expect(http.StatusOK).Contains("Is this potassium worth a call tonight?", "K 6.1 on spironolactone",
		`value="urgent" checked`, "is back in the form")
	c.Get(back).Expect(http.StatusOK).Lacks("Is this potassium worth a call tonight?")
	if n := testdb.Scalar[int64](t, app.DB, "SELECT count(*) FROM held_forms"); n != 0 {
		t.Fatalf("%d held forms left after they were given back", n)
	}

	// A chat message: back in the room's box.
	lapse(t, app, acct.ID)
	res = c.PostForm("/chat/general/messages", url.Values{"body": {"Anyone seen this rash pattern before?"}}).Expect(http.StatusSeeOther)
	back = mustNext(t, res)
	if !strings.HasPrefix(back, "/chat/general?held=") {
		t.Fatalf("chat message kept for %q", back)
	}
	c.PostForm("/login", url.Values{"email": {acct.Email}, "password": {acct.Password}, "next": {back}}).RedirectsTo(back)
	c.Get(back).Expect(http.StatusOK).Contains("Anyone seen this rash pattern before?</textarea>")
	if n := testdb.Scalar[int64](t, app.DB, "SELECT count(*) FROM chat_messages"); n != 0 {
		t.Fatalf("%d chat messages sent with a lapsed session", n)
	}

	// A message on the member's own consult: back in the consult's reply box.
	consult := c.PostForm("/consults", url.Values{"specialty": {"nephrology"}, "question": {"Start a binder?"}, "urgency": {"routine"}}).
		Expect(http.StatusSeeOther).Location()
	specialist, _ := app.Verified("nephrology")
	specialist.PostForm(consult+"/claim", url.Values{}).Expect(http.StatusSeeOther)
	lapse(t, app, acct.ID)
	res = c.PostForm(consult+"/messages", url.Values{"body": {"Adding the repeat potassium: 5.9."}}).Expect(http.StatusSeeOther)
	if back = mustNext(t, res); !strings.HasPrefix(back, consult+"?held=") {
		t.Fatalf("consult message kept for %q, want %s", back, consult)
	}
	c.PostForm("/login", url.Values{"email": {acct.Email}, "password": {acct.Password}, "next": {back}}).RedirectsTo(back)
	c.Get(back).Expect(http.StatusOK).Contains("Adding the repeat potassium: 5.9.</textarea>")
}

func mustNext(t *testing.T, res *webtest.Response) string {
	t.Helper()
	loc, err := url.Parse(res.Location())
	if err != nil || loc.Path != "/login" {
		t.Fatalf("sent to %q, want the login page", res.Location())
	}
	return loc.Query().Get("next")
}

// A session that was ended (signed out elsewhere) names no member: what was
// typed cannot be tied to an account, so it is not kept, and the login page
// says it was not sent. A form whose CSRF token died with its session gets
// a 403 that says so and leads to sign in again, not a bare refusal; a
// forged form without any session gets the bare 403.
func TestEndedSessionSaysWhatWasNotSent(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, acct := app.Verified("cardiology")
	c.Get("/chat/general").Expect(http.StatusOK) // the page the form is on
	other := app.SignedIn(acct)
	other.PostForm("/settings/security/sessions/revoke-others", url.Values{}).RedirectsTo("/settings/security")
	res := c.PostForm("/chat/general/messages", url.Values{"body": {"Sent after being signed out elsewhere"}}).Expect(http.StatusSeeOther)
	mustNext(t, res)
	c.Get(res.Location()).Expect(http.StatusOK).Contains("Your session ended", "what you typed was not sent")
	if n := testdb.Scalar[int64](t, app.DB, "SELECT count(*) FROM held_forms"); n != 0 {
		t.Fatalf("%d forms kept for a session that names no one", n)
	}

	// The CSRF cookie outlived by its session: the token no longer matches.
	d, acct2 := app.Verified("cardiology")
	d.Get("/chat/general").Expect(http.StatusOK)
	lapse(t, app, acct2.ID)
	d.SetCookie("curbside_csrf", strings.Repeat("A", 43))
	// Still the contract's 403, but a page that says why and leads to sign
	// in again and back to the room.
	d.PostForm("/chat/general/messages", url.Values{"body": {"typed", "while", "away"}, "_csrf": {strings.Repeat("B", 43)}}).
		Expect(http.StatusForbidden).Contains("Your session ended", "what you typed was not sent",
		`href="/login?next=%2Fchat%2Fgeneral"`, "Sign in again")
	if n := testdb.Scalar[int64](t, app.DB, "SELECT count(*) FROM held_forms"); n != 0 {
		t.Fatalf("%d forms kept from a request whose token did not match", n)
	}
	app.Client().PostForm("/chat/general/messages", url.Values{"body": {"x"}, "_csrf": {strings.Repeat("B", 86)}}).
		Expect(http.StatusForbidden)
}

// A form that nothing keeps still leads back, after login, to the page it
// was sent from, as the browser names it, and never off the site.
func TestLapsedFormLeadsBackToItsPage(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, acct := app.Verified("cardiology")
	c.Get("/settings/profile").Expect(http.StatusOK)
	lapse(t, app, acct.ID)
	post := func(referer string) *webtest.Response {
		body := url.Values{"display_name": {"Dr. Lapsed"}, "handle": {acct.Handle}, "_csrf": {c.CSRF()}}.Encode()
		req, _ := http.NewRequest(http.MethodPost, "/settings/profile", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", app.HTTP.URL)
		req.Header.Set("Referer", referer)
		return c.DoPath(req).Expect(http.StatusSeeOther)
	}
	if back := mustNext(t, post(app.HTTP.URL+"/settings/profile?tab=1")); back != "/settings/profile?tab=1" {
		t.Fatalf("login leads back to %q, want the profile form", back)
	}
	if back := mustNext(t, post("https://evil.example/settings/profile")); back != "/" {
		t.Fatalf("login leads back to %q for another site's page, want /", back)
	}
}

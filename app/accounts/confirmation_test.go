package accounts_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"curbside/app/db/testdb"
	"curbside/app/identity"
	"curbside/app/web/webtest"
)

var confirmLink = regexp.MustCompile(`/confirm\?token=([A-Za-z0-9_%-]+)`)

func confirmToken(t *testing.T, app *webtest.App, address string) string {
	t.Helper()
	body := testdb.Scalar[string](t, app.DB, `SELECT body FROM email_outbox WHERE to_address = ?
		AND subject = 'Curbside: confirm your e-mail address' ORDER BY id DESC LIMIT 1`, address)
	m := confirmLink.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no confirmation link in %q", body)
	}
	token, err := url.QueryUnescape(m[1])
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// Sign-up mails a confirmation link; until it is used the member's pages
// say so and offer to send it again (which retires the first link), and
// the moderator reviewing their request is warned.
func TestSignupConfirmsTheAddress(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c := app.Client()
	c.PostForm("/signup", url.Values{"email": {"lena.berg@clinic.org"}, "password": {"a long enough passphrase"},
		"display_name": {"Dr. Lena Berg"}}).RedirectsTo("/verification")
	first := confirmToken(t, app, "lena.berg@clinic.org")
	c.Get("/verification").Expect(http.StatusOK).Contains("Confirm your e-mail address", "lena.berg@clinic.org", `action="/confirm/resend"`)

	c.PostForm("/confirm/resend", url.Values{"next": {"/verification"}}).RedirectsTo("/verification")
	c.Get("/verification").Expect(http.StatusOK).Contains("A new link is on its way")
	second := confirmToken(t, app, "lena.berg@clinic.org")
	if second == first {
		t.Fatal("the resent link is the first one")
	}
	c.Get("/confirm?token=" + url.QueryEscape(first)).Expect(http.StatusGone).Contains("This link no longer works")

	// The moderator sees the unconfirmed address as a warning on the request.
	id := testdb.Scalar[int64](t, app.DB, `SELECT id FROM users WHERE email = 'lena.berg@clinic.org'`)
	request := testdb.PendingRequest(t, app.DB, id)
	mod, _ := app.As(identity.StatusVerified, identity.RoleModerator, "")
	review := "/mod/verifications/" + strconv.FormatInt(request, 10)
	mod.Get(review).Expect(http.StatusOK).Contains("has not confirmed their e-mail address")

	c.Get("/confirm?token=" + url.QueryEscape(second)).RedirectsTo("/")
	c.Get("/verification").Expect(http.StatusOK).Contains("your e-mail address is confirmed").Lacks(`action="/confirm/resend"`)
	c.Get("/confirm?token=" + url.QueryEscape(second)).Expect(http.StatusGone)
	c.PostForm("/confirm/resend", url.Values{}).RedirectsTo("/")
	c.Get("/verification").Expect(http.StatusOK).Contains("confirmed already")
	mod.Get(review).Expect(http.StatusOK).Lacks("has not confirmed their e-mail address")
	if n := testdb.Scalar[int64](t, app.DB, `SELECT count(*) FROM audit_log WHERE action = 'account.email_confirmed' AND target_id = ?`, id); n != 1 {
		t.Fatalf("%d confirmation audit rows, want 1", n)
	}
	// Accounts made by the command line (and the test fixtures) count as confirmed.
	other, _ := app.Verified("cardiology")
	other.Get("/cases").Expect(http.StatusOK).Lacks("Confirm your e-mail address")
}

package accounts_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"curbside/app/db/testdb"
	"curbside/app/identity"
	"curbside/app/web/webtest"
)

var resetLink = regexp.MustCompile(`/password/reset\?token=([A-Za-z0-9_%-]+)`)

// mailedToken is the token in the newest reset mail to address.
func mailedToken(t *testing.T, app *webtest.App, address string) string {
	t.Helper()
	body := testdb.Scalar[string](t, app.DB, `SELECT body FROM email_outbox WHERE to_address = ? AND subject = 'Curbside: reset your password'
		ORDER BY id DESC LIMIT 1`, address)
	m := resetLink.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no reset link in %q", body)
	}
	token, err := url.QueryUnescape(m[1])
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// A member who forgot their password asks for a link (the answer is the
// same for an address without an account), chooses a new password through
// it once, and every session of theirs ends.
func TestPasswordReset(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	acct := app.Member(identity.StatusVerified, identity.RoleMember, "")
	laptop, phone := app.SignedIn(acct), app.SignedIn(acct)
	visitor := app.Client()
	visitor.Get("/login").Expect(http.StatusOK).Contains(`href="/password/forgot"`)

	visitor.PostForm("/password/forgot", url.Values{"email": {"not an address"}}).Expect(http.StatusUnprocessableEntity).
		Contains("Enter an email address like")
	known := visitor.PostForm("/password/forgot", url.Values{"email": {strings.ToUpper(acct.Email)}})
	unknown := visitor.PostForm("/password/forgot", url.Values{"email": {"nobody-here@example.org"}})
	if known.Status != http.StatusSeeOther || unknown.Status != known.Status || unknown.Location() != known.Location() {
		t.Fatalf("answers differ: %d %s against %d %s", known.Status, known.Location(), unknown.Status, unknown.Location())
	}
	visitor.Get(known.Location()).Expect(http.StatusOK).Contains("If that address has a Curbside account")
	if n := testdb.Scalar[int64](t, app.DB, `SELECT count(*) FROM email_outbox WHERE subject = 'Curbside: reset your password'`); n != 1 {
		t.Fatalf("%d reset mails queued, want 1 (none for the unknown address)", n)
	}
	first := mailedToken(t, app, acct.Email)
	if n := testdb.Scalar[int64](t, app.DB, `SELECT count(*) FROM password_resets WHERE token_hash = sha256(?::bytea)`, first); n != 1 {
		t.Fatalf("the token is not stored by its hash (%d rows)", n)
	}

	// A second request retires the first link.
	visitor.PostForm("/password/forgot", url.Values{"email": {acct.Email}}).Expect(http.StatusSeeOther)
	token := mailedToken(t, app, acct.Email)
	visitor.Get("/password/reset?token=" + url.QueryEscape(first)).Expect(http.StatusGone).Contains("This link no longer works")

	page := "/password/reset?token=" + url.QueryEscape(token)
	visitor.Get(page).Expect(http.StatusOK).Contains("Choose a new password", `name="token"`)
	visitor.PostForm("/password/reset", url.Values{"token": {token}, "password": {"short"}}).Expect(http.StatusUnprocessableEntity).
		Contains("at least 12 characters")
	laptop.Get("/settings/security").Expect(http.StatusOK) // a refused form changed nothing
	visitor.PostForm("/password/reset", url.Values{"token": {token}, "password": {"a fresh passphrase to remember"}}).RedirectsTo("/login")
	visitor.Get("/login").Expect(http.StatusOK).Contains("Your password is changed")
	laptop.Get("/settings/security").RedirectsTo("/login?next=%2Fsettings%2Fsecurity")
	phone.Get("/cases").RedirectsTo("/login?next=%2Fcases")
	app.Client().Login(acct.Email, acct.Password).Expect(http.StatusUnauthorized)
	app.Client().Login(acct.Email, "a fresh passphrase to remember").Expect(http.StatusSeeOther)
	// Once only.
	visitor.Get(page).Expect(http.StatusGone)
	visitor.PostForm("/password/reset", url.Values{"token": {token}, "password": {"yet another passphrase"}}).Expect(http.StatusGone)
	for _, action := range []string{"account.password_reset_requested", "account.password_reset"} {
		if n := testdb.Scalar[int64](t, app.DB, `SELECT count(*) FROM audit_log WHERE action = ? AND target_id = ?`, action, acct.ID); n == 0 {
			t.Errorf("no %s audit row", action)
		}
	}
}

// A link older than an hour no longer works, and asking for links is
// throttled per address alike whether it has an account or not.
func TestPasswordResetExpiresAndIsThrottled(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	acct := app.Member(identity.StatusVerified, identity.RoleMember, "")
	visitor := app.Client()
	visitor.PostForm("/password/forgot", url.Values{"email": {acct.Email}}).Expect(http.StatusSeeOther)
	token := mailedToken(t, app, acct.Email)
	testdb.Exec(t, app.DB, `UPDATE password_resets SET expires_at = now() - interval '1 second' WHERE user_id = ?`, acct.ID)
	visitor.Get("/password/reset?token=" + url.QueryEscape(token)).Expect(http.StatusGone)
	visitor.PostForm("/password/reset", url.Values{"token": {token}, "password": {"a fresh passphrase to remember"}}).Expect(http.StatusGone)
	visitor.Get("/password/reset?token=made-up").Expect(http.StatusGone)

	for _, address := range []string{acct.Email, "nobody-here@example.org"} {
		var last *webtest.Response
		for range 6 {
			last = app.Client().PostForm("/password/forgot", url.Values{"email": {address}})
		}
		last.Expect(http.StatusTooManyRequests)
	}
}

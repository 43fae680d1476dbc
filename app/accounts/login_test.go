package accounts_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"curbside/app/db/testdb"
	"curbside/app/identity"
	"curbside/app/web/webtest"
)

func countAudit(t *testing.T, app *webtest.App, action string) int64 {
	t.Helper()
	var n int64
	if err := app.DB.Raw("SELECT count(*) FROM audit_log WHERE action = ?", action).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestLogin(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	verified := app.Member(identity.StatusVerified, identity.RoleMember, "cardiology")
	unverified := app.Member(identity.StatusUnverified, identity.RoleMember, "")

	// Right password signs in and goes to next.
	{
		c := app.Client()
		c.PostForm("/login", url.Values{"email": {verified.Email}, "password": {verified.Password}, "next": {"/settings/security"}}).
			RedirectsTo("/settings/security")
		if c.Cookie("curbside_session") == "" {
			t.Fatal("a good login left the browser without a session cookie")
		}
		c.Get("/settings/security").Expect(http.StatusOK).Contains("@"+verified.Handle, "Active sessions")
	}
	// Email is matched in any case; verified members land on the cases.
	{
		app.Client().Login(" "+upper(verified.Email), verified.Password).RedirectsTo("/cases")
	}
	// Unverified members land on verification.
	{
		app.Client().Login(unverified.Email, unverified.Password).RedirectsTo("/verification")
	}
	// Next pointing at another site is ignored.
	{
		for _, next := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example"} {
			app.Client().PostForm("/login", url.Values{"email": {verified.Email}, "password": {verified.Password}, "next": {next}}).
				RedirectsTo("/cases")
		}
	}
	// Wrong password and unknown account get the same 401.
	{
		wrongBrowser, unknownBrowser := app.Client(), app.Client()
		wrong := wrongBrowser.Login(unverified.Email, "not the password at all").Expect(http.StatusUnauthorized).
			Contains("Incorrect email or password.", `value="`+unverified.Email+`"`)
		unknown := unknownBrowser.Login("nobody@example.org", "not the password at all").Expect(http.StatusUnauthorized).
			Contains("Incorrect email or password.", `value="nobody@example.org"`)
		for i, res := range []*webtest.Response{wrong, unknown} {
			browser := []*webtest.Client{wrongBrowser, unknownBrowser}[i]
			for _, ck := range res.Header.Values("Set-Cookie") {
				if strings.HasPrefix(ck, "curbside_session=") && !strings.HasPrefix(ck, "curbside_session=;") {
					t.Fatalf("a failed login set a session: %s", ck)
				}
			}
			if browser.Cookie("curbside_session") != "" {
				t.Fatal("a failed login left a session cookie in the browser")
			}
		}
		// Nothing tells the unknown account from the wrong password but the address typed.
		if strings.ReplaceAll(pageText(wrong), unverified.Email, "EMAIL") != strings.ReplaceAll(pageText(unknown), "nobody@example.org", "EMAIL") {
			t.Fatal("a wrong password and an unknown account get different pages")
		}
		if n := countAudit(t, app, "account.login_failed"); n < 2 {
			t.Fatalf("%d failed-login audit rows, want at least 2", n)
		}
	}
	if n := countAudit(t, app, "account.login"); n < 5 {
		t.Fatalf("%d login audit rows, want at least 5", n)
	}
}

// perRequest matches what a page carries that changes with every request:
// the masked CSRF token and any script nonce.
var perRequest = regexp.MustCompile(`(value|nonce|content)="[A-Za-z0-9_=+/-]{20,}"`)

// pageText is a page's main content without what changes per request.
func pageText(res *webtest.Response) string {
	body := res.Body
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if i := strings.Index(body, "</main>"); i >= 0 {
		body = body[:i]
	}
	return perRequest.ReplaceAllString(body, `$1="…"`)
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}

func TestLoginThrottling(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	victim := app.Member(identity.StatusVerified, identity.RoleMember, "")
	other := app.Member(identity.StatusVerified, identity.RoleMember, "")
	c := app.Client()
	for i := 0; i < 5; i++ {
		c.Login(victim.Email, "wrong password number "+strconv.Itoa(i)).Expect(http.StatusUnauthorized)
	}
	res := c.Login(victim.Email, victim.Password).Expect(http.StatusTooManyRequests).Contains("Too many failed attempts")
	retry, err := strconv.Atoi(res.Header.Get("Retry-After"))
	if err != nil || retry < 1 || retry > 15*60 {
		t.Fatalf("Retry-After %q, want 1..900 seconds", res.Header.Get("Retry-After"))
	}
	// Another member at the same address is not locked out by someone else's guesses.
	app.Client().Login(other.Email, other.Password).Expect(http.StatusSeeOther)
	if n := countAudit(t, app, "account.login_throttled"); n != 1 {
		t.Fatalf("%d throttled audit rows, want 1", n)
	}
	// Once the lock has passed, the right password works and clears the count.
	if err := app.DB.Exec("UPDATE login_throttle SET locked_until = now() - interval '1 second'").Error; err != nil {
		t.Fatal(err)
	}
	c.Login(victim.Email, victim.Password).Expect(http.StatusSeeOther)
	if left := testdb.Scalar[int64](t, app.DB, "SELECT count(*) FROM login_throttle WHERE key LIKE 'acct%'"); left != 0 {
		t.Fatalf("%d account throttle rows left after a good login, want 0", left)
	}
}

func TestLogout(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, acct := app.Verified("")
	c.Get("/settings/security").Expect(http.StatusOK)
	c.PostForm("/logout", url.Values{}).RedirectsTo("/")
	c.Get("/settings/security").RedirectsTo("/login?next=%2Fsettings%2Fsecurity")
	if n := testdb.Scalar[int64](t, app.DB, "SELECT count(*) FROM sessions WHERE user_id = ?", acct.ID); n != 0 {
		t.Fatalf("%d sessions after logout, want 0", n)
	}
	if countAudit(t, app, "account.logout") != 1 {
		t.Fatal("logout not audited")
	}
}

func TestSuspendedLoginShowsReason(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, acct := app.Verified("")
	mod := app.Member(identity.StatusVerified, identity.RoleModerator, "")
	c.Get("/cases").Expect(http.StatusOK)
	if err := app.Server.Accounts().Suspend(t.Context(), mod.ID, acct.ID, "Shared patient photos", accountsMeta()); err != nil {
		t.Fatal(err)
	}
	// The open session ends at once.
	c.Get("/cases").RedirectsTo("/login?next=%2Fcases")
	app.Client().Login(acct.Email, acct.Password).Expect(http.StatusForbidden).
		Contains("Your account is suspended", "Shared patient photos")
	// A wrong password still says nothing about the suspension.
	app.Client().Login(acct.Email, "wrong password entirely").Expect(http.StatusUnauthorized).Lacks("suspended")
	// Lifting it restores the previous status.
	if err := app.Server.Accounts().Unsuspend(t.Context(), mod.ID, acct.ID, accountsMeta()); err != nil {
		t.Fatal(err)
	}
	app.Client().Login(acct.Email, acct.Password).RedirectsTo("/cases")
}

// Logging in again ends the browser's previous session and changes its CSRF token.
func TestLoginAgainReplacesTheSession(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	first := app.Member(identity.StatusVerified, identity.RoleMember, "")
	second := app.Member(identity.StatusVerified, identity.RoleMember, "")
	c := app.SignedIn(first)
	tokenBefore := c.CSRF()
	c.PostForm("/login", url.Values{"email": {second.Email}, "password": {second.Password}}).RedirectsTo("/cases")
	if left := testdb.Scalar[int64](t, app.DB, "SELECT count(*) FROM sessions WHERE user_id = ?", first.ID); left != 0 {
		t.Fatalf("%d sessions of the first account left", left)
	}
	c.Get("/settings/security").Expect(http.StatusOK).Contains("@" + second.Handle)
	if c.CSRF() == tokenBefore {
		t.Fatal("the CSRF token survived the login")
	}
}

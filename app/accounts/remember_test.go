package accounts_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"curbside/app/db/testdb"
	"curbside/app/identity"
	"curbside/app/web/webtest"
)

// sessionCookie is the Set-Cookie line that hands out the session token.
func sessionCookie(t *testing.T, res *webtest.Response) string {
	t.Helper()
	for _, ck := range res.Header.Values("Set-Cookie") {
		if strings.HasPrefix(ck, "curbside_session=") && !strings.HasPrefix(ck, "curbside_session=;") {
			return ck
		}
	}
	t.Fatalf("no session cookie set: %v", res.Header.Values("Set-Cookie"))
	return ""
}

// Without the box, the session cookie ends with the browser and the usual
// limits hold; with it, the cookie and the session last the configured
// maximum, unused for as long as the operator lets remembered sessions be.
func TestKeepMeSignedIn(t *testing.T) {
	t.Parallel()
	app := webtest.New(t, "CURBSIDE_SESSION_REMEMBER_IDLE=24h")
	acct := app.Member(identity.StatusVerified, identity.RoleMember, "")
	app.Client().Get("/login").Expect(http.StatusOK).Contains(`name="remember"`, "Keep me signed in on this device", "30 days")

	plain := app.Client()
	if ck := sessionCookie(t, plain.Login(acct.Email, acct.Password).Expect(http.StatusSeeOther)); strings.Contains(ck, "Max-Age") || strings.Contains(ck, "Expires") {
		t.Fatalf("a session without the box outlasts the browser: %s", ck)
	}
	kept := app.Client()
	res := kept.PostForm("/login", url.Values{"email": {acct.Email}, "password": {acct.Password}, "remember": {"on"}}).Expect(http.StatusSeeOther)
	if ck := sessionCookie(t, res); !strings.Contains(ck, "Max-Age=2591999") && !strings.Contains(ck, "Max-Age=2592000") {
		t.Fatalf("a remembered session's cookie does not last 30 days: %s", ck)
	}
	if days := testdb.Scalar[float64](t, app.DB, `SELECT extract(epoch FROM expires_at - created_at) / 86400 FROM sessions
		WHERE user_id = ? AND remembered`, acct.ID); days != 30 {
		t.Fatalf("the remembered session lasts %v days", days)
	}
	// Two hours unused: past the 30-minute idle limit, not past the remembered sessions' day.
	testdb.Exec(t, app.DB, "UPDATE sessions SET last_seen_at = now() - interval '2 hours' WHERE user_id = ?", acct.ID)
	plain.Get("/settings/security").RedirectsTo("/login?next=%2Fsettings%2Fsecurity")
	kept.Get("/settings/security").Expect(http.StatusOK)
	// Nor past its end.
	testdb.Exec(t, app.DB, "UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = ?", acct.ID)
	kept.Get("/settings/security").RedirectsTo("/login?next=%2Fsettings%2Fsecurity")
}

// The choice survives the two-factor step.
func TestKeepMeSignedInThroughTheSecondStep(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	acct := app.Member(identity.StatusVerified, identity.RoleMember, "")
	secret, _, _ := enableTwoFactor(t, app.SignedIn(acct), acct.Password)
	c := app.Client()
	c.PostForm("/login", url.Values{"email": {acct.Email}, "password": {acct.Password}, "remember": {"on"}}).
		RedirectsTo("/login/2fa?remember=on")
	c.Get("/login/2fa?remember=on").Expect(http.StatusOK).Contains(`<input type="hidden" name="remember" value="on">`)
	res := c.PostForm("/login/2fa", url.Values{"code": {code(t, secret, time.Now().Add(30*time.Second))}, "remember": {"on"}}).
		Expect(http.StatusSeeOther)
	if ck := sessionCookie(t, res); !strings.Contains(ck, "Max-Age=") {
		t.Fatalf("the second step dropped the choice: %s", ck)
	}
}

// Operators may turn the option off: no box, and a forged field changes nothing.
func TestKeepMeSignedInCanBeTurnedOff(t *testing.T) {
	t.Parallel()
	app := webtest.New(t, "CURBSIDE_SESSION_REMEMBER=0")
	acct := app.Member(identity.StatusVerified, identity.RoleMember, "")
	app.Client().Get("/login").Expect(http.StatusOK).Lacks(`name="remember"`, "Keep me signed in")
	res := app.Client().PostForm("/login", url.Values{"email": {acct.Email}, "password": {acct.Password}, "remember": {"on"}}).
		Expect(http.StatusSeeOther)
	if ck := sessionCookie(t, res); strings.Contains(ck, "Max-Age") {
		t.Fatalf("the option is off, yet the cookie persists: %s", ck)
	}
	if n := testdb.Scalar[int64](t, app.DB, "SELECT count(*) FROM sessions WHERE user_id = ? AND remembered", acct.ID); n != 0 {
		t.Fatal("the option is off, yet the session is remembered")
	}
}

// Unless the operator says otherwise, a remembered session still ends when
// it goes unused for the idle limit: the box stretches its life, not that.
func TestKeptSessionsStillIdleOut(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	acct := app.Member(identity.StatusVerified, identity.RoleMember, "")
	kept := app.Client()
	kept.PostForm("/login", url.Values{"email": {acct.Email}, "password": {acct.Password}, "remember": {"on"}}).Expect(http.StatusSeeOther)
	testdb.Exec(t, app.DB, "UPDATE sessions SET last_seen_at = now() - interval '20 minutes' WHERE user_id = ?", acct.ID)
	kept.Get("/settings/security").Expect(http.StatusOK)
	testdb.Exec(t, app.DB, "UPDATE sessions SET last_seen_at = now() - interval '31 minutes' WHERE user_id = ?", acct.ID)
	kept.Get("/settings/security").RedirectsTo("/login?next=%2Fsettings%2Fsecurity")
}

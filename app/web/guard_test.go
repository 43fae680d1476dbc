package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"curbside/app/db/testdb"
	"curbside/app/identity"
	"curbside/app/web/webtest"
)

// With CURBSIDE_MOD_2FA=required, moderation pages need an account with
// two-factor login on and a session opened with a code; a moderator short of
// either is told what to do on the security settings page.
func TestModeratorsNeedTwoFactorWhenRequired(t *testing.T) {
	t.Parallel()
	app := webtest.New(t, "CURBSIDE_MOD_2FA=required")

	// Not enrolled: 403, pointing at two-factor set-up.
	bare, _ := app.As(identity.StatusVerified, identity.RoleModerator, "")
	bare.Get("/mod/verifications").Expect(http.StatusForbidden).
		Contains("Two-factor login required", `href="/settings/security#two-factor"`).Lacks("Verification queue")

	// Enrolled, but this session was not opened with a code: 403 as well.
	enrolled, acct := app.As(identity.StatusVerified, identity.RoleModerator, "")
	enableTwoFactorInDB(t, app, acct.ID)
	enrolled.Get("/mod/verifications").Expect(http.StatusForbidden).
		Contains("Log in with your code", `href="/settings/security"`)

	// Enrolled, and the session proved a code: in.
	if n := testdb.Exec(t, app.DB, "UPDATE sessions SET second_factor_at = now() WHERE user_id = ?", acct.ID); n != 1 {
		t.Fatalf("marked %d sessions as opened with a code, want 1", n)
	}
	enrolled.Get("/mod/verifications").Expect(http.StatusOK).Contains("<h1>Verification queue</h1>")

	// A code proved by the session does not stand in for an account without
	// two-factor login.
	sessionOnly, other := app.As(identity.StatusVerified, identity.RoleAdmin, "")
	testdb.Exec(t, app.DB, "UPDATE sessions SET second_factor_at = now() WHERE user_id = ?", other.ID)
	sessionOnly.Get("/mod/verifications").Expect(http.StatusForbidden).Contains(`href="/settings/security#two-factor"`)
	// Members are refused as before, whatever their second factor.
	member, _ := app.Verified("")
	member.Get("/mod/verifications").Expect(http.StatusForbidden).Contains("Moderators only")
}

// With the rule optional, the same moderator without two-factor login gets
// in: the setting, not something else, is what refused them above.
func TestModeratorsWithoutTwoFactorGetInWhenOptional(t *testing.T) {
	t.Parallel()
	app := webtest.New(t, "CURBSIDE_MOD_2FA=optional")
	mod, _ := app.As(identity.StatusVerified, identity.RoleModerator, "")
	mod.Get("/mod/verifications").Expect(http.StatusOK).Contains("<h1>Verification queue</h1>")
}

// Asking for a request that does not exist, or for an id that is not one,
// shows the not-found page with 404, not an error or a blank page.
func TestMissingVerificationRequestIsNotFound(t *testing.T) {
	t.Parallel()
	app := webtest.New(t, "CURBSIDE_MOD_2FA=required")
	mod, acct := app.As(identity.StatusVerified, identity.RoleModerator, "")
	enableTwoFactorInDB(t, app, acct.ID)
	testdb.Exec(t, app.DB, "UPDATE sessions SET second_factor_at = now() WHERE user_id = ?", acct.ID)
	mod.Get("/mod/verifications").Expect(http.StatusOK)

	for _, path := range []string{
		"/mod/verifications/999999",
		"/mod/verifications/999999/document",
		"/mod/verifications/abc",
		"/mod/verifications/0",
		"/mod/verifications/-1",
		"/mod/verifications/99999999999999999999", // beyond int64
	} {
		res := mod.Get(path)
		if res.Status != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", path, res.Status)
			continue
		}
		res.Contains("Page not found")
	}
	mod.PostForm("/mod/verifications/999999/approve", url.Values{}).Expect(http.StatusNotFound).Contains("Page not found")
	mod.PostForm("/mod/verifications/abc/reject", url.Values{"reason": {"No such request"}}).Expect(http.StatusNotFound)
}

// enableTwoFactorInDB marks the account as enrolled in two-factor login
// without a secret: enough for the guard, which reads only the flag.
func enableTwoFactorInDB(t *testing.T, app *webtest.App, userID int64) {
	t.Helper()
	if n := testdb.Exec(t, app.DB, "UPDATE users SET totp_enabled_at = now() WHERE id = ?", userID); n != 1 {
		t.Fatalf("enrolled %d accounts in two-factor login, want 1", n)
	}
}

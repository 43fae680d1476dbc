package accounts_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"curbside/app/accounts"
	"curbside/app/db/testdb"
	"curbside/app/identity"
	"curbside/app/web/webtest"
)

func TestStatusChangeRenewsTokenWithoutLogout(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, acct := app.As(identity.StatusPending, identity.RoleMember, "")
	c.Get("/cases").Expect(http.StatusForbidden)
	before := c.Cookie("curbside_session")

	ch := accounts.StatusChange{UserID: acct.ID, To: identity.StatusVerified, Meta: accountsMeta()}
	if err := app.Server.Accounts().SetStatus(t.Context(), ch); err != nil {
		t.Fatal(err)
	}
	c.Get("/cases").Expect(http.StatusOK)
	after := c.Cookie("curbside_session")
	if after == "" || after == before {
		t.Fatal("the session token was not renewed after the status change")
	}
	// The old token works only for the moment requests already in flight need.
	stale := app.Client()
	stale.SetCookie("curbside_session", before)
	stale.Get("/cases").Expect(http.StatusOK)
	testdb.Exec(t, app.DB, "UPDATE sessions SET prev_valid_until = now() - interval '1 second'")
	stale.Get("/cases").RedirectsTo("/login?next=%2Fcases")
	c.Get("/settings/security").Expect(http.StatusOK)

	if err := app.Server.Accounts().SetRole(t.Context(), 0, acct.ID, identity.RoleModerator, accountsMeta()); err != nil {
		t.Fatal(err)
	}
	c.Get("/settings/security").Expect(http.StatusOK).Contains("moderator")
	if c.Cookie("curbside_session") == after {
		t.Fatal("the session token was not renewed after the role change")
	}
	if n := countAudit(t, app, "account.role_changed"); n != 1 {
		t.Fatalf("%d role-change audit rows, want 1", n)
	}
}

func TestIdleAndAbsoluteTimeouts(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	idle, acct := app.Verified("")
	idle.Get("/cases").Expect(http.StatusOK)
	idleToken := idle.Cookie("curbside_session")
	testdb.Exec(t, app.DB, "UPDATE sessions SET last_seen_at = now() - interval '31 minutes' WHERE user_id = ?", acct.ID)
	idle.Get("/cases").RedirectsTo("/login?next=%2Fcases")

	old, acct2 := app.Verified("")
	oldToken := old.Cookie("curbside_session")
	testdb.Exec(t, app.DB, "UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = ?", acct2.ID)
	old.Get("/cases").RedirectsTo("/login?next=%2Fcases")
	// A lapsed session is kept a day to name the member of a form sent with
	// it (cases keep such text as a draft), but it never lets anyone in.
	for _, token := range []string{idleToken, oldToken} {
		again := app.Client()
		again.SetCookie("curbside_session", token)
		again.Get("/cases").RedirectsTo("/login?next=%2Fcases")
		again.Get("/settings/security").RedirectsTo("/login?next=%2Fsettings%2Fsecurity")
	}
}

func TestRevokeSession(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	acct := app.Member(identity.StatusVerified, identity.RoleMember, "")
	laptop, phone := app.SignedIn(acct), app.SignedIn(acct)
	page := laptop.Get("/settings/security").Expect(http.StatusOK).Contains("this browser")
	phoneID := testdb.Scalar[int64](t, app.DB, "SELECT id FROM sessions WHERE user_id = ? ORDER BY id DESC LIMIT 1", acct.ID)
	page.Contains("/settings/security/sessions/" + strconv.FormatInt(phoneID, 10) + "/revoke")

	laptop.PostForm("/settings/security/sessions/"+strconv.FormatInt(phoneID, 10)+"/revoke", url.Values{}).
		RedirectsTo("/settings/security")
	phone.Get("/settings/security").RedirectsTo("/login?next=%2Fsettings%2Fsecurity")
	laptop.Get("/settings/security").Expect(http.StatusOK)

	// Someone else's session is not found, and stays.
	other := app.Member(identity.StatusVerified, identity.RoleMember, "")
	otherBrowser := app.SignedIn(other)
	otherID := testdb.Scalar[int64](t, app.DB, "SELECT id FROM sessions WHERE user_id = ?", other.ID)
	laptop.PostForm("/settings/security/sessions/"+strconv.FormatInt(otherID, 10)+"/revoke", url.Values{}).Expect(http.StatusNotFound)
	otherBrowser.Get("/settings/security").Expect(http.StatusOK)
	if n := countAudit(t, app, "account.session_revoked"); n != 1 {
		t.Fatalf("%d revoke audit rows, want 1", n)
	}
}

func TestChangePassword(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	acct := app.Member(identity.StatusVerified, identity.RoleMember, "")
	here, elsewhere := app.SignedIn(acct), app.SignedIn(acct)
	// A copy of this browser's token, as a thief who read it would hold.
	stolen := app.Client()
	stolen.SetCookie("curbside_session", here.Cookie("curbside_session"))

	here.PostForm("/settings/security/password", url.Values{"current_password": {"wrong one entirely"}, "new_password": {"short"}}).
		Expect(http.StatusUnprocessableEntity).Contains("not your current password", "at least 12 characters", "Active sessions")
	elsewhere.Get("/settings/security").Expect(http.StatusOK) // nothing changed yet

	here.PostForm("/settings/security/password", url.Values{"current_password": {acct.Password}, "new_password": {"a brand new passphrase"}}).
		RedirectsTo("/settings/security")
	here.Get("/settings/security").Expect(http.StatusOK).Contains("Your password is changed")
	elsewhere.Get("/settings/security").RedirectsTo("/login?next=%2Fsettings%2Fsecurity")
	// The session that changed it goes on with a new token; the old one is dead.
	stolen.Get("/settings/security").RedirectsTo("/login?next=%2Fsettings%2Fsecurity")
	here.Get("/cases").Expect(http.StatusOK)
	app.Client().Login(acct.Email, acct.Password).Expect(http.StatusUnauthorized)
	app.Client().Login(acct.Email, "a brand new passphrase").Expect(http.StatusSeeOther)
	if n := countAudit(t, app, "account.password_changed"); n != 1 {
		t.Fatalf("%d password audit rows, want 1", n)
	}
}

// Requests in flight when the token is renewed keep their session.
func TestConcurrentRequestsDuringRenewal(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, acct := app.As(identity.StatusPending, identity.RoleMember, "")
	old := c.Cookie("curbside_session")
	if err := app.Server.Accounts().SetStatus(t.Context(), accounts.StatusChange{UserID: acct.ID, To: identity.StatusVerified}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	results := make([]*webtest.Response, 6)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := app.Client()
			b.SetCookie("curbside_session", old)
			results[i] = b.Get("/cases")
		}()
	}
	wg.Wait()
	renewals := 0
	for _, r := range results {
		if r.Status != http.StatusOK {
			t.Fatalf("a request with the just-renewed token got %d", r.Status)
		}
		for _, ck := range r.Header.Values("Set-Cookie") {
			if strings.HasPrefix(ck, "curbside_session=;") || strings.Contains(ck, "curbside_session=") && strings.Contains(ck, "Max-Age=0") {
				t.Fatalf("a request cleared the session cookie: %s", ck)
			}
			if strings.HasPrefix(ck, "curbside_session=") {
				renewals++
			}
		}
	}
	if renewals != 1 {
		t.Fatalf("%d responses handed out a renewed token, want exactly 1", renewals)
	}
	// After the grace period the old token is gone.
	testdb.Exec(t, app.DB, "UPDATE sessions SET prev_valid_until = now() - interval '1 second'")
	stale := app.Client()
	stale.SetCookie("curbside_session", old)
	stale.Get("/cases").RedirectsTo("/login?next=%2Fcases")
}

func TestPruneExpired(t *testing.T) {
	t.Parallel()
	app := webtest.New(t, "CURBSIDE_SESSION_REMEMBER_IDLE=48h")
	live, _ := app.Verified("")
	_, lapsed := app.Verified("")
	_, stale := app.Verified("")
	_, old := app.Verified("")
	_, kept := app.Verified("")
	testdb.Exec(t, app.DB, "UPDATE sessions SET last_seen_at = now() - interval '2 hours' WHERE user_id = ?", lapsed.ID)
	testdb.Exec(t, app.DB, "UPDATE sessions SET last_seen_at = now() - interval '25 hours' WHERE user_id = ?", stale.ID)
	testdb.Exec(t, app.DB, "UPDATE sessions SET expires_at = now() - interval '25 hours' WHERE user_id = ?", old.ID)
	// A remembered session unused for 25 hours is within its own limit (48 hours here).
	testdb.Exec(t, app.DB, "UPDATE sessions SET last_seen_at = now() - interval '25 hours', remembered = true WHERE user_id = ?", kept.ID)
	// Forms held past their hour and devices past their trust go too.
	testdb.Exec(t, app.DB, `INSERT INTO held_forms (key_hash, user_id, path, fields, expires_at) VALUES
		('\x01', ?, '/chat/general', '{}', now() - interval '1 second'), ('\x02', ?, '/chat/general', '{}', now() + interval '1 hour')`, lapsed.ID, lapsed.ID)
	testdb.Exec(t, app.DB, `INSERT INTO trusted_devices (user_id, token_hash, expires_at) VALUES
		(?, '\x01', now() - interval '1 second'), (?, '\x02', now() + interval '1 day')`, lapsed.ID, lapsed.ID)
	if err := app.Server.Accounts().PruneExpired(t.Context()); err != nil {
		t.Fatal(err)
	}
	// Lapsed within a day: kept to name its member (see TestIdleAndAbsoluteTimeouts).
	if n := testdb.Scalar[int64](t, app.DB, "SELECT count(*) FROM sessions WHERE user_id IN (?, ?)", stale.ID, old.ID); n != 0 {
		t.Fatalf("%d sessions lapsed over a day ago kept", n)
	}
	if n := testdb.Scalar[int64](t, app.DB, "SELECT count(*) FROM sessions"); n != 3 {
		t.Fatalf("%d sessions after pruning, want the live one, the remembered one and the one lapsed today", n)
	}
	if keys := testdb.Rows[string](t, app.DB, "SELECT encode(key_hash, 'hex') FROM held_forms"); len(keys) != 1 || keys[0] != "02" {
		t.Fatalf("held forms after pruning: %v, want the one still in its hour", keys)
	}
	if keys := testdb.Rows[string](t, app.DB, "SELECT encode(token_hash, 'hex') FROM trusted_devices"); len(keys) != 1 || keys[0] != "02" {
		t.Fatalf("devices after pruning: %v, want the one still trusted", keys)
	}
	live.Get("/cases").Expect(http.StatusOK)
}

// If the response carrying a renewed token is lost, the browser is not
// signed out: its old token keeps working and earns another new one; once a
// new token is used, the old one is finished.
func TestLostRenewalIsRecovered(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, acct := app.As(identity.StatusPending, identity.RoleMember, "")
	old := c.Cookie("curbside_session")
	if err := app.Server.Accounts().SetStatus(t.Context(), accounts.StatusChange{UserID: acct.ID, To: identity.StatusVerified}); err != nil {
		t.Fatal(err)
	}
	lost := app.Client()
	lost.SetCookie("curbside_session", old)
	lost.Get("/cases").Expect(http.StatusOK) // this response's new token never reaches the browser
	testdb.Exec(t, app.DB, "UPDATE sessions SET renewed_at = now() - interval '1 minute'")
	c.Get("/cases").Expect(http.StatusOK)
	fresh := c.Cookie("curbside_session")
	if fresh == old || fresh == "" {
		t.Fatal("the old token did not earn a new one")
	}
	c.Get("/settings/security").Expect(http.StatusOK)
	stale := app.Client()
	stale.SetCookie("curbside_session", old)
	stale.Get("/cases").RedirectsTo("/login?next=%2Fcases")
}

// "Sign out all other sessions" ends every session of the member but this
// one, and nobody else's; alone, there is nothing to sign out.
func TestSignOutAllOtherSessions(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	acct := app.Member(identity.StatusVerified, identity.RoleMember, "")
	laptop := app.SignedIn(acct)
	laptop.Get("/settings/security").Expect(http.StatusOK).Lacks("Sign out all other sessions")
	laptop.PostForm("/settings/security/sessions/revoke-others", url.Values{}).RedirectsTo("/settings/security")
	laptop.Get("/settings/security").Expect(http.StatusOK).Contains("No other session was signed in.")

	phone, tablet := app.SignedIn(acct), app.SignedIn(acct)
	otherBrowser := app.SignedIn(app.Member(identity.StatusVerified, identity.RoleMember, ""))
	laptop.Get("/settings/security").Expect(http.StatusOK).Contains("Sign out all other sessions")
	laptop.PostForm("/settings/security/sessions/revoke-others", url.Values{}).RedirectsTo("/settings/security")
	laptop.Get("/settings/security").Expect(http.StatusOK).Contains("The 2 other sessions were signed out.").Lacks("Sign out all other sessions")
	phone.Get("/cases").RedirectsTo("/login?next=%2Fcases")
	tablet.Get("/cases").RedirectsTo("/login?next=%2Fcases")
	otherBrowser.Get("/cases").Expect(http.StatusOK)
	if n := testdb.Scalar[int64](t, app.DB, `SELECT count(*) FROM audit_log WHERE action = 'account.other_sessions_revoked'
		AND actor_id = ? AND detail->>'sessions' = '2'`, acct.ID); n != 1 {
		t.Fatalf("%d audit rows for signing out the others, want 1", n)
	}
}

// The security page's overview goes with the session lookup; what it read
// for one session is never shown to another member, nor to a session of
// the same member that the lookup did not authenticate.
func TestOverviewRiderAnswersForItsSessionOnly(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	ctx := context.Background()
	one, oneAcct := app.Verified("cardiology")
	two, twoAcct := app.Verified("cardiology")
	svc := app.Core.Accounts

	r := svc.OverviewRider()
	mine, _, err := svc.Authenticate(ctx, one.Cookie("curbside_session"), r)
	if err != nil {
		t.Fatal(err)
	}
	theirs, _, err := svc.Authenticate(ctx, two.Cookie("curbside_session"))
	if err != nil {
		t.Fatal(err)
	}
	o, err := svc.Overview(ctx, theirs, "", r)
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Sessions) != 1 || o.Sessions[0].ID != theirs.SessionID || o.Sessions[0].UserID != twoAcct.ID {
		t.Fatalf("the other member's overview, offered the first one's rider, lists %+v", o.Sessions)
	}
	if o, err = svc.Overview(ctx, mine, "", r); err != nil || len(o.Sessions) != 1 || o.Sessions[0].UserID != oneAcct.ID {
		t.Fatalf("the member's own overview from their rider: %+v (%v)", o, err)
	}
	// Through the page: each member sees their own sessions.
	one.Get("/settings/security").Expect(http.StatusOK).Contains("this browser")
}

// failingRider is a rider whose statement fails in PostgreSQL.
type failingRider struct{ err error }

func (r *failingRider) Ride(b *pgx.Batch, key []byte) {
	b.Queue(`SELECT 1 / 0 WHERE $1::bytea IS NOT NULL`, key)
}

func (r *failingRider) Read(res pgx.BatchResults) error {
	var n int
	r.err = res.QueryRow().Scan(&n)
	return r.err
}

// A rider that fails costs its page a second read, never the session.
func TestAFailingRiderLeavesTheSessionStanding(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	ctx := context.Background()
	member, acct := app.Verified("cardiology")
	r := &failingRider{}
	v, _, err := app.Core.Accounts.Authenticate(ctx, member.Cookie("curbside_session"), r)
	if err != nil || v == nil || v.UserID != acct.ID {
		t.Fatalf("Authenticate with a failing rider: %v, %v; want the member", v, err)
	}
	if r.err == nil {
		t.Fatal("the rider's statement did not fail: the test proves nothing")
	}
	if _, _, err := app.Core.Accounts.Authenticate(ctx, "no-such-token", &failingRider{}); !errors.Is(err, accounts.ErrNoSession) {
		t.Fatalf("an unknown token with a failing rider: %v, want ErrNoSession", err)
	}
}

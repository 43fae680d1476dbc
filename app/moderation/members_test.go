package moderation_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"curbside/app/db/testdb"
	"curbside/app/identity"
	"curbside/app/web/webtest"
)

func memberPath(id int64) string { return "/mod/users/" + strconv.FormatInt(id, 10) }

// postCase posts a case as c and returns its id.
func postCase(t *testing.T, c *webtest.Client, title string, anonymous bool) int64 {
	t.Helper()
	fields := url.Values{"title": {title}, "body": {"Chest pain on exertion, normal ECG at rest."}, "specialty": {"cardiology"}}
	if anonymous {
		fields.Set("anonymous", "on")
	}
	loc := c.PostMultipart("/cases", fields).Expect(http.StatusSeeOther).Location()
	id, err := strconv.ParseInt(strings.TrimPrefix(loc, "/cases/"), 10, 64)
	if err != nil {
		t.Fatalf("case redirect %q", loc)
	}
	return id
}

// The directory finds members by a part of the name, e-mail or handle, a
// whole NPI, and status; members below moderator never see it.
func TestMemberDirectoryFinds(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	mod, _ := app.As(identity.StatusVerified, identity.RoleModerator, "")
	_, ana := app.Verified("cardiology")
	_, pending := app.As(identity.StatusPending, identity.RoleMember, "")
	testdb.Exec(t, app.DB, `UPDATE users SET display_name = 'Dr. Ana Quintero' WHERE id = ?`, ana.ID)
	testdb.PendingRequest(t, app.DB, pending.ID)

	mod.Get("/mod/users?q=quinter").Expect(http.StatusOK).Contains("Dr. Ana Quintero", memberPath(ana.ID)).Lacks(pending.Email)
	mod.Get("/mod/users?q=" + url.QueryEscape(ana.Email)).Expect(http.StatusOK).Contains(memberPath(ana.ID))
	mod.Get("/mod/users?q=@" + ana.Handle).Expect(http.StatusOK).Contains(memberPath(ana.ID))
	mod.Get("/mod/users?q=1234567893").Expect(http.StatusOK).Contains(memberPath(pending.ID), "1234567893").Lacks(memberPath(ana.ID))
	mod.Get("/mod/users?q=123456789").Expect(http.StatusOK).Lacks(memberPath(pending.ID)) // an NPI is matched whole
	mod.Get("/mod/users?status=pending").Expect(http.StatusOK).Contains(memberPath(pending.ID)).Lacks(memberPath(ana.ID))
	mod.Get("/mod/users?q=%25").Expect(http.StatusOK).Contains("No member matches") // no wildcard from the box
	mod.Get("/mod/users?status=royalty").Expect(http.StatusUnprocessableEntity).Contains("Choose one of the statuses listed.")

	member, _ := app.Verified("")
	member.Get("/mod/users").Expect(http.StatusForbidden).Lacks(ana.Email)
	member.Get(memberPath(ana.ID)).Expect(http.StatusForbidden).Lacks(ana.Email)
	mod.Get("/mod/users/999999").Expect(http.StatusNotFound)
}

// A member's record lists their posts, anonymous ones marked; showing who
// wrote an anonymous post is itself audited.
func TestMemberRecordShowsAnonymousPostsAndAuditsTheView(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	mod, modAcct := app.As(identity.StatusVerified, identity.RoleModerator, "")
	author, acct := app.Verified("cardiology")
	plain, plainAcct := app.Verified("cardiology")
	postCase(t, author, "Signed case about syncope", false)
	postCase(t, author, "Anonymous case about a colleague", true)
	postCase(t, plain, "Only signed posts here", false)

	mod.Get(memberPath(acct.ID)).Expect(http.StatusOK).
		Contains("Signed case about syncope", "Anonymous case about a colleague", ">anonymous<", "Suspend")
	viewed := func(id int64) int64 {
		return testdb.Scalar[int64](t, app.DB, `SELECT count(*) FROM audit_log WHERE action = 'moderation.anonymous_authors_viewed'
			AND actor_id = ? AND target_type = 'user' AND target_id = ?`, modAcct.ID, id)
	}
	if n := viewed(acct.ID); n != 1 {
		t.Fatalf("%d views of anonymous authorship audited, want 1", n)
	}
	mod.Get(memberPath(plainAcct.ID)).Expect(http.StatusOK).Contains("Only signed posts here").Lacks(">anonymous<")
	if n := viewed(plainAcct.ID); n != 0 {
		t.Fatalf("a record without anonymous posts audited %d views", n)
	}
	// A member's own case page never names the anonymous author to others.
	other, _ := app.Verified("neurology")
	res := other.Get("/mod/users/" + strconv.FormatInt(acct.ID, 10)).Expect(http.StatusForbidden)
	if strings.Contains(res.Body, "Anonymous case about a colleague") {
		t.Fatal("the record leaked to a member")
	}
}

// dialSocket opens the chat socket for c's session.
func dialSocket(t *testing.T, app *webtest.App, c *webtest.Client) *websocket.Conn {
	t.Helper()
	h := http.Header{"Origin": {app.HTTP.URL}, "Cookie": {"curbside_session=" + c.Cookie("curbside_session")}}
	conn, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(app.HTTP.URL, "http")+"/ws", h)
	if err != nil {
		t.Fatalf("dial /ws: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// Suspension needs a reason, ends the member's sessions and sockets at
// once, shows them why at login, and lifts back to the status before.
func TestSuspendAndReinstate(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	app.StartRunners()
	mod, _ := app.As(identity.StatusVerified, identity.RoleModerator, "")
	member, acct := app.Verified("cardiology")
	socket := dialSocket(t, app, member)

	mod.PostForm(memberPath(acct.ID)+"/suspend", url.Values{"reason": {"  "}}).Expect(http.StatusUnprocessableEntity).
		Contains("Say why the account is suspended")
	member.Get("/cases").Expect(http.StatusOK) // refused input changed nothing

	mod.PostForm(memberPath(acct.ID)+"/suspend", url.Values{"reason": {"Posted a patient's full name twice."}}).
		RedirectsTo(memberPath(acct.ID))
	mod.Get(memberPath(acct.ID)).Expect(http.StatusOK).Contains("Suspended: the member", "Posted a patient&#39;s full name twice.", "Lift the suspension")
	member.Get("/cases").RedirectsTo("/login?next=%2Fcases")
	_ = socket.SetReadDeadline(time.Now().Add(3 * time.Second))
	for {
		if _, _, err := socket.ReadMessage(); err != nil {
			if ne, ok := err.(interface{ Timeout() bool }); ok && ne.Timeout() {
				t.Fatal("the suspended member's socket stayed open")
			}
			break
		}
	}
	app.Client().Login(acct.Email, acct.Password).Expect(http.StatusForbidden).Contains("suspended", "Posted a patient&#39;s full name twice.")
	mod.PostForm(memberPath(acct.ID)+"/suspend", url.Values{"reason": {"again"}}).Expect(http.StatusConflict)

	mod.PostForm(memberPath(acct.ID)+"/unsuspend", url.Values{}).RedirectsTo(memberPath(acct.ID))
	if got := testdb.Scalar[string](t, app.DB, `SELECT status FROM users WHERE id = ?`, acct.ID); got != identity.StatusVerified {
		t.Fatalf("status after reinstating = %q, want verified", got)
	}
	app.Client().Login(acct.Email, acct.Password).RedirectsTo("/cases")
	if n := testdb.Scalar[int64](t, app.DB, `SELECT count(*) FROM audit_log WHERE action = 'account.status_changed' AND target_id = ?`, acct.ID); n != 2 {
		t.Fatalf("%d status changes audited, want 2", n)
	}
}

// Moderators act on members; on moderators and admins only admins do, and
// nobody on their own account.
func TestWhoMaySuspendWhom(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	mod, modAcct := app.As(identity.StatusVerified, identity.RoleModerator, "")
	admin, _ := app.As(identity.StatusVerified, identity.RoleAdmin, "")
	_, otherMod := app.As(identity.StatusVerified, identity.RoleModerator, "")
	suspend := func(c *webtest.Client, id int64) *webtest.Response {
		return c.PostForm(memberPath(id)+"/suspend", url.Values{"reason": {"testing the rules"}})
	}
	suspend(mod, otherMod.ID).Expect(http.StatusForbidden).Contains("Only an admin may suspend")
	suspend(mod, modAcct.ID).Expect(http.StatusConflict).Contains("your own account")
	mod.Get(memberPath(modAcct.ID)).Expect(http.StatusOK).Contains("This is your own account").Lacks(`/suspend"`)
	suspend(admin, otherMod.ID).RedirectsTo(memberPath(otherMod.ID))
	suspend(mod, 999999).Expect(http.StatusNotFound)
	if got := testdb.Scalar[string](t, app.DB, `SELECT status FROM users WHERE id = ?`, modAcct.ID); got != identity.StatusVerified {
		t.Fatalf("the moderator's own status = %q", got)
	}
}

// An admin changes roles; a promotion counts on the member's next page, a
// new moderator enrols in two-factor login before the moderation pages
// open, and the last admin cannot be demoted.
func TestAdminsChangeRoles(t *testing.T) {
	t.Parallel()
	app := webtest.New(t, "CURBSIDE_MOD_2FA=required")
	admin, adminAcct := app.As(identity.StatusVerified, identity.RoleAdmin, "")
	testdb.Exec(t, app.DB, "UPDATE users SET totp_enabled_at = now() WHERE id = ?", adminAcct.ID)
	testdb.Exec(t, app.DB, "UPDATE sessions SET second_factor_at = now() WHERE user_id = ?", adminAcct.ID)
	member, acct := app.Verified("cardiology")
	member.Get("/mod").Expect(http.StatusForbidden)

	admin.PostForm("/admin/users/"+strconv.FormatInt(acct.ID, 10)+"/role", url.Values{"role": {"overlord"}}).
		Expect(http.StatusUnprocessableEntity).Contains("Choose member, moderator or admin.")
	admin.PostForm("/admin/users/"+strconv.FormatInt(acct.ID, 10)+"/role", url.Values{"role": {"moderator"}}).
		RedirectsTo(memberPath(acct.ID))
	member.Get("/cases").Expect(http.StatusOK).Contains("Moderation") // same session, new rights
	member.Get("/mod").Expect(http.StatusForbidden).Contains("Two-factor login required")

	// The only admin cannot step down; with a second one, they can.
	admin.PostForm("/admin/users/"+strconv.FormatInt(adminAcct.ID, 10)+"/role", url.Values{"role": {"member"}}).
		Expect(http.StatusConflict).Contains("at least one admin")
	admin.PostForm("/admin/users/"+strconv.FormatInt(acct.ID, 10)+"/role", url.Values{"role": {"admin"}}).
		RedirectsTo(memberPath(acct.ID))
	admin.PostForm("/admin/users/"+strconv.FormatInt(adminAcct.ID, 10)+"/role", url.Values{"role": {"member"}}).
		RedirectsTo(memberPath(adminAcct.ID))
	if n := testdb.Scalar[int64](t, app.DB, `SELECT count(*) FROM users WHERE role = 'admin'`); n != 1 {
		t.Fatalf("%d admins, want 1", n)
	}
	mod, _ := app.As(identity.StatusVerified, identity.RoleModerator, "")
	mod.PostForm("/admin/users/"+strconv.FormatInt(acct.ID, 10)+"/role", url.Values{"role": {"member"}}).Expect(http.StatusForbidden)
}

// Two admins demoting or suspending each other at the same moment leave
// one active admin.
func TestLastAdminSurvivesARace(t *testing.T) {
	t.Parallel()
	for _, moves := range [][2]string{{"role", "role"}, {"suspend", "role"}, {"suspend", "suspend"}} {
		raceTwoAdmins(t, moves)
	}
}

func raceTwoAdmins(t *testing.T, moves [2]string) {
	app := webtest.New(t)
	a, aAcct := app.As(identity.StatusVerified, identity.RoleAdmin, "")
	b, bAcct := app.As(identity.StatusVerified, identity.RoleAdmin, "")
	done := make(chan *webtest.Response, 2)
	for i, x := range []struct {
		c      *webtest.Client
		target int64
	}{{a, bAcct.ID}, {b, aAcct.ID}} {
		go func() {
			if moves[i] == "suspend" {
				done <- x.c.PostForm(memberPath(x.target)+"/suspend", url.Values{"reason": {"a race"}})
				return
			}
			done <- x.c.PostForm("/admin/users/"+strconv.FormatInt(x.target, 10)+"/role", url.Values{"role": {"member"}})
		}()
	}
	got := []*webtest.Response{<-done, <-done}
	if n := testdb.Scalar[int64](t, app.DB, `SELECT count(*) FROM users WHERE role = 'admin' AND status <> 'suspended'`); n != 1 {
		t.Fatalf("%v: %d active admins after the race, want 1", moves, n)
	}
	// One move succeeds; the other is refused (403, 409), or finds its
	// admin suspended and signed out already.
	succeeded := 0
	for _, res := range got {
		switch {
		case res.Status == http.StatusSeeOther && strings.HasPrefix(res.Location(), "/mod/users/"):
			succeeded++
		case res.Status == http.StatusForbidden, res.Status == http.StatusConflict,
			res.Status == http.StatusSeeOther && strings.HasPrefix(res.Location(), "/login"):
		default:
			t.Fatalf("%v: a move answered %d %s", moves, res.Status, res.Location())
		}
	}
	if succeeded != 1 {
		t.Fatalf("%v: %d moves succeeded, want 1", moves, succeeded)
	}
}

// The moderators' home counts what waits, and moderators land there.
func TestModeratorsHome(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	mod := app.Member(identity.StatusVerified, identity.RoleModerator, "")
	for range 2 {
		acct := app.Member(identity.StatusVerified, identity.RoleMember, "")
		testdb.Exec(t, app.DB, `UPDATE users SET status = 'suspended', status_before_suspension = 'verified', suspension_reason = 'x' WHERE id = ?`, acct.ID)
	}
	c := app.Client()
	c.Login(mod.Email, mod.Password).RedirectsTo("/mod")
	res := c.Get("/mod").Expect(http.StatusOK).Contains(`href="/mod/verifications"`, `href="/mod/users?status=suspended"`, `href="/mod/audit"`)
	if !strings.Contains(res.Body, fmt.Sprintf(`<span class="figure">%d</span><span class="what">suspended members`, 2)) {
		t.Fatalf("the home does not count 2 suspended members:\n%s", res.Body)
	}
}

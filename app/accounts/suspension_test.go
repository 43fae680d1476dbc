package accounts_test

import (
	"net/http"
	"testing"

	"curbside/app/db/testdb"
	"curbside/app/identity"
	"curbside/app/web/webtest"
)

// Suspension is enforced twice: Suspend ends the member's sessions, and a
// session whose account is suspended is refused anyway. Each test below
// takes one half away from the other, so that removing either one fails.

// A browser whose account was suspended behind the service's back (its
// sessions left in place) is signed out on its next request.
func TestSuspendedAccountIsSignedOutEvenWithItsSessionLeft(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, acct := app.Verified("")
	c.Get("/settings/security").Expect(http.StatusOK).Contains("@" + acct.Handle)

	testdb.Exec(t, app.DB, `UPDATE users SET status = 'suspended', status_before_suspension = status,
		suspension_reason = 'Set in the database' WHERE id = ?`, acct.ID)
	if n := testdb.Scalar[int64](t, app.DB, "SELECT count(*) FROM sessions WHERE user_id = ?", acct.ID); n != 1 {
		t.Fatalf("%d sessions before the next request, want the 1 left in place", n)
	}

	c.Get("/settings/security").RedirectsTo("/login?next=%2Fsettings%2Fsecurity")
	c.Get("/cases").RedirectsTo("/login?next=%2Fcases")
}

// Suspending a member deletes every session of theirs at once, before any
// browser of theirs comes back, and leaves other members' sessions alone.
func TestSuspendDeletesTheMembersSessions(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	member := app.Member(identity.StatusVerified, identity.RoleMember, "")
	laptop, phone := app.SignedIn(member), app.SignedIn(member)
	bystander, other := app.Verified("")
	mod := app.Member(identity.StatusVerified, identity.RoleModerator, "")
	laptop.Get("/cases").Expect(http.StatusOK)
	phone.Get("/cases").Expect(http.StatusOK)
	if n := testdb.Scalar[int64](t, app.DB, "SELECT count(*) FROM sessions WHERE user_id = ?", member.ID); n != 2 {
		t.Fatalf("%d sessions before the suspension, want 2", n)
	}

	if err := app.Server.Accounts().Suspend(t.Context(), mod.ID, member.ID, "Shared patient photos", accountsMeta()); err != nil {
		t.Fatal(err)
	}
	if n := testdb.Scalar[int64](t, app.DB, "SELECT count(*) FROM sessions WHERE user_id = ?", member.ID); n != 0 {
		t.Fatalf("%d sessions of the suspended member left in the database, want 0", n)
	}
	if n := testdb.Scalar[int64](t, app.DB, "SELECT count(*) FROM sessions WHERE user_id = ?", other.ID); n != 1 {
		t.Fatalf("%d sessions of another member after the suspension, want 1", n)
	}
	laptop.Get("/cases").RedirectsTo("/login?next=%2Fcases")
	bystander.Get("/cases").Expect(http.StatusOK)
}

package profiles_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"curbside/app/db/testdb"
	"curbside/app/identity"
	"curbside/app/web/webtest"
)

// A verified member's profile shows colleagues their name, specialty,
// setting, state, bio and signed posts, never the anonymous ones; members
// who are not verified have none.
func TestProfileShowsSignedPostsOnly(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	ana, acct := app.Verified("cardiology")
	reader, _ := app.Verified("neurology")
	testdb.Exec(t, app.DB, `UPDATE users SET bio = 'Rural cardiologist; ask me about ECGs.', practice_setting = 'Rural solo practice',
		state = 'MT' WHERE id = ?`, acct.ID)
	for _, c := range []struct {
		title     string
		anonymous string
	}{{"Signed question about syncope", ""}, {"Anonymous question about a colleague", "on"}} {
		ana.PostMultipart("/cases", url.Values{"title": {c.title}, "body": {"History and findings."}, "specialty": {"cardiology"},
			"anonymous": {c.anonymous}}).Expect(http.StatusSeeOther)
	}
	page := "/u/" + acct.Handle
	reader.Get(page).Expect(http.StatusOK).Contains(acct.DisplayName, "Cardiology", "Rural solo practice", "Montana",
		"Rural cardiologist; ask me about ECGs.", "Signed question about syncope", `href="/chat/dm/`+acct.Handle).
		Lacks("Anonymous question about a colleague")
	ana.Get(page).Expect(http.StatusOK).Contains("Edit your profile")
	// Authors' names lead to their profiles.
	reader.Get("/cases").Expect(http.StatusOK).Contains(`href="/u/` + acct.Handle + `"`)

	_, pending := app.As(identity.StatusPending, identity.RoleMember, "")
	reader.Get("/u/" + pending.Handle).Expect(http.StatusNotFound)
	reader.Get("/u/nobody-by-that-name").Expect(http.StatusNotFound)
	unverified, _ := app.As(identity.StatusUnverified, identity.RoleMember, "")
	unverified.Get(page).Expect(http.StatusForbidden).Lacks("Rural cardiologist")
}

// The profile form edits names, handle, setting, state and bio, says at the
// field what it cannot take, and an old handle leads to the new one.
func TestProfileSettings(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	me, acct := app.Verified("cardiology")
	_, other := app.Verified("neurology")
	reader, _ := app.Verified("dermatology")
	me.Get("/settings/profile").Expect(http.StatusOK).Contains(`value="`+acct.Handle+`"`, "Where you practise")

	me.PostForm("/settings/profile", url.Values{"display_name": {"Dr. \u202eBad"}, "handle": {other.Handle}, "bio": {strings.Repeat("b", 1001)},
		"practice_setting": {"Moon base"}, "state": {"ZZ"}}).Expect(http.StatusUnprocessableEntity).
		Contains("no invisible or direction-changing", "Another member has this handle", "At most 1000 characters",
			"Choose one of the listed settings", "Choose one of the listed states", strings.Repeat("b", 1001))

	me.PostForm("/settings/profile", url.Values{"display_name": {"Dr. Ana Ruiz-Berg"}, "handle": {"ana_rb"},
		"bio": {"Cardiology, rural Montana."}, "practice_setting": {"Critical access hospital"}, "state": {"MT"}}).RedirectsTo("/settings/profile")
	me.Get("/settings/profile").Expect(http.StatusOK).Contains("Your profile is saved.", `value="ana_rb"`)
	reader.Get("/u/ana_rb").Expect(http.StatusOK).Contains("Dr. Ana Ruiz-Berg", "Critical access hospital", "Cardiology, rural Montana.")
	if res := reader.Get("/u/" + acct.Handle).Expect(http.StatusFound); res.Location() != "/u/ana_rb" {
		t.Fatalf("the old handle leads to %q", res.Location())
	}
	me.Get("/cases").Expect(http.StatusOK).Contains("@ana_rb") // the session sees the new handle at once
	if n := testdb.Scalar[int64](t, app.DB, `SELECT count(*) FROM audit_log WHERE action = 'account.profile_changed' AND target_id = ?`, acct.ID); n != 1 {
		t.Fatalf("%d profile audit rows, want 1", n)
	}
	// Someone may take the given-up handle: then it is theirs.
	them := app.SignedIn(other)
	them.PostForm("/settings/profile", url.Values{"display_name": {other.DisplayName}, "handle": {acct.Handle}}).RedirectsTo("/settings/profile")
	reader.Get("/u/" + acct.Handle).Expect(http.StatusOK).Contains(other.DisplayName)
}

// A member's chosen time zone is kept, and every time on their pages is
// shown in it; a zone not offered is refused at the field.
func TestTimesShownInTheMembersZone(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	client, acct := app.As(identity.StatusPending, identity.RoleMember, "")
	request := testdb.PendingRequest(t, app.DB, acct.ID)
	testdb.Exec(t, app.DB, `UPDATE verification_requests SET created_at = '2026-07-04 15:30:00+00' WHERE id = ?`, request)
	// No zone chosen: UTC, said so.
	client.Get("/verification").Expect(http.StatusOK).Contains("4 Jul 2026, 15:30 UTC")

	form := url.Values{"display_name": {acct.DisplayName}, "handle": {acct.Handle}, "time_zone": {"America/Chicago"}}
	client.PostForm("/settings/profile", form).RedirectsTo("/settings/profile")
	client.Get("/settings/profile").Expect(http.StatusOK).Contains(`<option value="America/Chicago" selected>Central</option>`)
	client.Get("/verification").Expect(http.StatusOK).Contains("4 Jul 2026, 10:30 CDT").Lacks("15:30 UTC")

	form.Set("time_zone", "Europe/Atlantis")
	client.PostForm("/settings/profile", form).Expect(http.StatusUnprocessableEntity).Contains("Choose one of the listed time zones.")
	if zone := testdb.Scalar[string](t, app.DB, `SELECT time_zone FROM users WHERE id = ?`, acct.ID); zone != "America/Chicago" {
		t.Fatalf("time zone %q after a refused change, want America/Chicago kept", zone)
	}
}

// The live chat's script shows new messages' times in the member's zone too:
// the page hands it the zone chosen.
func TestChatPageCarriesTheZone(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, acct := app.Verified("cardiology")
	c.PostForm("/settings/profile", url.Values{"display_name": {acct.DisplayName}, "handle": {acct.Handle},
		"time_zone": {"America/Denver"}}).RedirectsTo("/settings/profile")
	c.Get("/chat/general").Expect(http.StatusOK).Contains(`data-zone="America/Denver"`)
}

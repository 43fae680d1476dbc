package notify_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"curbside/app/db/testdb"
	"curbside/app/identity"
	"curbside/app/web/webtest"
)

// postCase publishes a case in cardiology and returns its id.
func postCase(t *testing.T, c *webtest.Client, title, body string, extra ...string) int64 {
	t.Helper()
	form := url.Values{"title": {title}, "body": {body}, "specialty": {"cardiology"}}
	for i := 0; i+1 < len(extra); i += 2 {
		form.Set(extra[i], extra[i+1])
	}
	loc := c.PostMultipart("/cases", form).Expect(http.StatusSeeOther).Location()
	var id int64
	if _, err := fmt.Sscanf(loc, "/cases/%d", &id); err != nil {
		t.Fatalf("case redirect %q: %v", loc, err)
	}
	return id
}

func replyTo(t *testing.T, c *webtest.Client, caseID int64, body string, extra ...string) {
	t.Helper()
	form := url.Values{"body": {body}}
	for i := 0; i+1 < len(extra); i += 2 {
		form.Set(extra[i], extra[i+1])
	}
	c.PostForm(fmt.Sprintf("/cases/%d/replies", caseID), form).Expect(http.StatusSeeOther)
}

// choose saves notification settings: the defaults, changed by pairs.
func choose(t *testing.T, c *webtest.Client, pairs ...string) {
	t.Helper()
	form := url.Values{"mentions": {"app"}, "replies": {"app"}, "follows": {"app"}, "consults": {"as_sent"},
		"verification": {"email"}, "digest": {"off"}}
	for i := 0; i+1 < len(pairs); i += 2 {
		form.Set(pairs[i], pairs[i+1])
	}
	c.PostForm("/settings/notifications", form).RedirectsTo("/settings/notifications")
}

func count(t *testing.T, app *webtest.App, sql string, args ...any) int64 {
	t.Helper()
	return testdb.Scalar[int64](t, app.DB, sql, args...)
}

func TestSettingsPage(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, acct := app.As(identity.StatusPending, identity.RoleMember, "")
	page := c.Get("/settings/notifications").Expect(http.StatusOK)
	page.Contains("Mentions", "Verification outcomes", "E-mail digest", `<option value="email" selected>In the app and by e-mail</option>`,
		`<option value="as_sent" selected>In the app; urgent ones by e-mail too</option>`, `<option value="off" selected>No digest</option>`)
	c.Get("/notifications").Expect(http.StatusOK).Contains(`href="/settings/notifications"`)
	c.Get("/settings/profile").Expect(http.StatusOK).Contains(`href="/settings/notifications"`)

	// A choice a topic does not offer: 422, the form again with what was sent.
	res := c.PostForm("/settings/notifications", url.Values{"mentions": {"email"}, "replies": {"as_sent"}, "follows": {"off"},
		"consults": {"app"}, "verification": {"app"}, "digest": {"hourly"}}).Expect(http.StatusUnprocessableEntity)
	res.Contains("Choose how to hear of this.", "Choose daily, weekly or no digest.", `<option value="email" selected>`)
	if n := count(t, app, "SELECT count(*) FROM notification_preferences WHERE user_id = ?", acct.ID); n != 0 {
		t.Fatalf("%d preferences stored from an invalid form", n)
	}

	choose(t, c, "mentions", "off", "verification", "app", "digest", "weekly")
	c.Get("/settings/notifications").Expect(http.StatusOK).Contains(`<option value="off" selected>Off</option>`,
		`<option value="app" selected>In the app</option>`, `<option value="weekly" selected>Weekly</option>`)
	choose(t, c)
	if n := count(t, app, "SELECT count(*) FROM notification_digests WHERE user_id = ?", acct.ID); n != 0 {
		t.Fatal("choosing no digest kept the digest")
	}
}

// Each member's choice decides, per topic, whether a notice shows in the
// app and whether it is mailed.
func TestPreferencesDecideDelivery(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	poster, _ := app.Verified("cardiology")
	named, namedAcct := app.Verified("cardiology")
	mentions := func() (rows, mails int64) {
		return count(t, app, "SELECT count(*) FROM notifications WHERE user_id = ? AND kind = 'mention'", namedAcct.ID),
			count(t, app, "SELECT count(*) FROM email_outbox WHERE to_address = ? AND subject LIKE '%mentioned you%'", namedAcct.Email)
	}

	// Default: in the app only.
	postCase(t, poster, "Syncope on exertion", "Thoughts, @"+namedAcct.Handle+"?")
	if rows, mails := mentions(); rows != 1 || mails != 0 {
		t.Fatalf("default: %d notifications, %d mails; want 1, 0", rows, mails)
	}
	choose(t, named, "mentions", "off")
	postCase(t, poster, "Palpitations at night", "Any view, @"+namedAcct.Handle+"?")
	if rows, mails := mentions(); rows != 1 || mails != 0 {
		t.Fatalf("off: %d notifications, %d mails; want still 1, 0", rows, mails)
	}
	choose(t, named, "mentions", "email")
	postCase(t, poster, "Bradycardia in an athlete", "What next, @"+namedAcct.Handle+"?")
	if rows, mails := mentions(); rows != 2 || mails != 1 {
		t.Fatalf("e-mail: %d notifications, %d mails; want 2, 1", rows, mails)
	}
	body := testdb.Scalar[string](t, app.DB, "SELECT body FROM email_outbox WHERE to_address = ?", namedAcct.Email)
	if !strings.Contains(body, app.Config.BaseURL.String()+"/cases/") || strings.Contains(body, "What next") {
		t.Fatalf("mention mail: %q", body)
	}
	// An address not confirmed (changed since, say) is not mailed: it may be anyone's.
	testdb.Exec(t, app.DB, "UPDATE users SET email_confirmed_at = NULL WHERE id = ?", namedAcct.ID)
	postCase(t, poster, "Heart block after Lyme", "Pacing, @"+namedAcct.Handle+"?")
	if rows, mails := mentions(); rows != 3 || mails != 1 {
		t.Fatalf("unconfirmed address: %d notifications, %d mails; want 3, still 1", rows, mails)
	}
	testdb.Exec(t, app.DB, "UPDATE users SET email_confirmed_at = now() WHERE id = ?", namedAcct.ID)

	// Replies to one's own case and to a followed case are two topics.
	author, authorAcct := app.Verified("cardiology")
	follower, followerAcct := app.Verified("cardiology")
	id := postCase(t, author, "Chest pain after a long flight", "Well score is low.")
	follower.PostForm(fmt.Sprintf("/cases/%d/follow", id), url.Values{"follow": {"1"}}).Expect(http.StatusSeeOther)
	if n := count(t, app, "SELECT count(*) FROM case_follows WHERE case_id = ? AND user_id = ?", id, followerAcct.ID); n != 1 {
		t.Fatal("the follower does not follow")
	}
	choose(t, author, "replies", "email")
	choose(t, follower, "follows", "off")
	replyTo(t, poster, id, "A D-dimer would settle it.")
	if n := count(t, app, "SELECT count(*) FROM notifications WHERE user_id = ? AND kind = 'reply.mine' AND title LIKE '%replied to your case'", authorAcct.ID); n != 1 {
		t.Fatalf("author: %d notifications of the reply, want 1", n)
	}
	if n := count(t, app, "SELECT count(*) FROM email_outbox WHERE to_address = ?", authorAcct.Email); n != 1 {
		t.Fatalf("author: %d mails, want 1", n)
	}
	if n := count(t, app, "SELECT count(*) FROM notifications WHERE user_id = ?", followerAcct.ID); n != 0 {
		t.Fatalf("follower who turned follows off: %d notifications", n)
	}

	// Verification outcomes: mailed by default; "in the app" keeps the mail back.
	applicant, applicantAcct := app.As(identity.StatusPending, identity.RoleMember, "")
	choose(t, applicant, "verification", "app")
	req := testdb.PendingRequest(t, app.DB, applicantAcct.ID)
	mod, _ := app.As(identity.StatusVerified, identity.RoleModerator, "")
	mod.PostForm(fmt.Sprintf("/mod/verifications/%d/approve", req), url.Values{}).Expect(http.StatusSeeOther)
	if n := count(t, app, "SELECT count(*) FROM notifications WHERE user_id = ? AND kind = 'verification'", applicantAcct.ID); n != 1 {
		t.Fatalf("%d verification notifications, want 1", n)
	}
	if n := count(t, app, "SELECT count(*) FROM email_outbox WHERE to_address = ?", applicantAcct.Email); n != 0 {
		t.Fatalf("%d verification mails for a member who chose the app only", n)
	}
}

// Opening a notification marks it read and leads to its target; another
// member's is not found; "mark all as read" marks the rest.
func TestOpenAndMarkAllRead(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	alice, aliceAcct := app.Verified("cardiology")
	eve, eveAcct := app.Verified("cardiology")
	insert := func(userID int64, link string) int64 {
		return testdb.Scalar[int64](t, app.DB, `INSERT INTO notifications (user_id, kind, title, link) VALUES (?, 'test', 'Something', ?) RETURNING id`, userID, link)
	}
	first, second, offsite, evesOwn := insert(aliceAcct.ID, "/cases/5"), insert(aliceAcct.ID, "/chat/general"), insert(aliceAcct.ID, "//evil.example/x"), insert(eveAcct.ID, "/cases/6")
	unread := func(userID int64) int64 {
		return count(t, app, "SELECT count(*) FROM notifications WHERE user_id = ? AND read_at IS NULL", userID)
	}

	alice.Get("/notifications").Expect(http.StatusOK).Contains(fmt.Sprintf(`href="/notifications/%d"`, first))
	alice.Get(fmt.Sprintf("/notifications/%d", first)).RedirectsTo("/cases/5")
	if n := count(t, app, "SELECT count(*) FROM notifications WHERE id = ? AND read_at IS NOT NULL", first); n != 1 {
		t.Fatal("opening did not mark the notification read")
	}
	alice.Get(fmt.Sprintf("/notifications/%d", offsite)).RedirectsTo("/notifications")
	// A HEAD (a link checker, a preview) leads the same way and marks nothing.
	head, _ := http.NewRequest(http.MethodHead, fmt.Sprintf("/notifications/%d", second), nil)
	alice.DoPath(head).RedirectsTo("/chat/general")
	alice.Get(fmt.Sprintf("/notifications/%d", evesOwn)).Expect(http.StatusNotFound)
	alice.Get("/notifications/nope").Expect(http.StatusNotFound)
	if unread(eveAcct.ID) != 1 || unread(aliceAcct.ID) != 1 {
		t.Fatalf("unread: eve %d, alice %d; want 1, 1 (only %d left)", unread(eveAcct.ID), unread(aliceAcct.ID), second)
	}

	alice.PostForm("/notifications/read", url.Values{}).RedirectsTo("/notifications")
	if unread(aliceAcct.ID) != 0 || unread(eveAcct.ID) != 1 {
		t.Fatalf("after mark all read: alice %d, eve %d unread; want 0, 1", unread(aliceAcct.ID), unread(eveAcct.ID))
	}
	eve.Get(fmt.Sprintf("/notifications/%d", evesOwn)).RedirectsTo("/cases/6")
}

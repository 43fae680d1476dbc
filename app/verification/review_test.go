package verification_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"curbside/app/db"
	"curbside/app/db/testdb"
	"curbside/app/identity"
	"curbside/app/web/webtest"
)

// submit makes a member apply and returns the new request's id.
func submit(t testing.TB, app *webtest.App, c *webtest.Client, userID int64, npi string) int64 {
	t.Helper()
	c.PostMultipart("/verification", application(npi), license(pdfFor(userID), "license.pdf")).RedirectsTo("/verification")
	return count(t, app, "SELECT max(id) FROM verification_requests WHERE user_id = ?", userID)
}

func TestModeratorQueueAndDecisions(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	addRegistryRecord(t, app)
	first, firstAcct := app.As(identity.StatusUnverified, identity.RoleMember, "")
	second, secondAcct := app.As(identity.StatusRejected, identity.RoleMember, "")
	firstID := submit(t, app, first, firstAcct.ID, knownNPI)
	secondID := submit(t, app, second, secondAcct.ID, unknownNPI)
	mod, _ := app.As(identity.StatusVerified, identity.RoleModerator, "")

	queue := mod.Get("/mod/verifications").Expect(http.StatusOK).Contains("2 pending requests", "✓ Match", "Not in registry")
	if strings.Index(queue.Body, "@"+firstAcct.Handle) > strings.Index(queue.Body, "@"+secondAcct.Handle) {
		t.Fatal("queue is not oldest first")
	}
	mod.Get(fmt.Sprintf("/mod/verifications/%d", firstID)).Expect(http.StatusOK).
		Contains("Registry check", "MAYA L CHEN", "CA A123456", `<iframe class="document"`, "Approve", firstAcct.Email)

	// Approve: verified with the claimed specialty, told in the app and by mail.
	mod.PostForm(fmt.Sprintf("/mod/verifications/%d/approve", firstID), url.Values{}).RedirectsTo(fmt.Sprintf("/mod/verifications/%d", firstID))
	if n := count(t, app, `SELECT count(*) FROM users u JOIN specialties s ON s.id = u.specialty_id
		WHERE u.id = ? AND u.status = 'verified' AND s.slug = 'cardiology'`, firstAcct.ID); n != 1 {
		t.Fatal("approval did not verify the account with its specialty")
	}
	first.Get("/cases").Expect(http.StatusOK)
	first.Get("/notifications").Expect(http.StatusOK).Contains("Your license is verified")
	if n := count(t, app, "SELECT count(*) FROM email_outbox WHERE to_address = ? AND subject LIKE '%verified%'", firstAcct.Email); n != 1 {
		t.Fatal("no approval e-mail queued")
	}
	mod.PostForm(fmt.Sprintf("/mod/verifications/%d/approve", firstID), url.Values{}).Expect(http.StatusConflict)
	mod.PostForm(fmt.Sprintf("/mod/verifications/%d/reject", firstID), url.Values{"reason": {"late"}}).Expect(http.StatusConflict)
	mod.PostForm(fmt.Sprintf("/mod/verifications/%d/reject", firstID), url.Values{"reason": {""}}).Expect(http.StatusConflict)

	// Reject needs a reason.
	mod.PostForm(fmt.Sprintf("/mod/verifications/%d/reject", secondID), url.Values{"reason": {"  "}}).
		Expect(http.StatusUnprocessableEntity).Contains(`id="reason-error"`)
	mod.PostForm(fmt.Sprintf("/mod/verifications/%d/reject", secondID), url.Values{"reason": {"The NPI is not in the registry."}}).
		RedirectsTo(fmt.Sprintf("/mod/verifications/%d", secondID))
	second.Get("/verification").Expect(http.StatusOK).Contains("Not approved", "The NPI is not in the registry.", `name="npi"`, `value="`+unknownNPI+`"`)
	second.Get("/cases").Expect(http.StatusForbidden)
	if n := count(t, app, "SELECT count(*) FROM notifications WHERE user_id = ? AND title LIKE '%not approved%'", secondAcct.ID); n != 1 {
		t.Fatal("no rejection notification")
	}
	// Submitting again opens a new request; the history shows both.
	againID := submit(t, app, second, secondAcct.ID, knownNPI)
	mod.Get(fmt.Sprintf("/mod/verifications/%d", againID)).Expect(http.StatusOK).
		Contains(fmt.Sprintf("/mod/verifications/%d", secondID), "The NPI is not in the registry.", "This request")
	mod.Get("/mod/verifications").Contains("1 pending request")
	mod.Get("/mod/verifications/999999").Expect(http.StatusNotFound)
	mod.PostForm("/mod/verifications/999999/approve", url.Values{}).Expect(http.StatusNotFound)

	for _, action := range []string{"verification.approved", "verification.rejected", "verification.submitted"} {
		if count(t, app, "SELECT count(*) FROM audit_log WHERE action = ?", action) == 0 {
			t.Errorf("no %s audit row", action)
		}
	}
	mod.Get("/mod/audit").Expect(http.StatusOK).Contains("verification.approved", "verification.rejected")
}

func TestDocumentAccess(t *testing.T) {
	t.Parallel()
	app := webtest.New(t, "CURBSIDE_MOD_2FA=required")
	owner, acct := app.As(identity.StatusUnverified, identity.RoleMember, "")
	id := submit(t, app, owner, acct.ID, knownNPI)
	own := fmt.Sprintf("/verification/requests/%d/document", id)
	review := fmt.Sprintf("/mod/verifications/%d/document", id)

	res := owner.Get(own).Expect(http.StatusOK)
	if res.Body != string(pdfFor(acct.ID)) || res.Header.Get("Content-Type") != "application/pdf" ||
		res.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("owner's document: %v", res.Header)
	}
	owner.Get(review).Expect(http.StatusForbidden)

	// Moderators see documents only through the moderation pages, and only with two-factor login.
	mod, modAcct := app.As(identity.StatusVerified, identity.RoleModerator, "")
	mod.Get(review).Expect(http.StatusForbidden).Contains("Two-factor login required").Lacks("%PDF")
	mod.Get(own).Expect(http.StatusNotFound)
	// As if it had logged in with a code.
	testdb.Exec(t, app.DB, "UPDATE users SET totp_enabled_at = now() WHERE id = ?", modAcct.ID)
	testdb.Exec(t, app.DB, "UPDATE sessions SET second_factor_at = now() WHERE user_id = ?", modAcct.ID)
	dl := mod.Get(review + "?download=1").Expect(http.StatusOK)
	if !strings.HasPrefix(dl.Header.Get("Content-Disposition"), `attachment; filename="license.pdf"`) {
		t.Fatalf("download disposition %q", dl.Header.Get("Content-Disposition"))
	}
	mod.Get(fmt.Sprintf("/mod/verifications/%d", id)).Expect(http.StatusOK).Contains(`src="` + review + `"`)

	other, _ := app.Verified("cardiology")
	other.Get(own).Expect(http.StatusNotFound).Lacks("%PDF")
	other.Get(review).Expect(http.StatusForbidden).Lacks("%PDF")
	stranger, _ := app.As(identity.StatusUnverified, identity.RoleMember, "")
	stranger.Get(own).Expect(http.StatusNotFound)
	app.Client().Get(own).RedirectsTo("/login?next=" + url.QueryEscape(own))
	app.Client().Get(review).RedirectsTo("/login?next=" + url.QueryEscape(review))
	if n := count(t, app, "SELECT count(*) FROM audit_log WHERE action = 'verification.document_viewed' AND target_id = ?", id); n != 2 {
		t.Fatalf("%d document views audited, want 2 (the owner's and the moderator's)", n)
	}
}

// The queue's query count does not grow with the number of requests.
func TestQueueQueryCountIsConstant(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	queries, err := db.CountQueries(app.DB.DB)
	if err != nil {
		t.Fatal(err)
	}
	mod, _ := app.As(identity.StatusVerified, identity.RoleModerator, "")
	measure := func() int64 {
		before := queries.Load()
		mod.Get("/mod/verifications").Expect(http.StatusOK)
		return queries.Load() - before
	}
	c, acct := app.As(identity.StatusUnverified, identity.RoleMember, "")
	submit(t, app, c, acct.ID, knownNPI)
	one := measure()
	for i := 0; i < 5; i++ {
		c, acct := app.As(identity.StatusUnverified, identity.RoleMember, "")
		submit(t, app, c, acct.ID, unknownNPI)
	}
	if six := measure(); six != one {
		t.Fatalf("queue ran %d queries for one request and %d for six", one, six)
	}
}

func TestModeratorCannotDecideOwnRequest(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	mod, modAcct := app.As(identity.StatusRejected, identity.RoleModerator, "")
	id := submit(t, app, mod, modAcct.ID, knownNPI)
	mod.PostForm(fmt.Sprintf("/mod/verifications/%d/approve", id), url.Values{}).Expect(http.StatusForbidden).Contains("Not your own request")
	if n := count(t, app, "SELECT count(*) FROM verification_requests WHERE status = 'pending'"); n != 1 {
		t.Fatal("the request was decided")
	}
	// A suspended applicant's request waits for the suspension to be lifted.
	other, _ := app.As(identity.StatusVerified, identity.RoleModerator, "")
	if err := app.Server.Accounts().Suspend(t.Context(), 0, modAcct.ID, "Under review", identity.Meta{}); err != nil {
		t.Fatal(err)
	}
	other.PostForm(fmt.Sprintf("/mod/verifications/%d/approve", id), url.Values{}).Expect(http.StatusForbidden).Contains("suspended")
}

// BenchmarkQueue measures the moderator queue with 50 pending requests
// against the same page with one, in the same process: the ratio stays near
// 1 while the page's queries do not grow with its rows.
func BenchmarkQueue(b *testing.B) {
	app := webtest.New(b)
	mod, _ := app.As(identity.StatusVerified, identity.RoleModerator, "")
	page := func() { mod.Get("/mod/verifications").Expect(http.StatusOK) }
	c, acct := app.As(identity.StatusUnverified, identity.RoleMember, "")
	submit(b, app, c, acct.ID, knownNPI)
	one := webtest.TimePerOp(50, page)
	for i := 0; i < 49; i++ {
		c, acct := app.As(identity.StatusUnverified, identity.RoleMember, "")
		submit(b, app, c, acct.ID, knownNPI)
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		page()
	}
	b.ReportMetric(float64(time.Since(start)/time.Duration(b.N))/float64(one), "x-one-request")
}

package verification_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"curbside/app"
	"curbside/app/db/testdb"
	"curbside/app/identity"
	"curbside/app/verification/registry"
	"curbside/app/web/webtest"
)

// cleanNPI is a third valid NPI, in the registry for the clean request.
const cleanNPI = "1500000009"

// apply makes a member apply with a chosen document and state.
func apply(t testing.TB, app *webtest.App, c *webtest.Client, userID int64, npi, state string, doc []byte) int64 {
	t.Helper()
	form := application(npi)
	form.Set("license_state", state)
	c.PostMultipart("/verification", form, license(doc, "license.pdf")).RedirectsTo("/verification")
	return count(t, app, "SELECT max(id) FROM verification_requests WHERE user_id = ?", userID)
}

// queueRow is the queue's row of one applicant.
func queueRow(t testing.TB, body, handle string) string {
	t.Helper()
	for row := range strings.SplitSeq(body, "<tr>") {
		if strings.Contains(row, `<span class="muted small">@`+handle+"</span>") {
			return row
		}
	}
	t.Fatalf("no queue row for @%s", handle)
	return ""
}

func review(id int64) string { return fmt.Sprintf("/mod/verifications/%d", id) }

// A second account on the same NPI, or with the same document, is a
// warning naming the other account, on the request and in the queue; a
// clean request stays a plain match.
func TestSharedNPIAndIdenticalDocumentWarn(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	addRegistryRecord(t, app)
	one := registry.EntityIndividual
	if err := app.DB.Create(&registry.Record{NPI: cleanNPI, EntityType: &one, FirstName: "MAYA", LastName: "CHEN",
		Licenses: []registry.License{{TaxonomyCode: "207RC0000X", LicenseNumber: "A123456", LicenseState: "CA", Primary: true}}}).Error; err != nil {
		t.Fatal(err)
	}
	holder, holderAcct := app.As(identity.StatusUnverified, identity.RoleMember, "")
	second, secondAcct := app.As(identity.StatusUnverified, identity.RoleMember, "")
	copier, copierAcct := app.As(identity.StatusUnverified, identity.RoleMember, "")
	clean, cleanAcct := app.As(identity.StatusUnverified, identity.RoleMember, "")
	holderID := apply(t, app, holder, holderAcct.ID, knownNPI, "CA", pdfFor(holderAcct.ID))
	secondID := apply(t, app, second, secondAcct.ID, knownNPI, "CA", pdfFor(secondAcct.ID))
	copierID := apply(t, app, copier, copierAcct.ID, unknownNPI, "CA", pdfFor(holderAcct.ID))
	cleanID := apply(t, app, clean, cleanAcct.ID, cleanNPI, "CA", pdfFor(cleanAcct.ID))
	mod, _ := app.As(identity.StatusVerified, identity.RoleModerator, "")

	holderLink := fmt.Sprintf(`<a href="/mod/users/%d">@%s</a>`, holderAcct.ID, holderAcct.Handle)
	copierLink := fmt.Sprintf(`<a href="/mod/users/%d">@%s</a>`, copierAcct.ID, copierAcct.Handle)
	mod.Get(review(secondID)).Expect(http.StatusOK).
		Contains("Tied to other accounts", "NPI "+knownNPI+" is also claimed by", holderLink, "⚠ Matches, but see the warnings").
		Lacks("byte-identical")
	mod.Get(review(copierID)).Expect(http.StatusOK).
		Contains("The document is byte-identical to one sent by", holderLink).Lacks("is also claimed by")
	mod.Get(review(holderID)).Expect(http.StatusOK).Contains(
		fmt.Sprintf(`<a href="/mod/users/%d">@%s</a>`, secondAcct.ID, secondAcct.Handle),
		copierLink)
	mod.Get(review(cleanID)).Expect(http.StatusOK).Contains("✓ Match").Lacks("Tied to other accounts", "verdict-warning")

	queue := mod.Get("/mod/verifications").Expect(http.StatusOK).Body
	if row := queueRow(t, queue, secondAcct.Handle); !strings.Contains(row, "⚠ NPI also claimed by "+holderLink) || strings.Contains(row, "✓ Match") {
		t.Errorf("the second claimant's row: %s", row)
	}
	if row := queueRow(t, queue, holderAcct.Handle); !strings.Contains(row, "⚠ Same document as "+copierLink) || strings.Contains(row, "✓ Match") {
		t.Errorf("the holder's row: %s", row)
	}
	if row := queueRow(t, queue, copierAcct.Handle); !strings.Contains(row, "⚠ Same document as "+holderLink) {
		t.Errorf("the copier's row: %s", row)
	}
	if row := queueRow(t, queue, cleanAcct.Handle); !strings.Contains(row, "✓ Match") || strings.Contains(row, "⚠") {
		t.Errorf("the clean row: %s", row)
	}

	// A verified holder still holds the NPI.
	mod.PostForm(fmt.Sprintf("/mod/verifications/%d/approve", holderID), url.Values{}).Expect(http.StatusSeeOther)
	mod.Get(review(secondID)).Expect(http.StatusOK).Contains(holderLink + ` <span class="badge badge-verified">verified</span>`)
}

// The license state is checked against NPPES's license rows, taxonomy
// codes are named, and the state board's lookup is linked.
func TestLicenseStateAgainstTheRegistry(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	addRegistryRecord(t, app)
	texan, texanAcct := app.As(identity.StatusUnverified, identity.RoleMember, "")
	ohioan, ohioanAcct := app.As(identity.StatusUnverified, identity.RoleMember, "")
	texas := apply(t, app, texan, texanAcct.ID, knownNPI, "TX", pdfFor(texanAcct.ID))
	ohio := apply(t, app, ohioan, ohioanAcct.ID, unknownNPI, "OH", pngBytes(t))
	mod, _ := app.As(identity.StatusVerified, identity.RoleModerator, "")

	page := mod.Get(review(texas)).Expect(http.StatusOK).
		Contains("207RC0000X Internal Medicine, Cardiovascular Disease (primary)", "Cardiology (207RC0000X)",
			`href="https://profile.tmb.state.tx.us/"`, "state against the claim").Body
	_, row, _ := strings.Cut(page, ">License state<")
	row, _, _ = strings.Cut(row, "</tr>")
	if !strings.Contains(row, ">TX<") || !strings.Contains(row, ">CA<") || !strings.Contains(row, "✗ Mismatch") {
		t.Errorf("license state row: %s", row)
	}
	// A state whose board lookup is not known links to DocInfo, never to a guess.
	// An image zooms without script, and opens at full size in a new tab.
	mod.Get(review(ohio)).Expect(http.StatusOK).Contains(`href="https://www.docinfo.org/"`, "FSMB DocInfo lookup (covers OH)",
		`<input type="checkbox" id="zoom-document" class="zoom-toggle">`, `<label for="zoom-document"`,
		fmt.Sprintf(`<a href="/mod/verifications/%d/document" target="_blank" rel="noopener"><img class="document"`, ohio))
}

// After a decision, "and next" leads to the oldest request still pending,
// then back to the queue; the navigation counts what is pending, for
// moderators only.
func TestDecideAndNextAndPendingCount(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	ids := make([]int64, 3)
	for i := range ids {
		c, acct := app.As(identity.StatusUnverified, identity.RoleMember, "")
		ids[i] = apply(t, app, c, acct.ID, unknownNPI, "CA", pdfFor(acct.ID))
		testdb.Exec(t, app.DB.DB, "UPDATE verification_requests SET created_at = now() - make_interval(hours => ?) WHERE id = ?", 10-i, ids[i])
	}
	mod, _ := app.As(identity.StatusVerified, identity.RoleModerator, "")
	member, _ := app.Verified("cardiology")

	mod.Get("/mod/verifications").Expect(http.StatusOK).Contains("Verifications (3)")
	mod.Get("/cases").Expect(http.StatusOK).Contains(`<span class="nav-count">3</span><span class="visually-hidden"> verification requests pending</span>`)
	member.Get("/cases").Expect(http.StatusOK).Lacks("verification requests pending", "Verifications (")

	// Deciding the second request first: "next" goes to the oldest left.
	mod.PostForm(review(ids[1])+"/approve", url.Values{"next": {"1"}}).RedirectsTo(review(ids[0]))
	mod.Get(review(ids[0])).Expect(http.StatusOK).Contains("Verifications (2)", "Approve and next", "Reject and next")
	mod.PostForm(review(ids[0])+"/reject", url.Values{"reason": {"Unreadable scan."}, "next": {"1"}}).RedirectsTo(review(ids[2]))
	mod.PostForm(review(ids[2])+"/approve", url.Values{"next": {"1"}}).RedirectsTo("/mod/verifications")
	mod.Get("/mod/verifications").Expect(http.StatusOK).Contains(">Verifications</a>", "0 pending requests")
}

// Each moderator and admin is told in the app of a new request, once per
// applicant while the notice is unread, whatever the resubmissions.
func TestModeratorsNotifiedOfNewRequests(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	mod, modAcct := app.As(identity.StatusVerified, identity.RoleModerator, "")
	_, adminAcct := app.As(identity.StatusVerified, identity.RoleAdmin, "")
	_, bystander := app.Verified("cardiology")
	applicant, acct := app.As(identity.StatusUnverified, identity.RoleMember, "")
	first := apply(t, app, applicant, acct.ID, unknownNPI, "CA", pdfFor(acct.ID))

	told := func(userID int64) int64 {
		return count(t, app, "SELECT count(*) FROM notifications WHERE user_id = ? AND kind = 'verification_request'", userID)
	}
	if told(modAcct.ID) != 1 || told(adminAcct.ID) != 1 || told(bystander.ID) != 0 || told(acct.ID) != 0 {
		t.Fatalf("told: moderator %d, admin %d, member %d, applicant %d", told(modAcct.ID), told(adminAcct.ID), told(bystander.ID), told(acct.ID))
	}
	mod.Get("/notifications").Expect(http.StatusOK).Contains("New verification request").Lacks("Maya", unknownNPI)
	notice := testdb.Scalar[int64](t, app.DB, "SELECT id FROM notifications WHERE user_id = ? AND kind = 'verification_request'", modAcct.ID)
	mod.Get("/notifications/" + strconv.FormatInt(notice, 10)).RedirectsTo(review(first))

	// Rejected and resubmitted: the admin, who has not read the first notice, is not told again; the moderator, who has, is.
	testdb.Exec(t, app.DB.DB, "UPDATE notifications SET read_at = now() WHERE user_id = ?", modAcct.ID)
	mod.PostForm(review(first)+"/reject", url.Values{"reason": {"Blurred."}}).Expect(http.StatusSeeOther)
	second := apply(t, app, applicant, acct.ID, unknownNPI, "CA", pdfFor(acct.ID))
	if told(modAcct.ID) != 2 || told(adminAcct.ID) != 1 {
		t.Fatalf("after a resubmission: moderator told %d times, admin %d", told(modAcct.ID), told(adminAcct.ID))
	}
	if n := count(t, app, "SELECT count(*) FROM notifications WHERE user_id = ? AND link = ?", modAcct.ID, review(second)); n != 1 {
		t.Fatal("the moderator's new notice does not lead to the new request")
	}
}

// A request waiting more than a working day (weekends not counted) makes
// one mail to each moderator, however many passes and instances run.
func TestOverdueRequestsMailedOnce(t *testing.T) {
	t.Parallel()
	first := webtest.New(t)
	second, err := app.New(first.Config, first.DB.DB, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	_, modAcct := first.As(identity.StatusVerified, identity.RoleModerator, "")
	_, adminAcct := first.As(identity.StatusVerified, identity.RoleAdmin, "")
	_, memberAcct := first.Verified("cardiology")
	friday := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	ids := make([]int64, 3)
	for i, created := range []time.Time{friday, friday.Add(-time.Hour), friday.Add(70 * time.Hour)} {
		c, acct := first.As(identity.StatusUnverified, identity.RoleMember, "")
		ids[i] = apply(t, first, c, acct.ID, unknownNPI, "CA", pdfFor(acct.ID))
		testdb.Exec(t, first.DB.DB, "UPDATE verification_requests SET created_at = ? WHERE id = ?", created, ids[i])
	}
	mails := func(to string) int64 {
		return count(t, first, "SELECT count(*) FROM email_outbox WHERE to_address = ? AND subject = 'Curbside: verification requests waiting'", to)
	}

	// Monday 11:00 is 23 working hours after Friday noon: not yet.
	if n, err := first.Core.Verification.RemindOverdue(context.Background(), friday.Add(71*time.Hour)); err != nil || n != 1 {
		t.Fatalf("Monday 11:00 took %d requests (%v), want only the one from Friday 11:00", n, err)
	}
	monday := friday.Add(72*time.Hour + 30*time.Minute)
	var wg sync.WaitGroup
	taken := make([]int, 4)
	for i := range taken {
		svc := first.Core.Verification
		if i%2 == 1 {
			svc = second.Verification
		}
		wg.Go(func() {
			n, err := svc.RemindOverdue(context.Background(), monday)
			if err != nil {
				t.Error(err)
			}
			taken[i] = n
		})
	}
	wg.Wait()
	if total := taken[0] + taken[1] + taken[2] + taken[3]; total != 1 {
		t.Fatalf("%v requests taken across the passes, want 1", taken)
	}
	if mails(modAcct.Email) != 2 || mails(adminAcct.Email) != 2 || mails(memberAcct.Email) != 0 {
		t.Fatalf("mails: moderator %d, admin %d, member %d; want 2, 2, 0", mails(modAcct.Email), mails(adminAcct.Email), mails(memberAcct.Email))
	}
	body := testdb.Scalar[string](t, first.DB.DB, "SELECT body FROM email_outbox WHERE to_address = ? ORDER BY id DESC LIMIT 1", modAcct.Email)
	if !strings.Contains(body, "2 verification requests have waited more than a working day") || !strings.Contains(body, "/mod/verifications\n") ||
		strings.Contains(body, "Maya") || strings.Contains(body, unknownNPI) {
		t.Fatalf("mail body: %q", body)
	}
	// The next pass, later still, has nothing new to say.
	if n, err := first.Core.Verification.RemindOverdue(context.Background(), monday.Add(time.Hour)); err != nil || n != 0 || mails(modAcct.Email) != 2 {
		t.Fatalf("a later pass took %d (%v), %d mails", n, err, mails(modAcct.Email))
	}
}

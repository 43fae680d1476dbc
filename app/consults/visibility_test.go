package consults_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"curbside/app/identity"
	"curbside/app/web/webtest"
)

// Who sees a consult: its requester, its specialty while it is open, its
// consultant and moderators after the claim; everyone else finds nothing,
// and every view by anyone but the two parties is audited.
func TestWhoSeesAConsult(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	gp, _ := app.Verified("family-medicine")
	cardio, _ := app.Verified("cardiology")
	colleague, colleagueAcct := app.Verified("cardiology")
	derm, _ := app.Verified("dermatology")
	mod, modAcct := app.As(identity.StatusVerified, identity.RoleModerator, "neurology")
	pending, _ := app.As(identity.StatusPending, identity.RoleMember, "cardiology")
	anonymous := app.Client()
	question := "Anticoagulation after a first provoked DVT?"
	id := ask(t, gp, url.Values{"question": {question}})
	page := consultURL(id)

	views := func(userID int64) int {
		return scalar[int](t, app, "SELECT count(*) FROM audit_log WHERE actor_id = ? AND action = 'consult.viewed' AND target_id = ?", userID, id)
	}
	gp.Get(page).Expect(http.StatusOK).Contains(question)
	colleague.Get(page).Expect(http.StatusOK).Contains(question)
	if views(colleagueAcct.ID) != 1 {
		t.Fatal("a specialist's view of an open consult is not audited")
	}
	derm.Get(page).Expect(http.StatusNotFound).Lacks(question)
	pending.Get(page).Expect(http.StatusForbidden).Lacks(question)
	anonymous.Get(page).Expect(http.StatusSeeOther)
	derm.Get("/consults").Expect(http.StatusOK).Lacks(question)

	post(cardio, consultURL(id, "claim")).Expect(http.StatusSeeOther)
	gp.Get(page).Expect(http.StatusOK).Contains(question)
	cardio.Get(page).Expect(http.StatusOK).Contains(question)
	colleague.Get(page).Expect(http.StatusNotFound).Lacks(question)
	colleague.Get("/consults").Expect(http.StatusOK).Lacks(question)
	mod.Get(page).Expect(http.StatusOK).Contains(question).Lacks("Claim and answer", "Release", "Withdraw")
	if views(modAcct.ID) != 1 {
		t.Fatal("a moderator's view is not audited")
	}
	if n := scalar[int](t, app, "SELECT count(*) FROM audit_log WHERE action = 'consult.viewed' AND target_id = ?", id); n != 2 {
		t.Fatalf("%d audited views, want the colleague's and the moderator's only", n)
	}
	// The same 404 for a consult that exists and one that does not.
	derm.Get(consultURL(id + 1000)).Expect(http.StatusNotFound)
	post(derm, consultURL(id, "claim")).Expect(http.StatusNotFound)
	post(mod, consultURL(id, "release")).Expect(http.StatusForbidden)
}

// Bad input gets the form again with each message at its field and every
// field kept; nothing is stored.
func TestRequestFormRefusesBadInput(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	gp, _ := app.Verified("family-medicine")
	gp.Get("/consults/new?specialty=nephrology").Expect(http.StatusOK).Contains(`value="nephrology" selected`, `name="urgency" value="routine" checked`)

	gp.PostForm("/consults", url.Values{"specialty": {"cardiology"}, "question": {"  "}, "summary": {"Kept summary"}, "urgency": {"urgent"}}).
		Expect(http.StatusUnprocessableEntity).Contains(`id="question-error"`, "Kept summary", `value="urgent" checked`)
	gp.PostForm("/consults", url.Values{"specialty": {"astrology"}, "question": {"Kept question"}}).
		Expect(http.StatusUnprocessableEntity).Contains(`id="specialty-error"`, "Kept question")
	gp.PostForm("/consults", url.Values{"specialty": {"cardiology"}, "question": {"Q"}, "urgency": {"tomorrow"}}).
		Expect(http.StatusUnprocessableEntity).Contains("Choose one of the listed values.")
	gp.PostForm("/consults", url.Values{"specialty": {"cardiology"}, "question": {"Q"}, "age_band": {"93"}}).
		Expect(http.StatusUnprocessableEntity).Contains(`id="age_band-error"`)
	gp.PostForm("/consults", url.Values{"specialty": {"cardiology"}, "question": {strings.Repeat("x", 2001)}}).
		Expect(http.StatusUnprocessableEntity).Contains("Use at most 2000 characters")
	if n := scalar[int](t, app, "SELECT count(*) FROM consults"); n != 0 {
		t.Fatalf("%d consults stored from refused forms", n)
	}
	// Urgency may be left out: a routine consult.
	id := ask(t, gp, url.Values{})
	if got := scalar[string](t, app, "SELECT urgency FROM consults WHERE id = ?", id); got != "routine" {
		t.Fatalf("urgency %q, want routine", got)
	}
}

// The privacy guard holds back identifiers in any field of a request or a
// message until the author edits them or confirms; a confirmed one is
// marked for moderators.
func TestPrivacyGuardOnConsults(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	gp, asker := app.Verified("family-medicine")
	cardio, _ := app.Verified("cardiology")
	form := url.Values{"specialty": {"cardiology"}, "question": {"Which anticoagulant?"},
		"history": {"Seen on 03/14/2025, MRN 44812093."}}
	gp.PostForm("/consults", form).Expect(http.StatusUnprocessableEntity).
		Contains("privacy guard held the consult back", "03/14/2025", `name="phi_ack"`, "Which anticoagulant?")
	if n := scalar[int](t, app, "SELECT count(*) FROM consults"); n != 0 {
		t.Fatal("a consult held back by the guard was stored")
	}
	form.Set("phi_ack", "on")
	id := ask(t, gp, form)
	if !scalar[bool](t, app, "SELECT phi_ack FROM consults WHERE id = ?", id) {
		t.Fatal("a confirmed consult is not marked for moderators")
	}
	if n := scalar[int](t, app, "SELECT count(*) FROM audit_log WHERE actor_id = ? AND action = 'consult.phi_acknowledged'", asker.ID); n != 1 {
		t.Fatal("the confirmation is not audited")
	}

	post(cardio, consultURL(id, "claim")).Expect(http.StatusSeeOther)
	cardio.PostForm(consultURL(id, "messages"), url.Values{"body": {"Call me at 555-867-5309."}, "answer": {"on"}}).
		Expect(http.StatusUnprocessableEntity).Contains("555-867-5309", `name="phi_ack"`, `id="answer" name="answer" value="on" checked`)
	if n := scalar[int](t, app, "SELECT count(*) FROM consult_messages"); n != 0 {
		t.Fatal("a message held back by the guard was stored")
	}
	cardio.PostForm(consultURL(id, "messages"), url.Values{"body": {""}}).
		Expect(http.StatusUnprocessableEntity).Contains(`id="body-error"`)
	// Messages are Markdown, sanitised: no markup of the writer's own runs.
	cardio.PostForm(consultURL(id, "messages"), url.Values{"body": {"<script>alert(1)</script>\n\n[x](javascript:alert(2)) **dose**"}}).
		Expect(http.StatusSeeOther)
	gp.Get(consultURL(id)).Expect(http.StatusOK).Contains("<strong>dose</strong>").Lacks("<script>alert", "javascript:alert")
}

// New consults tell the specialty without telling what they ask; urgent
// ones are mailed too.
func TestNewConsultNotices(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	gp, asker := app.Verified("cardiology") // asking their own specialty is allowed; they are not told
	_, a := app.Verified("cardiology")
	_, b := app.Verified("cardiology")
	_, derm := app.Verified("dermatology")
	ask(t, gp, url.Values{"question": {"Routine: secret clinical words"}})
	ask(t, gp, url.Values{"question": {"Urgent: secret clinical words"}, "urgency": {"urgent"}})
	for _, m := range []webtest.Account{a, b} {
		if n := scalar[int](t, app, "SELECT count(*) FROM notifications WHERE user_id = ? AND kind = 'consult.waiting'", m.ID); n != 2 {
			t.Fatalf("member %d got %d notices, want 2", m.ID, n)
		}
		if n := scalar[int](t, app, "SELECT count(*) FROM email_outbox WHERE to_address = ?", m.Email); n != 1 {
			t.Fatalf("member %d got %d mails, want 1 (the urgent one)", m.ID, n)
		}
	}
	for _, m := range []webtest.Account{asker, derm} {
		if n := scalar[int](t, app, "SELECT count(*) FROM notifications WHERE user_id = ? AND kind = 'consult.waiting'", m.ID); n != 0 {
			t.Fatalf("member %d was told of a consult not theirs to answer", m.ID)
		}
	}
	if n := scalar[int](t, app, `SELECT (SELECT count(*) FROM notifications WHERE title || body LIKE '%secret%')
		+ (SELECT count(*) FROM email_outbox WHERE subject || body LIKE '%secret%')`); n != 0 {
		t.Fatal("a notice carries the consult's question")
	}
}

// The consults page and a consult page run as many queries for one row as
// for many, for the requester and for a specialist looking at the queue.
func TestConsultQueryCountsAreConstant(t *testing.T) {
	t.Parallel()
	count := func(consults, messages int) []int64 {
		app := webtest.New(t)
		gp, _ := app.Verified("family-medicine")
		cardio, _ := app.Verified("cardiology")
		other, _ := app.Verified("cardiology")
		var id int64
		for i := range consults {
			id = ask(t, gp, url.Values{"question": {fmt.Sprintf("Question %d", i)}})
		}
		post(cardio, consultURL(id, "claim")).Expect(http.StatusSeeOther)
		for i := range messages {
			cardio.PostMultipart(consultURL(id, "messages"), url.Values{"body": {fmt.Sprintf("Message %d", i)}},
				webtest.File{Field: "attachments", Name: "ecg.jpg", Data: webtest.Photo(t, nil)}).Expect(http.StatusSeeOther)
		}
		return []int64{app.Queries(gp, "/consults"), app.Queries(gp, consultURL(id)), app.Queries(other, "/consults"),
			app.Queries(cardio, consultURL(id)), app.Queries(other, consultURL(id-1)),
			app.Queries(gp, "/consults"), app.Queries(gp, consultURL(id))}
	}
	small, large := count(2, 1), count(12, 6)
	if fmt.Sprint(small) != fmt.Sprint(large) {
		t.Fatalf("queries grow with rows: %v → %v (lists, consult page, queue, consultant's page, specialist's page, "+
			"then the lists and the consult page again)", small, large)
	}
	// A first view: the session and its rider, then the lists (or the
	// consult with its thread, timeline and files) in a second round trip;
	// a specialist's view is audited. Seen again unchanged: the session and
	// its rider alone, one round trip.
	if small[0] > 6 || small[1] > 6 || small[4] > 7 || small[5] != 4 || small[6] != 2 {
		t.Fatalf("queries %v: more than expected", small)
	}
}

// Every form of a consult carries the member's form token, and a move
// without a valid one is refused (403) and changes nothing; an anonymous
// visitor is sent to log in and back.
func TestConsultFormsNeedTheirToken(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	gp, _ := app.Verified("family-medicine")
	cardio, _ := app.Verified("cardiology")
	id := ask(t, gp, url.Values{})
	app.Client().Get(consultURL(id)).Expect(http.StatusSeeOther).RedirectsTo("/login?next=%2Fconsults%2F" + strconv.FormatInt(id, 10))

	forms := regexp.MustCompile(`(?s)<form[^>]*method="post"[^>]*>.*?</form>`)
	token := regexp.MustCompile(`name="_csrf" value="([^"]*)"`)
	for _, c := range []*webtest.Client{gp, cardio} {
		for _, path := range []string{consultURL(id), "/consults/new"} {
			found := forms.FindAllString(c.Get(path).Expect(http.StatusOK).Body, -1)
			if len(found) < 2 { // logout, and the consult's own
				t.Fatalf("%s shows %d forms", path, len(found))
			}
			for _, f := range found {
				m := token.FindStringSubmatch(f)
				if m == nil {
					t.Errorf("%s: a form without a token:\n%s", path, f)
				} else if raw, ok := webtest.UnmaskCSRF(m[1]); !ok || raw != c.CSRF() {
					t.Errorf("%s: a form with another token than this member's:\n%s", path, f)
				}
			}
		}
	}
	cardio.PostForm(consultURL(id, "claim"), url.Values{"_csrf": {"forged"}}).Expect(http.StatusForbidden)
	cardio.PostRaw(consultURL(id, "claim"), "application/x-www-form-urlencoded", strings.NewReader("")).Expect(http.StatusForbidden)
	if got := status(t, app, id); got != "open" {
		t.Fatalf("a move without its token made the consult %q", got)
	}
}

package consults_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"curbside/app/db/testdb"
	"curbside/app/identity"
	"curbside/app/web/webtest"
)

// A consult goes from the question to the close-out: filed, claimed,
// answered, closed, each move on the timeline, each party told.
func TestConsultFromQuestionToCloseOut(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	gp, asker := app.Verified("family-medicine")
	cardio, specialist := app.Verified("cardiology")

	id := ask(t, gp, url.Values{"urgency": {"routine"}, "summary": {"Athlete, **two** syncopal episodes on exertion."},
		"age_band": {"18-29"}, "sex": {"male"}, "history": {"No family history known."}, "medications": {"None"},
		"results": {"Resting ECG: QTc 480 ms."}})
	if got := status(t, app, id); got != "open" {
		t.Fatalf("a new consult is %q, want open", got)
	}
	gp.Get(consultURL(id)).Expect(http.StatusOK).
		Contains("Does this exercise ECG need an urgent referral?", "<strong>two</strong>", "QTc 480 ms", "Withdraw the consult", "badge-status-open").
		Lacks("Claim and answer")

	// The specialty's member sees it in the queue, waiting, counted in the
	// navigation on every page, and claims it.
	cardio.Get("/consults").Expect(http.StatusOK).Contains("Waiting for your specialty", consultURL(id), "waiting")
	cardio.Get("/cases").Expect(http.StatusOK).Contains(`<span class="nav-count">1</span>`)
	gp.Get("/cases").Expect(http.StatusOK).Lacks(`class="nav-count"`)
	cardio.Get(consultURL(id)).Expect(http.StatusOK).Contains("Claim and answer")
	post(cardio, consultURL(id, "claim")).Expect(http.StatusSeeOther).RedirectsTo(consultURL(id))
	if got := status(t, app, id); got != "claimed" {
		t.Fatalf("after the claim the consult is %q", got)
	}
	cardio.Get("/cases").Expect(http.StatusOK).Lacks(`class="nav-count"`)
	if n := scalar[int](t, app, "SELECT count(*) FROM notifications WHERE user_id = ? AND title = 'Your consult was claimed'", asker.ID); n != 1 {
		t.Fatalf("the requester got %d claim notices, want 1", n)
	}

	// A question back, then the answer.
	cardio.PostForm(consultURL(id, "messages"), url.Values{"body": {"Any palpitations before the episodes?"}}).Expect(http.StatusSeeOther)
	if got := status(t, app, id); got != "claimed" {
		t.Fatalf("a message that is not the answer moved the consult to %q", got)
	}
	gp.PostForm(consultURL(id, "messages"), url.Values{"body": {"None reported."}}).Expect(http.StatusSeeOther)
	cardio.PostForm(consultURL(id, "messages"), url.Values{"body": {"Refer for an exercise test; no **sport** until then."}, "answer": {"on"}}).
		Expect(http.StatusSeeOther)
	if got := status(t, app, id); got != "answered" {
		t.Fatalf("after the answer the consult is %q", got)
	}
	gp.Get(consultURL(id)).Expect(http.StatusOK).Contains("Any palpitations", "None reported.", "the answer", "<strong>sport</strong>", "Close the consult")

	// The requester closes it with the survey.
	gp.PostForm(consultURL(id, "close"), url.Values{"rating": {"5"}, "referral": {"avoided"}, "comment": {"Clear and quick."}}).
		Expect(http.StatusSeeOther)
	var st, referral, comment string
	var rating int
	testdb.Row(t, app.DB.DB, "SELECT status, rating, referral, survey_comment FROM consults WHERE id = ?", id)(&st, &rating, &referral, &comment)
	if st != "closed" || rating != 5 || referral != "avoided" || comment != "Clear and quick." {
		t.Fatalf("closed consult: status %q, rating %d, referral %q, comment %q", st, rating, referral, comment)
	}
	cardio.Get(consultURL(id)).Expect(http.StatusOK).Contains("5 of 5", "Clear and quick.").Lacks("Close the consult", "Release")

	moves := testdb.Rows[string](t, app.DB.DB, "SELECT action || ':' || COALESCE(from_status, '') || '>' || to_status FROM consult_events WHERE consult_id = ? ORDER BY id", id)
	if got := strings.Join(moves, " "); got != "requested:>open claimed:open>claimed answered:claimed>answered closed:answered>closed" {
		t.Fatalf("timeline %q", got)
	}
	if n := scalar[int](t, app, "SELECT count(*) FROM consult_events WHERE consult_id = ? AND actor_id = ? AND action = 'claimed'", id, specialist.ID); n != 1 {
		t.Fatal("the claim is not recorded as the specialist's")
	}
	gp.Get(consultURL(id)).Expect(http.StatusOK).Contains("Timeline", "claimed by", "First claimed after")
}

// Every move the contract does not list is a 409 that names the status.
func TestMovesOutOfTurnAreConflicts(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	gp, _ := app.Verified("family-medicine")
	cardio, _ := app.Verified("cardiology")
	id := ask(t, gp, url.Values{})

	// Open: nothing to release, answer or close yet.
	post(gp, consultURL(id, "close")).Expect(http.StatusConflict).Contains("Its status is now “open”")
	cardio.PostForm(consultURL(id, "messages"), url.Values{"body": {"Hello"}}).Expect(http.StatusForbidden)
	gp.PostForm(consultURL(id, "messages"), url.Values{"body": {"More details"}}).Expect(http.StatusConflict).Contains("no specialist has claimed it yet")

	post(cardio, consultURL(id, "claim")).Expect(http.StatusSeeOther)
	// Claimed: no withdrawing, no second claim, no closing before the answer.
	post(gp, consultURL(id, "withdraw")).Expect(http.StatusConflict).Contains("Its status is now “claimed”")
	post(cardio, consultURL(id, "claim")).Expect(http.StatusConflict)
	post(gp, consultURL(id, "close")).Expect(http.StatusConflict)
	// Roles: the requester cannot release or claim, nor mark an answer.
	post(gp, consultURL(id, "release")).Expect(http.StatusForbidden)
	post(gp, consultURL(id, "claim")).Expect(http.StatusForbidden).Contains("your own consult")
	gp.PostForm(consultURL(id, "messages"), url.Values{"body": {"My own answer"}, "answer": {"on"}}).Expect(http.StatusForbidden)

	cardio.PostForm(consultURL(id, "messages"), url.Values{"body": {"The answer."}, "answer": {"on"}}).Expect(http.StatusSeeOther)
	post(cardio, consultURL(id, "release")).Expect(http.StatusConflict).Contains("Its status is now “answered”")
	post(gp, consultURL(id, "close")).Expect(http.StatusSeeOther)
	// Closed: nothing moves any more.
	for _, move := range []string{"claim", "release", "withdraw", "close"} {
		c := gp
		if move == "claim" || move == "release" {
			c = cardio
		}
		post(c, consultURL(id, move)).Expect(http.StatusConflict).Contains("Its status is now “closed”")
	}
	cardio.PostForm(consultURL(id, "messages"), url.Values{"body": {"One more thing"}}).Expect(http.StatusConflict)
	if got := status(t, app, id); got != "closed" {
		t.Fatalf("refused moves changed the status to %q", got)
	}
}

// Of specialists claiming at once, one wins and the others learn it was
// claimed; the loser no longer sees the consult.
func TestConcurrentClaimsHaveOneWinner(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	gp, _ := app.Verified("family-medicine")
	id := ask(t, gp, url.Values{})
	const n = 6
	clients := make([]*webtest.Client, n)
	ids := make([]int64, n)
	for i := range clients {
		var acct webtest.Account
		clients[i], acct = app.Verified("cardiology")
		ids[i] = acct.ID
		clients[i].CSRF() // the token is fetched before the race
	}
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Go(func() { codes[i] = post(c, consultURL(id, "claim")).Status })
	}
	wg.Wait()
	winner := -1
	for i, code := range codes {
		switch code {
		case http.StatusSeeOther:
			if winner >= 0 {
				t.Fatalf("two claims won: %v", codes)
			}
			winner = i
		case http.StatusConflict:
		default:
			t.Fatalf("a claim answered %d: %v", code, codes)
		}
	}
	if winner < 0 {
		t.Fatalf("no claim won: %v", codes)
	}
	if got := scalar[int64](t, app, "SELECT consultant_id FROM consults WHERE id = ?", id); got != ids[winner] {
		t.Fatalf("consultant %d, want the winner %d", got, ids[winner])
	}
	if n := scalar[int](t, app, "SELECT count(*) FROM consult_events WHERE consult_id = ? AND action = 'claimed'", id); n != 1 {
		t.Fatalf("%d claims recorded", n)
	}
	clients[(winner+1)%n].Get(consultURL(id)).Expect(http.StatusNotFound)
	clients[winner].Get(consultURL(id)).Expect(http.StatusOK).Contains("Release it to the queue")
}

// A released consult goes back to the queue and keeps its first claim's
// time; a withdrawn one leaves the queue.
func TestReleaseAndWithdraw(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	gp, asker := app.Verified("family-medicine")
	first, _ := app.Verified("cardiology")
	second, secondAcct := app.Verified("cardiology")
	id := ask(t, gp, url.Values{})
	post(first, consultURL(id, "claim")).Expect(http.StatusSeeOther)
	claimedAt := scalar[string](t, app, "SELECT first_claimed_at::text FROM consults WHERE id = ?", id)
	post(second, consultURL(id, "release")).Expect(http.StatusNotFound) // not theirs, and no longer theirs to see
	post(first, consultURL(id, "release")).Expect(http.StatusSeeOther)
	if got := status(t, app, id); got != "open" {
		t.Fatalf("a released consult is %q", got)
	}
	if n := scalar[int](t, app, "SELECT count(*) FROM notifications WHERE user_id = ? AND title LIKE 'Consult waiting%'", secondAcct.ID); n != 1 {
		t.Fatalf("the specialty was told %d times that the consult waits again", n)
	}
	if n := scalar[int](t, app, "SELECT count(*) FROM notifications WHERE user_id = ? AND title LIKE 'Consult waiting%'", asker.ID); n != 0 {
		t.Fatal("the requester was told their own consult waits")
	}
	post(second, consultURL(id, "claim")).Expect(http.StatusSeeOther)
	if got := scalar[string](t, app, "SELECT first_claimed_at::text FROM consults WHERE id = ?", id); got != claimedAt {
		t.Fatalf("first claim time moved from %s to %s", claimedAt, got)
	}

	other := ask(t, gp, url.Values{"question": {"Second question: statin for this patient?"}})
	post(gp, consultURL(other, "withdraw")).Expect(http.StatusSeeOther)
	if got := status(t, app, other); got != "withdrawn" {
		t.Fatalf("a withdrawn consult is %q", got)
	}
	first.Get("/consults").Expect(http.StatusOK).Lacks("Second question")
	first.Get(consultURL(other)).Expect(http.StatusNotFound)
	post(first, consultURL(other, "claim")).Expect(http.StatusNotFound) // it left the queue: none of their business now
	gp.Get("/consults").Expect(http.StatusOK).Contains("Second question", "badge-status-withdrawn")
}

// A consult addressed to a colleague waits for them first: others cannot
// claim it until they decline it to the specialty.
func TestAddressedColleagueClaimsFirstOrDeclines(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	gp, _ := app.Verified("family-medicine")
	named, namedAcct := app.Verified("cardiology")
	other, otherAcct := app.Verified("cardiology")
	id := ask(t, gp, url.Values{"colleague": {"@" + namedAcct.Handle}})

	if n := scalar[int](t, app, "SELECT count(*) FROM notifications WHERE user_id = ? AND title LIKE 'A consult for you%'", namedAcct.ID); n != 1 {
		t.Fatal("the named colleague was not told")
	}
	if n := scalar[int](t, app, "SELECT count(*) FROM notifications WHERE user_id = ?", otherAcct.ID); n != 0 {
		t.Fatal("the rest of the specialty was told before the named colleague declined")
	}
	named.Get("/consults").Expect(http.StatusOK).Contains("Addressed to you", consultURL(id))
	other.Get("/consults").Expect(http.StatusOK).Lacks(consultURL(id) + `"`)
	post(other, consultURL(id, "claim")).Expect(http.StatusConflict).Contains("named colleague")
	post(other, consultURL(id, "decline")).Expect(http.StatusForbidden)
	named.Get(consultURL(id)).Expect(http.StatusOK).Contains("Decline: pass it to the specialty")

	post(named, consultURL(id, "decline")).Expect(http.StatusSeeOther)
	if n := scalar[int](t, app, "SELECT count(*) FROM consults WHERE id = ? AND addressed_to IS NULL AND status = 'open'", id); n != 1 {
		t.Fatal("a declined consult is not back in the open queue")
	}
	if n := scalar[int](t, app, "SELECT count(*) FROM notifications WHERE user_id = ? AND title LIKE 'Consult waiting%'", otherAcct.ID); n != 1 {
		t.Fatal("the specialty was not told after the decline")
	}
	post(named, consultURL(id, "decline")).Expect(http.StatusForbidden)
	post(other, consultURL(id, "claim")).Expect(http.StatusSeeOther)
	if n := scalar[int](t, app, "SELECT count(*) FROM consult_events WHERE consult_id = ? AND action = 'declined'", id); n != 1 {
		t.Fatal("the decline is not on the timeline")
	}
}

// The colleague named must be a verified member of the specialty asked.
func TestAddressedColleagueMustBeOfTheSpecialty(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	gp, self := app.Verified("family-medicine")
	_, derm := app.Verified("dermatology")
	pending := app.Member(identity.StatusPending, identity.RoleMember, "cardiology")
	for _, handle := range []string{derm.Handle, pending.Handle, "nobody-here", self.Handle} {
		gp.PostForm("/consults", url.Values{"specialty": {"cardiology"}, "question": {"Which beta blocker?"}, "colleague": {handle}}).
			Expect(http.StatusUnprocessableEntity).Contains(`id="colleague-error"`, "Which beta blocker?")
	}
	if n := scalar[int](t, app, "SELECT count(*) FROM consults"); n != 0 {
		t.Fatalf("%d consults stored from refused forms", n)
	}
}

// A moderator of the specialty who loses a claim race hears that it was
// claimed, like any specialist; a requester may close without a rating, and
// the privacy guard reads the survey's comment too.
func TestClaimRaceModeratorAndCloseOut(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	gp, asker := app.Verified("family-medicine")
	cardio, _ := app.Verified("cardiology")
	mod, _ := app.As(identity.StatusVerified, identity.RoleModerator, "cardiology")
	id := ask(t, gp, url.Values{})
	post(cardio, consultURL(id, "claim")).Expect(http.StatusSeeOther)
	post(mod, consultURL(id, "claim")).Expect(http.StatusConflict).Contains("Its status is now “claimed”")
	post(cardio, consultURL(id, "decline")).Expect(http.StatusConflict)
	cardio.PostForm(consultURL(id, "messages"), url.Values{"body": {"The answer."}, "answer": {"on"}}).Expect(http.StatusSeeOther)

	gp.PostForm(consultURL(id, "close"), url.Values{"rating": {"6"}}).Expect(http.StatusUnprocessableEntity).Contains(`id="rating-error"`)
	gp.PostForm(consultURL(id, "close"), url.Values{"comment": {"Patient MRN 44812093 is doing well."}}).
		Expect(http.StatusUnprocessableEntity).Contains("44812093", `id="survey-phi_ack"`)
	if got := status(t, app, id); got != "answered" {
		t.Fatalf("a refused close moved the consult to %q", got)
	}
	gp.PostForm(consultURL(id, "close"), url.Values{"comment": {"Patient MRN 44812093 is doing well."}, "phi_ack": {"on"}}).
		Expect(http.StatusSeeOther)
	if n := scalar[int](t, app, "SELECT count(*) FROM consults WHERE id = ? AND status = 'closed' AND rating IS NULL AND referral IS NULL", id); n != 1 {
		t.Fatal("a close without rating or referral was not stored as such")
	}
	if n := scalar[int](t, app, "SELECT count(*) FROM audit_log WHERE actor_id = ? AND action = 'consult.survey_phi_acknowledged'", asker.ID); n != 1 {
		t.Fatal("the confirmed comment is not audited")
	}
	gp.Get(consultURL(id)).Expect(http.StatusOK).Contains("not given", "not said")
}

package consults_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"curbside/app/db/testdb"
	"curbside/app/web/webtest"
)

// Each instance keeps a consult's page while its version stands: every
// move, message, hiding and rename made on one instance shows on the next
// view on the other, and who may see the page is decided afresh for each
// viewer from the kept consult.
func TestKeptConsultPagesFollowEveryInstance(t *testing.T) {
	t.Parallel()
	one := webtest.New(t)
	two := one.Twin()
	gp, gpAcct := one.Verified("family-medicine")
	cardio, cardioAcct := one.Verified("cardiology")
	outsider, _ := one.Verified("dermatology")
	mod, _ := one.As("verified", "moderator", "cardiology")
	gpTwo, cardioTwo, modTwo := gp.On(two), cardio.On(two), mod.On(two)

	id := ask(t, gp, url.Values{"question": {"Wide-complex tachycardia at rest: refer today?"}})
	gpTwo.Get(consultURL(id)).Expect(http.StatusOK).Contains("Wide-complex tachycardia", "badge-status-open")
	if n := two.Queries(gpTwo, consultURL(id)); n != 2 {
		t.Fatalf("a kept consult page ran %d statements, want 2 (the session and its rider)", n)
	}
	outsider.On(two).Get(consultURL(id)).Expect(http.StatusNotFound).Lacks("Wide-complex")
	// Marked overdue, as the reminder runner does, with no event of its own.
	testdb.Exec(t, one.DB.DB, "UPDATE consults SET overdue_at = now() WHERE id = ?", id)
	gpTwo.Get(consultURL(id)).Expect(http.StatusOK).Contains(`badge-rejected">overdue`)

	post(cardio, consultURL(id, "claim")).Expect(http.StatusSeeOther)
	gpTwo.Get(consultURL(id)).Expect(http.StatusOK).Contains("badge-status-claimed", cardioAcct.DisplayName)
	cardio.PostForm(consultURL(id, "messages"), url.Values{"body": {"Any syncope with the episodes?"}}).Expect(http.StatusSeeOther)
	gpTwo.Get(consultURL(id)).Expect(http.StatusOK).Contains("Any syncope with the episodes?")

	gp.PostForm("/settings/profile", url.Values{"display_name": {"Dr. Renamed Asker"}, "handle": {gpAcct.Handle}}).
		Expect(http.StatusSeeOther)
	cardioTwo.Get(consultURL(id)).Expect(http.StatusOK).Contains("Dr. Renamed Asker").Lacks(gpAcct.DisplayName)

	msg := testdb.Scalar[int64](t, one.DB.DB, "SELECT max(id) FROM consult_messages WHERE consult_id = ?", id)
	mod.PostForm("/mod/hidden", url.Values{"target_type": {"consult_message"}, "target_id": {strconv.FormatInt(msg, 10)},
		"action": {"hide"}}).Expect(http.StatusSeeOther)
	gpTwo.Get(consultURL(id)).Expect(http.StatusOK).Contains("Removed by a moderator.").Lacks("Any syncope")
	modTwo.Get(consultURL(id)).Expect(http.StatusOK).Contains("Any syncope")
	gpTwo.Get(consultURL(id)).Expect(http.StatusOK).Lacks("Any syncope") // the moderator's view changed nothing kept

	cardio.PostForm(consultURL(id, "messages"), url.Values{"body": {"Send to the emergency department now."}, "answer": {"on"}}).
		Expect(http.StatusSeeOther)
	gpTwo.Get(consultURL(id)).Expect(http.StatusOK).Contains("Send to the emergency department now.", "Close the consult")
	gp.PostForm(consultURL(id, "close"), url.Values{"rating": {"5"}, "referral": {"avoided"}, "comment": {"Fast."}}).
		Expect(http.StatusSeeOther)
	cardioTwo.Get(consultURL(id)).Expect(http.StatusOK).Contains("5 of 5", "Fast.").Lacks("Close the consult")
	outsider.On(two).Get(consultURL(id)).Expect(http.StatusNotFound).Lacks("emergency department")
}

// Each instance keeps a member's lists of consults while the rows they
// would show stand: a new consult, a claim, a rename or a reminder made on
// one instance shows on the next view on the other.
func TestKeptConsultListsFollowEveryInstance(t *testing.T) {
	t.Parallel()
	one := webtest.New(t)
	two := one.Twin()
	gp, gpAcct := one.Verified("family-medicine")
	cardio, _ := one.Verified("cardiology")
	cardioTwo := cardio.On(two)

	first := ask(t, gp, url.Values{"question": {"New murmur in a pregnant patient: echo now?"}})
	cardioTwo.Get("/consults").Expect(http.StatusOK).Contains("New murmur in a pregnant patient")
	if n := two.Queries(cardioTwo, "/consults"); n != 4 {
		t.Fatalf("kept lists ran %d statements, want 4 (the session and its rider's three)", n)
	}

	ask(t, gp, url.Values{"question": {"Statin for a frail 85-year-old?"}})
	cardioTwo.Get("/consults").Expect(http.StatusOK).Contains("Statin for a frail 85-year-old?", "New murmur")
	testdb.Exec(t, one.DB.DB, "UPDATE consults SET overdue_at = now() WHERE id = ?", first)
	cardioTwo.Get("/consults").Expect(http.StatusOK).Contains(`badge-rejected">overdue`)
	gp.PostForm("/settings/profile", url.Values{"display_name": {"Dr. Renamed Asker"}, "handle": {gpAcct.Handle}}).
		Expect(http.StatusSeeOther)
	cardioTwo.Get("/consults").Expect(http.StatusOK).Contains("asked by Dr. Renamed Asker").Lacks(gpAcct.DisplayName)

	post(cardio, consultURL(first, "claim")).Expect(http.StatusSeeOther)
	cardioTwo.Get("/consults").Expect(http.StatusOK).Contains("badge-status-claimed")
	gp.On(two).Get("/consults").Expect(http.StatusOK).Contains("badge-status-claimed", "answering:")
}

// What /consults' rider read for one session is never taken as another
// member's: the other's lists are checked against their own rows.
func TestListRiderAnswersForItsSessionOnly(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	ctx := context.Background()
	cardio, _ := app.Verified("cardiology")
	gp, _ := app.Verified("family-medicine")
	gp.Get("/consults").Expect(http.StatusOK) // kept: nothing asked yet
	ask(t, gp, url.Values{"specialty": {"dermatology"}, "question": {"Target lesions on the palms after a cold sore?"}})

	// The cardiologist's rider finds nothing, as the gp's kept lists hold.
	r := app.Core.Consults.ListRider()
	if _, _, err := app.Core.Accounts.Authenticate(ctx, cardio.Cookie("curbside_session"), r); err != nil {
		t.Fatal(err)
	}
	v, _, err := app.Core.Accounts.Authenticate(ctx, gp.Cookie("curbside_session"))
	if err != nil {
		t.Fatal(err)
	}
	lists, err := app.Core.Consults.List(ctx, v, r)
	if err != nil || len(lists.Asked) != 1 {
		t.Fatalf("the gp's lists with the cardiologist's rider: %d asked (%v), want their new consult", len(lists.Asked), err)
	}
}

// Hiding a message moves its consult's version; it takes the consult's
// lock first, as posting an answer does, so the two never wait on each
// other: each answer below replaces the one being hidden at that moment.
func TestHidingAnAnswerWhileAnotherIsPostedNeverDeadlocks(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	gp, _ := app.Verified("family-medicine")
	cardio, _ := app.Verified("cardiology")
	mod, _ := app.As("verified", "moderator", "cardiology")
	id := ask(t, gp, url.Values{})
	post(cardio, consultURL(id, "claim")).Expect(http.StatusSeeOther)
	for i := range 20 {
		cardio.PostForm(consultURL(id, "messages"), url.Values{"body": {"Answer " + strconv.Itoa(i)}, "answer": {"on"}}).
			Expect(http.StatusSeeOther)
		answer := testdb.Scalar[int64](t, app.DB.DB, "SELECT id FROM consult_messages WHERE consult_id = ? AND is_answer", id)
		done := make(chan *webtest.Response)
		go func() {
			done <- mod.PostForm("/mod/hidden", url.Values{"target_type": {"consult_message"},
				"target_id": {strconv.FormatInt(answer, 10)}, "action": {"hide"}})
		}()
		res := cardio.PostForm(consultURL(id, "messages"), url.Values{"body": {"Better answer " + strconv.Itoa(i)}, "answer": {"on"}})
		if hidden := <-done; hidden.Status != http.StatusSeeOther || res.Status != http.StatusSeeOther {
			t.Fatalf("round %d: hide %d, answer %d; want 303 and 303", i, hidden.Status, res.Status)
		}
	}
}

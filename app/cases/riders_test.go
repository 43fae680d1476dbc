package cases_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"curbside/app/accounts"
	"curbside/app/cases"
	"curbside/app/db/testdb"
	"curbside/app/web/webtest"
)

// A case's page is kept whole on each instance while its version stands:
// whatever changes the case itself, or what one member did with it, on
// whichever instance, shows on the next view everywhere.
func TestKeptCasePagesFollowEveryInstance(t *testing.T) {
	t.Parallel()
	one := webtest.New(t)
	two := one.Twin()
	author, authorAcct := one.Verified("neurology")
	writer, _ := one.Verified("neurology")
	readerOne, _ := one.Verified("neurology")
	reader := readerOne.On(two)
	mod, _ := one.As("verified", "moderator", "neurology")

	id := postCase(t, author, url.Values{"title": {"Episodic vertigo"}, "body": {"Minutes long, with tinnitus."},
		"specialty": {"neurology"}, "tags": {"vertigo"}})
	r := reply(t, writer, id, "Audiometry first.")
	rs := strconv.FormatInt(r, 10)
	// Kept on the second instance after one view; a second view reads only the version.
	reader.Get(caseURL(id)).Expect(http.StatusOK).Contains("Episodic vertigo", "Audiometry first", ">Follow</button>")
	if n := two.Queries(reader, caseURL(id)); n != 2 {
		t.Fatalf("a kept case page ran %d statements, want 2 (the session and its rider)", n)
	}

	// The case itself, changed on the first instance.
	author.PostForm(caseURL(id)+"/edit", url.Values{"title": {"Episodic vertigo with hearing loss"},
		"body": {"Minutes long, with tinnitus and low-tone loss."}, "tags": {"vertigo, meniere"}}).Expect(http.StatusSeeOther)
	reader.Get(caseURL(id)).Expect(http.StatusOK).Contains("Episodic vertigo with hearing loss", "low-tone loss", "#meniere")
	author.PostForm(caseURL(id)+"/outcome", url.Values{"outcome": {"Meniere disease; betahistine helped."}}).
		Expect(http.StatusSeeOther)
	reader.Get(caseURL(id)).Expect(http.StatusOK).Contains("betahistine helped")
	author.PostForm(caseURL(id)+"/accept", url.Values{"reply_id": {rs}}).Expect(http.StatusSeeOther)
	reader.Get(caseURL(id)).Expect(http.StatusOK).Contains("accepted answer")
	author.PostForm("/settings/profile", url.Values{"display_name": {"Dr. Renamed Author"}, "handle": {authorAcct.Handle}}).
		Expect(http.StatusSeeOther)
	reader.Get(caseURL(id)).Expect(http.StatusOK).Contains("Dr. Renamed Author").Lacks(authorAcct.DisplayName)

	// What the reader does on the first instance shows on the second.
	readerOne.PostForm(caseURL(id)+"/follow", url.Values{"follow": {"on"}}).Expect(http.StatusSeeOther)
	reader.Get(caseURL(id)).Expect(http.StatusOK).Contains(">Unfollow</button>")
	readerOne.PostForm("/replies/"+rs+"/helpful", url.Values{}).Expect(http.StatusSeeOther)
	reader.Get(caseURL(id)).Expect(http.StatusOK).Contains(`aria-pressed="true">Helpful · 1</button>`)
	readerOne.PostForm("/drafts", url.Values{"case_id": {strconv.FormatInt(id, 10)}, "body": {"Half-written thoughts"}}).
		Expect(http.StatusOK)
	reader.Get(caseURL(id)).Expect(http.StatusOK).Contains("Half-written thoughts")

	// Hidden, restored and deleted on the first instance.
	mod.PostForm("/mod/hidden", url.Values{"target_type": {"case"}, "target_id": {strconv.FormatInt(id, 10)}, "action": {"hide"}}).
		Expect(http.StatusSeeOther)
	reader.Get(caseURL(id)).Expect(http.StatusForbidden).Contains("Removed by a moderator").Lacks("betahistine")
	mod.PostForm("/mod/hidden", url.Values{"target_type": {"case"}, "target_id": {strconv.FormatInt(id, 10)}, "action": {"restore"}}).
		Expect(http.StatusSeeOther)
	reader.Get(caseURL(id)).Expect(http.StatusOK).Contains("betahistine")
	author.PostForm(caseURL(id)+"/delete", url.Values{}).Expect(http.StatusSeeOther)
	reader.Get(caseURL(id)).Expect(http.StatusNotFound).Lacks("betahistine")
}

// Each instance keeps the lists of cases while the listed cases and their
// versions stand: a new case, a reply, a read, a rename or a hiding on one
// instance shows on the next view of a list on the other, with each
// reader's own marks.
func TestKeptListsFollowEveryInstance(t *testing.T) {
	t.Parallel()
	one := webtest.New(t)
	two := one.Twin()
	author, authorAcct := one.Verified("cardiology")
	readerOne, _ := one.Verified("cardiology")
	reader := readerOne.On(two)
	mod, _ := one.As("verified", "moderator", "cardiology")

	first := postCase(t, author, url.Values{"title": {"Bradycardia on beta blocker"}, "body": {"HR 38."}})
	reader.Get("/cases").Expect(http.StatusOK).Contains("Bradycardia on beta blocker")
	// Kept: a second view reads only the cases' ids and versions and the reader's marks.
	if n := two.Queries(reader, "/cases"); n != 2 {
		t.Fatalf("a kept list ran %d statements, want 2 (the session and its rider)", n)
	}

	second := postCase(t, author, url.Values{"title": {"Syncope after exercise"}, "body": {"Young runner."}})
	reader.Get("/cases").Expect(http.StatusOK).Contains("Syncope after exercise", "Bradycardia on beta blocker")

	// A reply counts on the other instance; the reader's "new" mark goes
	// once they read the case on the first one.
	readerOne.Get(caseURL(first)).Expect(http.StatusOK)
	reply(t, author, first, "Holter shows long pauses.")
	reader.Get("/cases").Expect(http.StatusOK).Contains("1 new reply")
	readerOne.Get(caseURL(first)).Expect(http.StatusOK)
	reader.Get("/cases").Expect(http.StatusOK).Lacks("1 new reply")

	author.PostForm("/settings/profile", url.Values{"display_name": {"Dr. Listed Renamed"}, "handle": {authorAcct.Handle}}).
		Expect(http.StatusSeeOther)
	reader.Get("/cases").Expect(http.StatusOK).Contains("Dr. Listed Renamed")
	mod.PostForm("/mod/hidden", url.Values{"target_type": {"case"}, "target_id": {strconv.FormatInt(second, 10)}, "action": {"hide"}}).
		Expect(http.StatusSeeOther)
	reader.Get("/cases").Expect(http.StatusOK).Contains("Bradycardia on beta blocker").Lacks("Syncope after exercise")
}

// A rider reads no case for a session whose member may not read cases,
// and what it read for one session is never shown to another.
func TestRidersReadOnlyForTheirSession(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	ctx := context.Background()
	member, _ := app.Verified("cardiology")
	other, _ := app.Verified("cardiology")
	id := postCase(t, member, url.Values{"title": {"Chest pain at rest"}, "body": {"Troponin flat."}})
	member.PostForm(caseURL(id)+"/follow", url.Values{"follow": {"on"}}).Expect(http.StatusSeeOther)
	member.Get(caseURL(id)).Expect(http.StatusOK) // kept

	listFor := func(c *webtest.Client) (int, error) {
		r := app.Core.Cases.ListRider(ctx, cases.ListQuery{})
		_, _, err := app.Core.Accounts.Authenticate(ctx, c.Cookie("curbside_session"), r)
		return cases.RiderCases(r), err
	}
	if n, err := listFor(member); err != nil || n == 0 {
		t.Fatalf("a verified member's list rider read %d cases (%v), want the list", n, err)
	}
	pending, _ := app.As("pending", "member", "cardiology")
	if n, err := listFor(pending); err != nil || n != 0 {
		t.Fatalf("a pending member's list rider read %d cases (%v), want none", n, err)
	}
	suspended, suspendedAcct := app.Verified("cardiology")
	testdb.Exec(t, app.DB.DB, `UPDATE users SET status = 'suspended' WHERE id = ?`, suspendedAcct.ID)
	if n, err := listFor(suspended); !errors.Is(err, accounts.ErrNoSession) || n != 0 {
		t.Fatalf("a suspended member's list rider read %d cases (session: %v), want none and no session", n, err)
	}

	// The member's rider, offered for another member's view, is not used:
	// the other sees their own marks.
	r := app.Core.Cases.PageRider(id)
	mine, _, err := app.Core.Accounts.Authenticate(ctx, member.Cookie("curbside_session"), r)
	if err != nil {
		t.Fatal(err)
	}
	theirs, _, err := app.Core.Accounts.Authenticate(ctx, other.Cookie("curbside_session"))
	if err != nil {
		t.Fatal(err)
	}
	if page, err := app.Core.Cases.Open(ctx, theirs, id, r); err != nil || page.Case.Following {
		t.Fatalf("another member's view with the member's rider: following %v (%v), want their own (not following)",
			page != nil && page.Case.Following, err)
	}
	if page, err := app.Core.Cases.Open(ctx, mine, id, r); err != nil || !page.Case.Following {
		t.Fatalf("the member's own view: following %v (%v), want following", page != nil && page.Case.Following, err)
	}
}

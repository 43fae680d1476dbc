package cases_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"curbside/app/identity"
	"curbside/app/web/webtest"
)

const chestPain = `A man in his 50s with **exertional chest pain** for three weeks.

- ECG: ST depression in V4–V6
- Troponin 0.04 ng/mL, BP 150/90, HR 88

@%s would you cath him or do a stress test first?`

// A verified member posts a case; colleagues read it, reply, mark a reply
// helpful; the author accepts an answer and tells the outcome.
func TestCaseDiscussion(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	author, authorAcct := app.Verified("family-medicine")
	cardio, cardioAcct := app.Verified("cardiology")
	other, _ := app.Verified("cardiology")

	id := postCase(t, author, url.Values{"title": {"Exertional chest pain, equivocal ECG"},
		"body": {strings.ReplaceAll(chestPain, "%s", cardioAcct.Handle)}, "tags": {"Chest pain, ECG"},
		"age_band": {"50-59"}, "sex": {"male"}, "care_setting": {"rural"}})
	page := cardio.Get(caseURL(id)).Expect(http.StatusOK)
	page.Contains("Exertional chest pain, equivocal ECG", "<strong>exertional chest pain</strong>", `href="/cases?tag=chest-pain"`,
		`href="/cases?tag=ecg"`, authorAcct.DisplayName, "50-59", `href="/u/`+strings.ToLower(cardioAcct.Handle)+`"`)

	// The mention reaches the cardiologist, naming the case but not its text.
	notes := cardio.Get("/notifications").Expect(http.StatusOK)
	notes.Contains("mentioned you in a case discussion").Lacks("ST depression", "chest pain")
	mention := scalar[int64](t, app, "SELECT id FROM notifications WHERE user_id = ? AND kind = 'mention'", cardioAcct.ID)
	cardio.Get("/notifications/" + strconv.FormatInt(mention, 10)).RedirectsTo(caseURL(id))

	r1 := reply(t, cardio, id, "Stress test first; if it is positive, cath.")
	r2 := reply(t, other, id, "Given the ST changes I would go straight to angiography.")
	author.Get("/notifications").Expect(http.StatusOK).Contains("replied to your case")

	// Helpful: one mark per member, toggled; not on one's own reply.
	other.PostForm("/replies/"+strconv.FormatInt(r1, 10)+"/helpful", url.Values{}).Expect(http.StatusSeeOther)
	author.PostForm("/replies/"+strconv.FormatInt(r1, 10)+"/helpful", url.Values{}).Expect(http.StatusSeeOther)
	if n := scalar[int](t, app, "SELECT helpful_count FROM replies WHERE id = ?", r1); n != 2 {
		t.Fatalf("helpful count %d, want 2", n)
	}
	other.PostForm("/replies/"+strconv.FormatInt(r1, 10)+"/helpful", url.Values{}).Expect(http.StatusSeeOther)
	if n := scalar[int](t, app, "SELECT helpful_count FROM replies WHERE id = ?", r1); n != 1 {
		t.Fatalf("after taking a mark back the count is %d, want 1", n)
	}
	cardio.PostForm("/replies/"+strconv.FormatInt(r1, 10)+"/helpful", url.Values{}).Expect(http.StatusConflict)

	// Only the author accepts an answer and tells the outcome.
	cardio.PostForm(caseURL(id)+"/accept", url.Values{"reply_id": {strconv.FormatInt(r2, 10)}}).Expect(http.StatusForbidden)
	author.PostForm(caseURL(id)+"/accept", url.Values{"reply_id": {strconv.FormatInt(r2, 10)}}).Expect(http.StatusSeeOther)
	author.PostForm(caseURL(id)+"/outcome", url.Values{"outcome": {"Angiography: 90% LAD stenosis, stented. Doing well."}}).
		Expect(http.StatusSeeOther)
	page = other.Get(caseURL(id)).Expect(http.StatusOK).Contains("accepted answer", "Outcome", "90% LAD stenosis")
	if strings.Index(page.Body, "90% LAD stenosis") > strings.Index(page.Body, "exertional chest pain") {
		t.Fatal("the outcome is not shown above the case")
	}
	other.PostForm(caseURL(id)+"/outcome", url.Values{"outcome": {"Not mine"}}).Expect(http.StatusForbidden)

	// Lists: newest activity first, by specialty and by tag.
	list := cardio.Get("/cases?specialty=cardiology").Expect(http.StatusOK).Contains("Exertional chest pain")
	list.Contains(">2</strong>")
	cardio.Get("/cases?specialty=dermatology").Expect(http.StatusOK).Lacks("Exertional chest pain")
	cardio.Get("/cases?tag=ecg").Expect(http.StatusOK).Contains("Exertional chest pain")
	cardio.Get("/cases?specialty=no-such").Expect(http.StatusNotFound)
}

// Members who are not verified see none of it; visitors are sent to log in.
func TestCasesAreForVerifiedMembersOnly(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	author, _ := app.Verified("cardiology")
	id := postCase(t, author, url.Values{"title": {"Wide-complex tachycardia in a teenager"}, "body": {"Stable, BP 110/70."}})
	for _, status := range []string{identity.StatusUnverified, identity.StatusPending, identity.StatusRejected} {
		c, _ := app.As(status, identity.RoleMember, "")
		for _, path := range []string{caseURL(id), "/cases", "/search?q=tachycardia", "/cases/" + strconv.FormatInt(id, 10) + "/images/0"} {
			c.Get(path).Expect(http.StatusForbidden).Lacks("Wide-complex", "teenager")
		}
		c.PostForm(caseURL(id)+"/replies", url.Values{"body": {"hello"}}).Expect(http.StatusForbidden)
		c.Get("/").Expect(http.StatusOK).Lacks("Wide-complex")
	}
	app.Client().Get(caseURL(id)).RedirectsTo("/login?next=" + url.QueryEscape(caseURL(id)))
	app.Client().Get("/").Expect(http.StatusOK).Lacks("Wide-complex").Contains("Create an account")
}

// Unread markers: a case never opened is new; after reading, only replies
// posted since count as new.
func TestUnreadMarkers(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	author, _ := app.Verified("neurology")
	reader, _ := app.Verified("neurology")
	id := postCase(t, author, url.Values{"title": {"Ptosis worse in the evening"}, "body": {"Fatigable ptosis."}, "specialty": {"neurology"}})
	item := func() string {
		body := reader.Get("/cases?specialty=neurology").Expect(http.StatusOK).Body
		i := strings.Index(body, "Ptosis worse")
		j := strings.Index(body[i:], "</li>")
		return body[i : i+j]
	}
	if !strings.Contains(item(), ">new<") {
		t.Fatalf("a case never opened is not marked new: %s", item())
	}
	if own := author.Get("/cases?specialty=neurology").Body; strings.Contains(own, ">new<") {
		t.Fatal("the author's own case is marked new to them")
	}
	reader.Get(caseURL(id)).Expect(http.StatusOK)
	if strings.Contains(item(), "new") {
		t.Fatalf("a case just read is still marked new: %s", item())
	}
	reply(t, author, id, "Ice pack test was positive.")
	if !strings.Contains(item(), "1 new reply") {
		t.Fatalf("a reply since the last visit is not counted: %s", item())
	}
	reader.Get(caseURL(id)).Expect(http.StatusOK).Contains(`class="reply new"`)
}

// Authors edit their posts; the earlier versions are kept for moderators.
func TestEditsKeepHistory(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	author, _ := app.Verified("dermatology")
	other, _ := app.Verified("dermatology")
	mod, _ := app.As(identity.StatusVerified, identity.RoleModerator, "")
	id := postCase(t, author, url.Values{"title": {"Annular plaque"}, "body": {"First version of the history."}, "specialty": {"dermatology"},
		"tags": {"annular"}})
	other.Get("/cases?specialty=dermatology").Expect(http.StatusOK).Contains("Annular plaque<", "#annular<") // the row is kept now
	other.PostForm(caseURL(id)+"/edit", url.Values{"title": {"Hijacked"}, "body": {"x"}}).Expect(http.StatusForbidden)
	author.PostForm(caseURL(id)+"/edit", url.Values{"title": {"Annular plaque with scale"}, "body": {"Second version."},
		"tags": {"scaly, fungal"}}).Expect(http.StatusSeeOther)
	other.Get(caseURL(id)).Expect(http.StatusOK).Contains("Second version.", "edited").Lacks("First version")
	other.Get("/cases?specialty=dermatology").Expect(http.StatusOK).Contains("Annular plaque with scale<", "#fungal<", "#scaly<").
		Lacks("Annular plaque<", "#annular<")
	other.Get("/cases?tag=fungal").Expect(http.StatusOK).Contains("Annular plaque with scale<")
	other.Get(caseURL(id) + "/history").Expect(http.StatusForbidden)
	mod.Get(caseURL(id)+"/history").Expect(http.StatusOK).Contains("First version of the history.", "Annular plaque")
	if n := scalar[int64](t, app, "SELECT count(*) FROM audit_log WHERE action = 'case.history_viewed' AND target_id = ?", id); n != 1 {
		t.Fatalf("%d history views audited, want 1", n)
	}

	r := reply(t, other, id, "Consider tinea; KOH prep.")
	author.Get("/replies/" + strconv.FormatInt(r, 10) + "/edit").Expect(http.StatusForbidden)
	other.PostForm("/replies/"+strconv.FormatInt(r, 10)+"/edit", url.Values{"body": {"Consider tinea corporis; do a KOH prep."}}).
		Expect(http.StatusSeeOther)
	other.PostForm("/replies/"+strconv.FormatInt(r, 10)+"/delete", url.Values{}).Expect(http.StatusSeeOther)
	author.Get(caseURL(id)).Expect(http.StatusOK).Contains("deleted by its author").Lacks("KOH prep")
	if n := scalar[int64](t, app, "SELECT count(*) FROM post_revisions WHERE case_id = ?", id); n != 2 {
		t.Fatalf("%d revisions kept, want 2", n)
	}
	author.PostForm(caseURL(id)+"/delete", url.Values{}).Expect(http.StatusSeeOther)
	other.Get(caseURL(id)).Expect(http.StatusNotFound)
	other.Get("/cases").Expect(http.StatusOK).Lacks("Annular plaque")
}

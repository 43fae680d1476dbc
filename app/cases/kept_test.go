package cases_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"curbside/app/web/webtest"
)

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]*)"`)

// Replies are rendered once and kept; each member must still see their own
// view of them, with forms that carry their own token, and every change.
func TestKeptRepliesFollowEachMember(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	author, _ := app.Verified("neurology")
	writer, _ := app.Verified("neurology")
	reader, _ := app.Verified("neurology")
	id := postCase(t, author, url.Values{"title": {"Sudden diplopia"}, "body": {"Sixth nerve palsy, no other signs."},
		"specialty": {"neurology"}})
	r := reply(t, writer, id, "Check glucose and ESR before imaging.")
	rs := strconv.FormatInt(r, 10)

	// Each member renders the same reply first, and gets their own controls.
	reader.Get(caseURL(id)).Expect(http.StatusOK).Contains(`aria-pressed="false">Helpful · 0</button>`).
		Lacks(`/replies/`+rs+`/edit`, "Mark as the answer")
	writer.Get(caseURL(id)).Expect(http.StatusOK).Contains("0 found this helpful", `/replies/`+rs+`/edit`).
		Lacks("Mark as the answer", `aria-pressed`)
	author.Get(caseURL(id)).Expect(http.StatusOK).Contains("Mark as the answer", `aria-pressed="false"`)

	// A mark changes the reader's button and everyone's count.
	reader.PostForm("/replies/"+rs+"/helpful", url.Values{}).Expect(http.StatusSeeOther)
	reader.Get(caseURL(id)).Expect(http.StatusOK).Contains(`class="marked secondary small" aria-pressed="true">Helpful · 1</button>`)
	author.Get(caseURL(id)).Expect(http.StatusOK).Contains(`aria-pressed="false">Helpful · 1</button>`)
	writer.Get(caseURL(id)).Expect(http.StatusOK).Contains("1 found this helpful")

	// Accepting and editing show at once.
	author.PostForm(caseURL(id)+"/accept", url.Values{"reply_id": {rs}}).Expect(http.StatusSeeOther)
	writer.PostForm("/replies/"+rs+"/edit", url.Values{"body": {"Check glucose, ESR and CRP before imaging."}}).
		Expect(http.StatusSeeOther)
	page := reader.Get(caseURL(id)).Expect(http.StatusOK).Contains("accepted answer", "ESR and CRP", "· edited").
		Lacks("ESR before imaging")
	author.Get(caseURL(id)).Expect(http.StatusOK).Contains("Unmark the answer")

	// Every form on a page carries one token, masked for this response, that
	// stands for this member's cookie; the next response masks it afresh.
	tokens := csrfField.FindAllStringSubmatch(page.Body, -1)
	if len(tokens) < 3 {
		t.Fatalf("%d forms with a token on the reader's page, want the helpful, follow, reply and logout forms", len(tokens))
	}
	for _, m := range tokens {
		if m[1] != tokens[0][1] {
			t.Fatalf("one page carries two tokens: %q and %q", tokens[0][1], m[1])
		}
	}
	raw, ok := webtest.UnmaskCSRF(tokens[0][1])
	if !ok || raw != reader.Cookie("curbside_csrf") {
		t.Fatalf("the reader's forms carry %q, which is not the reader's token", tokens[0][1])
	}
	again := csrfField.FindStringSubmatch(reader.Get(caseURL(id)).Expect(http.StatusOK).Body)
	if again == nil || again[1] == tokens[0][1] {
		t.Fatal("two responses carry the same masked token")
	}
	// And it works: the reply's own form takes the mark back.
	reader.PostForm("/replies/"+rs+"/helpful", url.Values{"_csrf": {again[1]}}).Expect(http.StatusSeeOther)
	if strings.Contains(reader.Get(caseURL(id)).Body, `aria-pressed="true"`) {
		t.Fatal("the mark taken back still shows")
	}
}

// Each instance keeps a case's replies while their version in the database
// stands: whatever changes them, on whichever instance, shows on the next
// view everywhere, and nothing a member may not see leaks from what is kept.
func TestKeptThreadsFollowEveryInstance(t *testing.T) {
	t.Parallel()
	one := webtest.New(t)
	two := one.Twin()
	author, _ := one.Verified("neurology")
	writer, writerAcct := one.Verified("neurology")
	marker, _ := one.Verified("neurology")
	readerOne, _ := one.Verified("neurology")
	reader := readerOne.On(two)
	mod, _ := one.As("verified", "moderator", "neurology")
	modTwo := mod.On(two)

	id := postCase(t, author, url.Values{"title": {"Tremor at rest"}, "body": {"Unilateral, worse when distracted."},
		"specialty": {"neurology"}})
	// Kept with no replies, then one arrives on the other instance.
	reader.Get(caseURL(id)).Expect(http.StatusOK).Contains("Tremor at rest").Lacks("DaTscan")
	r := reply(t, writer, id, "Consider a DaTscan if the picture is unclear.")
	rs := strconv.FormatInt(r, 10)
	reader.Get(caseURL(id)).Expect(http.StatusOK).Contains("DaTscan", writerAcct.DisplayName, "Helpful · 0")

	// A mark, an edit and a renamed author, each made on the first instance.
	marker.PostForm("/replies/"+rs+"/helpful", url.Values{}).Expect(http.StatusSeeOther)
	reader.Get(caseURL(id)).Expect(http.StatusOK).Contains("Helpful · 1")
	writer.PostForm("/replies/"+rs+"/edit", url.Values{"body": {"Consider a DaTscan, and a levodopa trial."}}).
		Expect(http.StatusSeeOther)
	reader.Get(caseURL(id)).Expect(http.StatusOK).Contains("levodopa trial", "· edited")
	writer.PostForm("/settings/profile", url.Values{"display_name": {"Dr. Renamed Writer"}, "handle": {writerAcct.Handle}}).
		Expect(http.StatusSeeOther)
	reader.Get(caseURL(id)).Expect(http.StatusOK).Contains("Dr. Renamed Writer").Lacks(writerAcct.DisplayName)

	// Hidden on one instance: gone from members on the other, while its
	// moderator there still reads it, from the same kept thread.
	mod.PostForm("/mod/hidden", url.Values{"target_type": {"reply"}, "target_id": {rs}, "action": {"hide"}}).
		Expect(http.StatusSeeOther)
	modTwo.Get(caseURL(id)).Expect(http.StatusOK).Contains("levodopa trial", "hidden by a moderator")
	reader.Get(caseURL(id)).Expect(http.StatusOK).Contains("Removed by a moderator.").
		Lacks("levodopa", "Dr. Renamed Writer")
	// The reader's own reply is theirs on either instance.
	mine := reply(t, readerOne, id, "Agree, and check for a family history.")
	reader.Get(caseURL(id)).Expect(http.StatusOK).Contains("family history", "/replies/"+strconv.FormatInt(mine, 10)+"/edit")
	writer.On(two).Get(caseURL(id)).Expect(http.StatusOK).Contains("family history").
		Lacks("/replies/" + strconv.FormatInt(mine, 10) + "/edit")
}

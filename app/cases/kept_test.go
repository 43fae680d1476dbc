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

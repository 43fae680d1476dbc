package cases_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"curbside/app/web/webtest"
)

// seedCases inserts n cases straight into the database, for lists.
func seedCases(t *testing.T, app *webtest.App, authorID int64, n int, prefix string) {
	t.Helper()
	err := app.DB.Exec(`INSERT INTO cases (author_id, specialty_id, title, body, body_html, last_activity_at)
		SELECT ?, (SELECT id FROM specialties WHERE slug = 'cardiology'), ? || ' ' || g, 'Body of case ' || g, '<p>Body</p>',
		now() - make_interval(mins => g) FROM generate_series(1, ?) AS g`, authorID, prefix, n).Error
	if err != nil {
		t.Fatal(err)
	}
}

var olderLink = regexp.MustCompile(`href="(/cases\?page=2&amp;before=[0-9]+-[0-9]+[^"]*)"`)

// Lists page by cursor, newest activity first, with no gaps and no repeats.
func TestListPagesByCursor(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, acct := app.Verified("cardiology")
	seedCases(t, app, acct.ID, 60, "Case")
	first := c.Get("/cases?specialty=cardiology").Expect(http.StatusOK)
	if !strings.Contains(first.Body, "Case 1<") || !strings.Contains(first.Body, "Case 25<") || strings.Contains(first.Body, "Case 26<") {
		t.Fatal("the first page is not the 25 newest cases")
	}
	m := olderLink.FindStringSubmatch(first.Body)
	if m == nil {
		t.Fatal("no link to older cases")
	}
	second := c.Get(strings.ReplaceAll(m[1], "&amp;", "&")).Expect(http.StatusOK)
	if !strings.Contains(second.Body, "Case 26<") || !strings.Contains(second.Body, "Case 50<") || strings.Contains(second.Body, "Case 25<") {
		t.Fatal("the second page does not follow the first")
	}
	c.Get("/cases?page=2").Expect(http.StatusOK).Contains("Case 26<")
	c.Get("/cases?page=99").Expect(http.StatusNotFound)
	c.Get("/cases?before=bogus").Expect(http.StatusNotFound)
}

// A page's query count does not grow with its rows.
func TestQueryCountsAreConstant(t *testing.T) {
	t.Parallel()
	small, large := webtest.New(t), webtest.New(t)
	count := func(app *webtest.App, cases, replies int) (list, page int64) {
		c, acct := app.Verified("cardiology")
		seedCases(t, app, acct.ID, cases, "Case")
		id := postCase(t, c, url.Values{"title": {"The one with replies"}, "body": {"Body"}, "tags": {"a, b, c"}})
		for i := 0; i < replies; i++ {
			other, _ := app.Verified("cardiology")
			reply(t, other, id, fmt.Sprintf("Reply %d", i))
		}
		return app.Queries(c, "/cases"), app.Queries(c, caseURL(id))
	}
	l1, p1 := count(small, 2, 1)
	l2, p2 := count(large, 40, 12)
	if l1 != l2 || p1 != p2 {
		t.Fatalf("queries grow with rows: list %d → %d, case page %d → %d", l1, l2, p1, p2)
	}
	if l1 > 3 || p1 > 8 {
		t.Fatalf("list %d and case page %d queries: more than expected", l1, p1)
	}
}

// Search finds cases and replies by their words, marks them, filters, and
// takes any text without error.
func TestSearch(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, _ := app.Verified("cardiology")
	id := postCase(t, c, url.Values{"title": {"Syncope in a young athlete"}, "body": {"Collapsed during a football match; ECG shows a long QT."},
		"tags": {"syncope"}})
	other, _ := app.Verified("pulmonology")
	reply(t, other, id, "Consider hypertrophic cardiomyopathy and get an echocardiogram.")
	postCase(t, other, url.Values{"title": {"Chronic cough"}, "body": {"Dry cough for months."}, "specialty": {"pulmonology"}})

	res := c.Get("/search?q=syncope+athlete").Expect(http.StatusOK).Contains("Syncope in a young athlete", "<mark>")
	res.Lacks("Chronic cough")
	c.Get("/search?q=echocardiogram").Expect(http.StatusOK).Contains("(a reply)", "#reply-", "<mark>echocardiogram</mark>")
	c.Get("/search?q=cough&specialty=cardiology").Expect(http.StatusOK).Lacks("Chronic cough")
	c.Get("/search?q=cough&specialty=pulmonology").Expect(http.StatusOK).Contains("Chronic cough")
	c.Get("/search?q=syncope&tag=syncope").Expect(http.StatusOK).Contains("Syncope in a young athlete")
	// A phrase finds its words in order only.
	c.Get("/search?q=" + url.QueryEscape(`"young athlete"`)).Expect(http.StatusOK).Contains("Syncope in a young athlete")
	c.Get("/search?q=" + url.QueryEscape(`"athlete young"`)).Expect(http.StatusOK).Lacks("Syncope in a young athlete")
	c.Get("/search?q=" + url.QueryEscape(`"dry cough"`) + "&specialty=pulmonology").Expect(http.StatusOK).Contains("Chronic cough")
	c.Get("/search?q=" + url.QueryEscape(`"dry cough"`) + "&specialty=cardiology").Expect(http.StatusOK).Lacks("Chronic cough")
	c.Get("/search?q=" + url.QueryEscape(`the what`)).Expect(http.StatusOK).Lacks("Syncope in a young athlete")
	// A phrase left out leaves out only the phrase, not its words apart.
	c.Get("/search?q=" + url.QueryEscape(`cough -"dry cough"`)).Expect(http.StatusOK).Lacks("Chronic cough")
	c.Get("/search?q=" + url.QueryEscape(`cough -"months dry"`)).Expect(http.StatusOK).Contains("Chronic cough")
	for _, q := range []string{`'; DROP TABLE cases; --`, `"unbalanced`, `a & | ! ( ) : *`, `\x00`, strings.Repeat("long ", 200), `<script>alert(1)</script>`} {
		c.Get("/search?q=" + url.QueryEscape(q)).Expect(http.StatusOK).Lacks("<script>alert")
	}
	if n := scalar[int64](t, app, "SELECT count(*) FROM cases"); n != 2 {
		t.Fatalf("%d cases after hostile searches", n)
	}
}

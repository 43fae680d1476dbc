package cases_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"curbside/app/db/testdb"
	"curbside/app/web/webtest"
)

// postCase publishes a case through the form and returns its id.
func postCase(t *testing.T, c *webtest.Client, fields url.Values, files ...webtest.File) int64 {
	t.Helper()
	if fields.Get("specialty") == "" {
		fields.Set("specialty", "cardiology")
	}
	res := c.PostMultipart("/cases", fields, files...).Expect(http.StatusSeeOther)
	return idFromLocation(t, res.Location(), "/cases/")
}

func idFromLocation(t *testing.T, loc, prefix string) int64 {
	t.Helper()
	rest, ok := strings.CutPrefix(loc, prefix)
	if !ok {
		t.Fatalf("redirect to %q, want %s…", loc, prefix)
	}
	rest, _, _ = strings.Cut(rest, "#")
	id, err := strconv.ParseInt(rest, 10, 64)
	if err != nil {
		t.Fatalf("redirect to %q: %v", loc, err)
	}
	return id
}

func caseURL(id int64) string { return "/cases/" + strconv.FormatInt(id, 10) }

// reply posts a reply and returns its id.
func reply(t *testing.T, c *webtest.Client, caseID int64, body string, extra ...string) int64 {
	t.Helper()
	form := url.Values{"body": {body}}
	for i := 0; i+1 < len(extra); i += 2 {
		form.Set(extra[i], extra[i+1])
	}
	res := c.PostForm(caseURL(caseID)+"/replies", form).Expect(http.StatusSeeOther)
	_, frag, _ := strings.Cut(res.Location(), "#reply-")
	id, err := strconv.ParseInt(frag, 10, 64)
	if err != nil {
		t.Fatalf("reply redirect %q", res.Location())
	}
	return id
}

func scalar[T any](t *testing.T, app *webtest.App, sql string, args ...any) T {
	t.Helper()
	return testdb.Scalar[T](t, app.DB.DB, sql, args...)
}

package consults_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"curbside/app/db/testdb"
	"curbside/app/web/webtest"
)

// ask files a consult through the form and returns its id.
func ask(t *testing.T, c *webtest.Client, fields url.Values) int64 {
	t.Helper()
	if fields.Get("specialty") == "" {
		fields.Set("specialty", "cardiology")
	}
	if fields.Get("question") == "" {
		fields.Set("question", "Does this exercise ECG need an urgent referral?")
	}
	res := c.PostForm("/consults", fields).Expect(http.StatusSeeOther)
	id, err := strconv.ParseInt(strings.TrimPrefix(res.Location(), "/consults/"), 10, 64)
	if err != nil {
		t.Fatalf("redirect to %q after filing a consult", res.Location())
	}
	return id
}

func consultURL(id int64, action ...string) string {
	return "/consults/" + strconv.FormatInt(id, 10) + strings.Join(append([]string{""}, action...), "/")
}

// post sends a form with no fields but its token.
func post(c *webtest.Client, path string) *webtest.Response { return c.PostForm(path, url.Values{}) }

func scalar[T any](t *testing.T, app *webtest.App, sql string, args ...any) T {
	t.Helper()
	return testdb.Scalar[T](t, app.DB.DB, sql, args...)
}

// status reads a consult's status from the database.
func status(t *testing.T, app *webtest.App, id int64) string {
	t.Helper()
	return scalar[string](t, app, "SELECT status FROM consults WHERE id = ?", id)
}

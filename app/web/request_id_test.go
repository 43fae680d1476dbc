package web_test

import (
	"net/http"
	"regexp"
	"testing"

	"curbside/app/web/webtest"
)

// Request ids are made by the server: one sent by the client never reaches
// the logs or the error page, where it could forge a trail.
func TestRequestIDsAreTheServers(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	req, err := http.NewRequest(http.MethodGet, "/no/such/page", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Request-Id", "forged-<b>id</b>")
	res := app.Client().DoPath(req).Expect(http.StatusNotFound).Lacks("forged")
	id := res.Header.Get("X-Request-Id")
	if !regexp.MustCompile(`^[0-9a-f]{24}$`).MatchString(id) {
		t.Fatalf("request id %q is not the server's", id)
	}
	res.Contains(id)
	if again := app.Client().Get("/no/such/page").Header.Get("X-Request-Id"); again == id {
		t.Fatal("two requests share an id")
	}
}

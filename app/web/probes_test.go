package web_test

import (
	"net/http"
	"testing"

	"curbside/app/db"
	"curbside/app/web/webtest"
)

// Health checks and metrics load no session and set no cookie, even when a
// signed-in browser asks: a probe every second must cost nothing.
func TestProbesSkipTheSession(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, _ := app.Verified("cardiology")
	queries, err := db.CountQueries(app.DB.DB)
	if err != nil {
		t.Fatal(err)
	}
	res := c.Get("/healthz").Expect(http.StatusOK)
	if n := queries.Load(); n != 0 {
		t.Fatalf("/healthz ran %d queries", n)
	}
	if sc := res.Header.Values("Set-Cookie"); len(sc) != 0 {
		t.Fatalf("/healthz set cookies: %v", sc)
	}
	c.Get("/settings/security").Expect(http.StatusOK)
	if queries.Load() == 0 {
		t.Fatal("the counter counts nothing, so the check above proves nothing")
	}
}

// A signed-in request costs one query for its member, session and bell
// together; the last-use time is written later, in batches, off the request.
func TestSignedInRequestCostsOneQuery(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, acct := app.Verified("cardiology")
	// A session last used long enough ago that this request marks its use.
	if err := app.DB.Exec("UPDATE sessions SET last_seen_at = now() - interval '5 minutes' WHERE user_id = ?", acct.ID).Error; err != nil {
		t.Fatal(err)
	}
	queries, err := db.CountQueries(app.DB.DB)
	if err != nil {
		t.Fatal(err)
	}
	c.Get("/settings").RedirectsTo("/settings/security") // a handler that itself queries nothing
	if n := queries.Load(); n != 1 {
		t.Fatalf("a signed-in request ran %d queries, want 1", n)
	}
}

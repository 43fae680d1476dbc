package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"curbside/app/web/webtest"
)

func TestHealthAndMetrics(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c := app.Client()
	c.Get("/healthz").Expect(http.StatusOK)
	c.Get("/readyz").Expect(http.StatusOK).Contains("ready")
	c.Get("/login").Expect(http.StatusOK)
	c.Get("/metrics").Expect(http.StatusOK).Contains(
		`curbside_http_requests_total{method="GET",route="/login",status="200"} 1`,
		"curbside_http_request_duration_seconds_bucket",
		"go_sql_max_open_connections{db_name=\"curbside\"} 8",
	)
	// With the database gone, the instance is alive but not ready.
	if err := app.DB.Exec("SELECT 1").Error; err != nil {
		t.Fatal(err)
	}
	sqlDB, err := app.DB.DB.DB()
	if err != nil {
		t.Fatal(err)
	}
	sqlDB.Close()
	c.Get("/readyz").Expect(http.StatusServiceUnavailable)
	c.Get("/healthz").Expect(http.StatusOK)
}

func TestErrorPages(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	app.Server.Echo.GET("/test-panic", func(echo.Context) error { panic("boom: secret detail") })
	c := app.Client()
	c.Get("/no/such/page").Expect(http.StatusNotFound).Contains("Page not found", `<main id="main"`)
	res := c.Get("/test-panic").Expect(http.StatusInternalServerError).Contains("Something went wrong", "Request id")
	if strings.Contains(res.Body, "boom") || strings.Contains(res.Body, "goroutine") || strings.Contains(res.Body, ".go:") {
		t.Fatalf("500 page leaks the panic:\n%s", res.Body)
	}
	c.Get("/healthz").Expect(http.StatusOK) // the server lives on
	big := strings.NewReader("body=" + strings.Repeat("x", 2<<20))
	c.PostRaw("/login", "application/x-www-form-urlencoded", big).Expect(http.StatusRequestEntityTooLarge)
}

// Assets carry no cookies (a shared cache may keep them) and list no directories.
func TestStaticAssets(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, _ := app.Verified("")
	page := c.Get("/settings/security").Expect(http.StatusOK)
	i := strings.Index(page.Body, "/static/css/site.css?v=")
	if i < 0 {
		t.Fatal("no checksummed stylesheet link")
	}
	href := page.Body[i : i+strings.Index(page.Body[i:], `"`)]
	res := c.Get(href).Expect(http.StatusOK)
	if res.Header.Get("Set-Cookie") != "" || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") ||
		!strings.Contains(res.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("asset headers: %v", res.Header)
	}
	c.Get("/static/css/").Expect(http.StatusNotFound)
	c.Get("/static/").Expect(http.StatusNotFound)
}

func TestMetricsAreNotPublic(t *testing.T) {
	t.Parallel()
	app := webtest.New(t, "CURBSIDE_METRICS_TOKEN=scrape-token-123", "CURBSIDE_TRUSTED_PROXIES=127.0.0.1")
	c := app.Client()
	forwarded := func(auth string) *webtest.Response {
		req, _ := http.NewRequest(http.MethodGet, "/metrics", nil)
		req.Header.Set("X-Forwarded-For", "203.0.113.9")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		return c.DoPath(req)
	}
	forwarded("").Expect(http.StatusForbidden).Lacks("curbside_http")
	forwarded("Bearer wrong").Expect(http.StatusForbidden)
	forwarded("Bearer scrape-token-123").Expect(http.StatusOK).Contains("curbside_http_requests_total")
	// Through a trusted proxy on this host, even without forwarding headers, it is not local.
	c.Get("/metrics").Expect(http.StatusForbidden)
	// Odd methods are counted under one label.
	req, _ := http.NewRequest("FROB", "/healthz", nil)
	c.DoPath(req)
	forwarded("Bearer scrape-token-123").Expect(http.StatusOK).Contains(`method="other"`).Lacks(`method="FROB"`)
}

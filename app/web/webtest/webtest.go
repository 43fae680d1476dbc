// Package webtest runs a real Curbside server over a test database and talks
// to it as a browser would: cookies, CSRF tokens and all.
package webtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"curbside/app"
	"curbside/app/accounts"
	"curbside/app/db"
	"curbside/app/db/testdb"
	"curbside/app/identity"
	"curbside/app/web"
	"curbside/config"
)

// App is a running server with its own database.
type App struct {
	T      testing.TB
	DB     *testdb.DB
	Core   *app.App // every service, as the composition root built them
	Server *web.Server
	HTTP   *httptest.Server
	Config config.Config
	// Logs holds what the server logged, as JSON lines.
	Logs *Logs
}

// Logs is a log sink that tests may read while the server writes.
type Logs struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *Logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// String returns everything logged so far.
func (l *Logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// New starts a server for t. env overrides configuration variables.
func New(t testing.TB, env ...string) *App {
	t.Helper()
	return NewWith(t, nil, env...)
}

// NewWith starts a server for t with options for the composition root.
func NewWith(t testing.TB, opts []app.Option, env ...string) *App {
	t.Helper()
	tdb := testdb.New(t)
	// Counting is set up before anything runs statements (Queries).
	if _, err := db.CountQueries(tdb.DB); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"CURBSIDE_SECRET": "kT4q9Zw2LmX7vR1pN8sB3yH6cJ0fD5gA-test", "CURBSIDE_MOD_2FA": "optional"}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	cfg, err := config.Load(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	cfg.DatabaseURL = tdb.URL
	logs := &Logs{}
	var sink io.Writer = logs
	if os.Getenv("CURBSIDE_TEST_LOGS") != "" { // see what the server says while a test runs
		sink = io.MultiWriter(logs, os.Stderr)
	}
	core, err := app.New(cfg, tdb.DB, slog.New(slog.NewJSONHandler(sink, nil)), opts...)
	if err != nil {
		t.Fatalf("app.New: %v", err)
	}
	hs := httptest.NewServer(core.Web.Echo)
	t.Cleanup(hs.Close)
	return &App{T: t, DB: tdb, Core: core, Server: core.Web, HTTP: hs, Config: cfg, Logs: logs}
}

var seq atomic.Int64

// Account is a member made for a test, with its password.
type Account struct {
	*accounts.User
	Password string
}

// Member creates an account with the given status and role.
func (a *App) Member(status, role, specialty string) Account {
	a.T.Helper()
	n := seq.Add(1)
	pw := fmt.Sprintf("correct horse battery %d", n)
	u, err := a.Server.Accounts().Create(context.Background(), accounts.NewAccount{
		Email: fmt.Sprintf("member%d@example.org", n), Password: pw, DisplayName: fmt.Sprintf("Dr. Test %d", n),
		Role: role, Status: status, Specialty: specialty}, 0, accounts.Meta{})
	if err != nil {
		a.T.Fatalf("create member: %v", err)
	}
	return Account{User: u, Password: pw}
}

// Client is one browser.
type Client struct {
	app  *App
	http *http.Client
}

// Client returns a browser with an empty cookie jar that does not follow redirects.
func (a *App) Client() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{app: a, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// As returns a browser signed in as a new member with status, role and specialty.
func (a *App) As(status, role, specialty string) (*Client, Account) {
	a.T.Helper()
	acct := a.Member(status, role, specialty)
	return a.SignedIn(acct), acct
}

// Verified returns a browser signed in as a verified member.
func (a *App) Verified(specialty string) (*Client, Account) {
	return a.As(identity.StatusVerified, identity.RoleMember, specialty)
}

// Login posts the login form.
func (c *Client) Login(email, password string) *Response {
	return c.PostForm("/login", url.Values{"email": {email}, "password": {password}})
}

// Response is a read-in HTTP response.
type Response struct {
	t      testing.TB
	Status int
	Header http.Header
	Body   string
}

// Do sends a request and reads the whole answer.
func (c *Client) Do(req *http.Request) *Response {
	c.app.T.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.app.T.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		c.app.T.Fatalf("read body: %v", err)
	}
	return &Response{t: c.app.T, Status: res.StatusCode, Header: res.Header, Body: string(body)}
}

// Get fetches a path.
func (c *Client) Get(path string) *Response {
	c.app.T.Helper()
	req, err := http.NewRequest(http.MethodGet, c.app.HTTP.URL+path, nil)
	if err != nil {
		c.app.T.Fatal(err)
	}
	return c.Do(req)
}

// CSRF returns the browser's CSRF token, fetching a page first if it has none.
func (c *Client) CSRF() string {
	c.app.T.Helper()
	if tok := c.Cookie("curbside_csrf"); tok != "" {
		return tok
	}
	c.Get("/login")
	return c.Cookie("curbside_csrf")
}

// Cookie returns the value of a cookie the browser holds for the site.
func (c *Client) Cookie(name string) string {
	u, _ := url.Parse(c.app.HTTP.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// PostForm submits a form with the browser's CSRF token, masked as pages carry it.
func (c *Client) PostForm(path string, form url.Values) *Response {
	c.app.T.Helper()
	if !form.Has("_csrf") {
		form.Set("_csrf", MaskCSRF(c.CSRF())) // as a page carries it
	}
	return c.PostRaw(path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
}

// PostRaw sends a POST as it is, with no CSRF token added.
func (c *Client) PostRaw(path, contentType string, body io.Reader) *Response {
	c.app.T.Helper()
	req, err := http.NewRequest(http.MethodPost, c.app.HTTP.URL+path, body)
	if err != nil {
		c.app.T.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	return c.Do(req)
}

// Expect fails the test unless the status is want; it returns r for chaining.
func (r *Response) Expect(want int) *Response {
	r.t.Helper()
	if r.Status != want {
		r.t.Fatalf("status %d, want %d; body:\n%s", r.Status, want, excerpt(r.Body))
	}
	return r
}

// Contains fails the test unless the body holds every text.
func (r *Response) Contains(texts ...string) *Response {
	r.t.Helper()
	for _, s := range texts {
		if !strings.Contains(r.Body, s) {
			r.t.Fatalf("body lacks %q:\n%s", s, excerpt(r.Body))
		}
	}
	return r
}

// Lacks fails the test if the body holds any text.
func (r *Response) Lacks(texts ...string) *Response {
	r.t.Helper()
	for _, s := range texts {
		if strings.Contains(r.Body, s) {
			r.t.Fatalf("body holds %q:\n%s", s, excerpt(r.Body))
		}
	}
	return r
}

// Location is the redirect target.
func (r *Response) Location() string { return r.Header.Get("Location") }

// RedirectsTo fails the test unless r is a 303 to path.
func (r *Response) RedirectsTo(path string) *Response {
	r.t.Helper()
	r.Expect(http.StatusSeeOther)
	if r.Location() != path {
		r.t.Fatalf("redirect to %q, want %q", r.Location(), path)
	}
	return r
}

func excerpt(body string) string {
	if i := strings.Index(body, `<main`); i >= 0 {
		body = body[i:]
	}
	if len(body) > 3000 {
		body = body[:3000] + "…"
	}
	return body
}

// SignedIn returns a browser holding a fresh session for acct, without the
// cost of a password login.
func (a *App) SignedIn(acct Account) *Client {
	a.T.Helper()
	token, err := a.Server.Accounts().StartSession(context.Background(), acct.User, accounts.Meta{IP: "127.0.0.1", UserAgent: "webtest"})
	if err != nil {
		a.T.Fatalf("start session: %v", err)
	}
	c := a.Client()
	c.SetCookie("curbside_session", token)
	return c
}

// SetCookie puts a cookie in the browser's jar.
func (c *Client) SetCookie(name, value string) {
	u, _ := url.Parse(c.app.HTTP.URL)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// File is one file of a multipart form.
type File struct {
	Field, Name string
	Data        []byte
}

// PostMultipart submits a multipart form with files and the browser's CSRF token.
func (c *Client) PostMultipart(path string, form url.Values, files ...File) *Response {
	c.app.T.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if !form.Has("_csrf") {
		form.Set("_csrf", MaskCSRF(c.CSRF())) // as a page carries it
	}
	for k, vs := range form {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	for _, f := range files {
		part, err := w.CreateFormFile(f.Field, f.Name)
		if err != nil {
			c.app.T.Fatal(err)
		}
		_, _ = part.Write(f.Data)
	}
	if err := w.Close(); err != nil {
		c.app.T.Fatal(err)
	}
	return c.PostRaw(path, w.FormDataContentType(), &buf)
}

// DoPath sends a request whose URL is a path on the test server.
func (c *Client) DoPath(req *http.Request) *Response {
	c.app.T.Helper()
	u, err := url.Parse(c.app.HTTP.URL + req.URL.String())
	if err != nil {
		c.app.T.Fatal(err)
	}
	req.URL, req.Host = u, u.Host
	return c.Do(req)
}

// TimePerOp runs fn n times, after as many to warm up, and returns the mean
// duration: the baseline benchmarks compare against.
func TimePerOp(n int, fn func()) time.Duration {
	for i := 0; i < n; i++ {
		fn()
	}
	start := time.Now()
	for i := 0; i < n; i++ {
		fn()
	}
	return time.Since(start) / time.Duration(n)
}

// StartRunners runs the instance's background runners (the bus listener,
// the mail sender, …) until the test ends.
func (a *App) StartRunners() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Core.RunRunners(ctx) }()
	a.T.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			a.T.Errorf("runners: %v", err)
		}
	})
}

// Queries counts the statements one GET of path by c runs (expecting 200),
// for tests that a page's query count does not grow with its rows.
func (a *App) Queries(c *Client, path string) int64 {
	a.T.Helper()
	n, err := db.CountQueries(a.DB.DB)
	if err != nil {
		a.T.Fatal(err)
	}
	c.Get(path).Expect(http.StatusOK)
	return n.Load()
}

package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"curbside/app/web/webtest"
)

// Bytes PostgreSQL refuses in text (invalid UTF-8, NUL) never reach a query.
func TestMalformedTextIsCleanedNotFatal(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c := app.Client()
	c.PostForm("/login", url.Values{"email": {"a\x00b@x.org"}, "password": {"whatever it is here"}}).Expect(http.StatusUnauthorized)
	c.PostForm("/login", url.Values{"email": {"a\xffb@x.org"}, "password": {"whatever\xff it is"}}).Expect(http.StatusUnauthorized)
	c.PostForm("/signup", url.Values{"email": {"dr\xff@x.org"}, "password": {"long enough password"}, "display_name": {"Dr\xff Who\x00"}}).
		Expect(http.StatusUnprocessableEntity).Contains(`id="email-error"`)
	c.PostForm("/signup", url.Values{"email": {"who@x.org"}, "password": {"long enough password"}, "display_name": {"Dr\xff Who\x00"}}).
		RedirectsTo("/verification")
	var name string
	if err := app.DB.Raw("SELECT display_name FROM users WHERE email = 'who@x.org'").Row().Scan(&name); err != nil {
		t.Fatal(err)
	}
	if name != "Dr\uFFFD Who" {
		t.Fatalf("stored name %q", name)
	}
}

// A hand-made link whose query is not UTF-8, or holds a NUL, gets its page:
// the query is cleaned as a form is, before any page reads it.
func TestMalformedQueriesAreCleanedNotFatal(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, _ := app.Verified("cardiology")
	c.Get("/cases?tag=%FF").Expect(http.StatusOK)
	c.Get("/cases?tag=a%00b&page=1").Expect(http.StatusOK)
	c.Get("/search?q=chest%FF%00pain").Expect(http.StatusOK).Contains("chest\uFFFDpain")
	c.Get("/consults?tab=%FF").Expect(http.StatusOK)
}

func TestBodyLimits(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c := app.Client()
	big := url.Values{"email": {strings.Repeat("x", 2<<20)}, "_csrf": {c.CSRF()}}.Encode()
	c.PostRaw("/login", "application/x-www-form-urlencoded", strings.NewReader(big)).Expect(http.StatusRequestEntityTooLarge)
	// Without a Content-Length (chunked), the limit still holds, and says so.
	req, _ := http.NewRequest(http.MethodPost, "/login", struct{ *strings.Reader }{strings.NewReader(big)})
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.ContentLength = -1
	c.DoPath(req).Expect(http.StatusRequestEntityTooLarge).Contains("Too large")
	c.Get("/healthz").Expect(http.StatusOK)
	head, _ := http.NewRequest(http.MethodHead, "/healthz", nil)
	c.DoPath(head).Expect(http.StatusOK)
}

// Header bytes and lengths nobody expects get an ordinary answer.
func TestOddHeadersAndLengths(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	acct := app.Member("verified", "member", "")
	for _, ua := range []string{"Mozilla \xff\xfe", strings.Repeat("a", 299) + strings.Repeat("é", 5)} {
		c := app.Client()
		form := url.Values{"email": {acct.Email}, "password": {acct.Password}, "_csrf": {c.CSRF()}}
		req, _ := http.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("User-Agent", ua)
		c.DoPath(req).RedirectsTo("/cases")
	}
	app.Client().PostForm("/login", url.Values{"email": {strings.Repeat("x", 9000) + "@x.org"}, "password": {"whatever it is"}}).
		Expect(http.StatusUnauthorized)
}

// Before anyone has signed in, only a small form is read.
func TestAnonymousBodiesAreSmall(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c := app.Client()
	big := strings.NewReader("--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n" + strings.Repeat("a", 3<<20) + "\r\n--x--\r\n")
	c.PostRaw("/verification", "Multipart/Form-Data; boundary=x", big).Expect(http.StatusRequestEntityTooLarge)
	c.PostRaw("/no/such/route", "multipart/form-data; boundary=x", strings.NewReader(strings.Repeat("b", 2<<20))).
		Expect(http.StatusRequestEntityTooLarge)
}

// Empty fields are rendered once and kept; what one visitor typed, and the
// message under it, must never show in another's form.
func TestKeptFieldsCarryNothingTyped(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	first, second := app.Client(), app.Client()
	first.Get("/signup").Expect(http.StatusOK).Contains(`id="email"`).Lacks("typed-by-first")
	first.PostForm("/signup", url.Values{"email": {"typed-by-first@"}, "password": {"short"}, "display_name": {"First"}}).
		Expect(http.StatusUnprocessableEntity).Contains(`value="typed-by-first@"`, `id="email-error"`, `id="password-error"`)
	second.Get("/signup").Expect(http.StatusOK).Contains(`id="email"`, `id="password"`).
		Lacks("typed-by-first", `id="email-error"`, `id="password-error"`, `aria-invalid`)
}

// A rendered page carries its length, so it goes out whole, not chunked;
// gzipped, the length is the compressed one's or none.
func TestPagesCarryTheirLength(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	req, _ := http.NewRequest(http.MethodGet, "/login", nil)
	req.Header.Set("Accept-Encoding", "identity")
	res := app.Client().DoPath(req).Expect(http.StatusOK)
	if got := res.Header.Get("Content-Length"); got != strconv.Itoa(len(res.Body)) {
		t.Fatalf("Content-Length %q for a body of %d bytes", got, len(res.Body))
	}
}

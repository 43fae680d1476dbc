package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"curbside/app/identity"
	"curbside/app/web/webtest"
)

var csrfValue = regexp.MustCompile(`name="_csrf" value="([^"]*)"`)

// pageCSRF returns the _csrf value the page at path carries.
func pageCSRF(t *testing.T, c *webtest.Client, path string) string {
	t.Helper()
	m := csrfValue.FindStringSubmatch(c.Get(path).Expect(http.StatusOK).Body)
	if m == nil {
		t.Fatalf("%s has no _csrf field", path)
	}
	return m[1]
}

// Pages carry the token masked afresh each time (against BREACH), and every
// mask of this browser's token is accepted.
func TestCSRFTokenIsMaskedPerRender(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	acct := app.Member(identity.StatusVerified, identity.RoleMember, "")
	c := app.Client()
	first, second := pageCSRF(t, c, "/login"), pageCSRF(t, c, "/login")
	if first == second {
		t.Fatalf("two renders carry the same _csrf value %q", first)
	}
	raw := c.CSRF()
	for _, v := range []string{first, second} {
		if got, ok := webtest.UnmaskCSRF(v); !ok || got != raw {
			t.Fatalf("_csrf %q unmasks to %q, %v; the cookie holds %q", v, got, ok, raw)
		}
	}
	c.Get("/login").Lacks(raw)

	// A wrong password is refused by login itself, after the CSRF check passed.
	post := func(token, header string) *webtest.Response {
		form := url.Values{"email": {acct.Email}, "password": {"not the password at all"}, "_csrf": {token}}
		req, _ := http.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if header != "" {
			req.Header.Set("X-CSRF-Token", header)
		}
		return c.DoPath(req)
	}
	post(first, "").Expect(http.StatusUnauthorized)
	post(second, "").Expect(http.StatusUnauthorized)
	// Scripts send the cookie's raw value, or a masked one, in the header.
	post("", raw).Expect(http.StatusUnauthorized)
	post("", first).Expect(http.StatusUnauthorized)
	// The raw value in the field is accepted too: it never appears in a page,
	// and only the cookie, which other sites cannot read, holds it.
	post(raw, "").Expect(http.StatusUnauthorized)

	tampered := []byte(first)
	tampered[60] = map[bool]byte{true: 'B', false: 'A'}[tampered[60] == 'A']
	other := pageCSRF(t, app.Client(), "/login") // another browser's token
	for _, bad := range []string{string(tampered), other, first[:85], first + "A", strings.Repeat("!", 86), strings.Repeat("*", 43), "x"} {
		post(bad, "").Expect(http.StatusForbidden).Contains("This form has expired")
		post("", bad).Expect(http.StatusForbidden).Contains("This form has expired")
	}
}

// A form sent from another site is refused even with a good token, and the
// token is read from the header or the body, never from the URL.
func TestCSRFChecksWhereTheFormCameFrom(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	acct := app.Member(identity.StatusVerified, identity.RoleMember, "")
	c := app.Client()
	token := pageCSRF(t, c, "/login")
	post := func(path string, body url.Values, headers map[string]string) *webtest.Response {
		req, _ := http.NewRequest(http.MethodPost, path, strings.NewReader(body.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		return c.DoPath(req)
	}
	form := url.Values{"email": {acct.Email}, "password": {"not the password at all"}, "_csrf": {token}}
	// Refused by login itself (401) means the CSRF check let it through.
	post("/login", form, map[string]string{"Origin": app.HTTP.URL}).Expect(http.StatusUnauthorized)
	post("/login", form, map[string]string{"Referer": app.HTTP.URL + "/login"}).Expect(http.StatusUnauthorized)
	post("/login", form, nil).Expect(http.StatusUnauthorized)
	post("/login", form, map[string]string{"Origin": "https://evil.example"}).Expect(http.StatusForbidden).Contains("This form has expired")
	post("/login", form, map[string]string{"Origin": "null"}).Expect(http.StatusForbidden)
	post("/login", form, map[string]string{"Referer": "https://evil.example/page"}).Expect(http.StatusForbidden)
	noToken := url.Values{"email": {acct.Email}, "password": {"not the password at all"}}
	post("/login?_csrf="+url.QueryEscape(token), noToken, nil).Expect(http.StatusForbidden)
}

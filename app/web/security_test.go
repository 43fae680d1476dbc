package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"curbside/app/identity"
	"curbside/app/web/webtest"
)

func TestCSRF(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	acct := app.Member(identity.StatusVerified, identity.RoleMember, "")
	form := url.Values{"email": {acct.Email}, "password": {acct.Password}}

	c := app.Client()
	c.CSRF()
	missing := url.Values{"email": form["email"], "password": form["password"]}
	c.PostRaw("/login", "application/x-www-form-urlencoded", strings.NewReader(missing.Encode())).
		Expect(http.StatusForbidden).Contains("This form has expired")
	tampered := []byte(c.CSRF())
	tampered[0] ^= 1 // still a token-shaped string, but not this browser's
	wrong := url.Values{"email": form["email"], "password": form["password"], "_csrf": {string(tampered)}}
	c.PostRaw("/login", "application/x-www-form-urlencoded", strings.NewReader(wrong.Encode())).Expect(http.StatusForbidden)
	// A browser that never received a token cannot post either.
	fresh := url.Values{"email": form["email"], "password": form["password"], "_csrf": {c.CSRF()}}
	app.Client().PostRaw("/login", "application/x-www-form-urlencoded", strings.NewReader(fresh.Encode())).Expect(http.StatusForbidden)
	var logins int64
	if err := app.DB.Raw("SELECT count(*) FROM sessions").Scan(&logins).Error; err != nil {
		t.Fatal(err)
	}
	if logins != 0 {
		t.Fatalf("%d sessions created by forged posts", logins)
	}
	// The header works for non-form clients.
	req, _ := http.NewRequest(http.MethodPost, app.HTTP.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-CSRF-Token", c.CSRF())
	c.Do(req).RedirectsTo("/cases")
	// And the hidden field is in every form the site renders.
	// (masked afresh per page: csrf_test.go checks the value).
	c.Get("/settings/security").Expect(http.StatusOK).Contains(`name="_csrf" value="`).Lacks(c.CSRF())
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	res := app.Client().Get("/login").Expect(http.StatusOK)
	want := map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "same-origin",
		"X-Frame-Options":        "DENY",
		"Cache-Control":          "no-store",
	}
	for k, v := range want {
		if got := res.Header.Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, part := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'",
		"object-src 'none'", "base-uri 'none'"} {
		if !strings.Contains(csp, part) {
			t.Errorf("CSP %q lacks %q", csp, part)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("CSP allows inline code: %q", csp)
	}
	if res.Header.Get("X-Request-Id") == "" {
		t.Error("no X-Request-Id")
	}
	if strings.Contains(res.Body, " style=") || strings.Contains(res.Body, "<script>") {
		t.Error("page has inline style or script, which the CSP would block")
	}
}

func TestCookieFlags(t *testing.T) {
	t.Parallel()
	check := func(app *webtest.App, name string, secure bool) {
		t.Helper()
		acct := app.Member(identity.StatusVerified, identity.RoleMember, "")
		c := app.Client()
		csrf := ""
		if !secure {
			csrf = c.CSRF()
		} else {
			// The jar keeps Secure cookies away from plain http: read the login page's one.
			c = app.Client()
			csrf = cookieValue(c.Get("/login").Header, "__Host-curbside_csrf")
			c = app.Client()
		}
		req, _ := http.NewRequest(http.MethodPost, app.HTTP.URL+"/login",
			strings.NewReader(url.Values{"email": {acct.Email}, "password": {acct.Password}, "_csrf": {csrf}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: strings.Replace(name, "session", "csrf", 1), Value: csrf})
		res := c.Do(req).Expect(http.StatusSeeOther)
		var found bool
		for _, raw := range res.Header.Values("Set-Cookie") {
			if !strings.HasPrefix(raw, name+"=") {
				continue
			}
			found = true
			for _, flag := range []string{"HttpOnly", "SameSite=Lax", "Path=/"} {
				if !strings.Contains(raw, flag) {
					t.Errorf("%s lacks %s: %s", name, flag, raw)
				}
			}
			if strings.Contains(raw, "Secure") != secure {
				t.Errorf("%s: Secure=%v, want %v: %s", name, !secure, secure, raw)
			}
			if strings.Contains(raw, "Domain=") {
				t.Errorf("%s has a Domain: %s", name, raw)
			}
		}
		if !found {
			t.Errorf("login set no %s cookie: %v", name, res.Header.Values("Set-Cookie"))
		}
		var hash []byte
		if err := app.DB.Raw("SELECT token_hash FROM sessions ORDER BY id DESC LIMIT 1").Row().Scan(&hash); err != nil {
			t.Fatal(err)
		}
		if len(hash) != 32 || strings.Contains(strings.Join(res.Header.Values("Set-Cookie"), ";"), string(hash)) {
			t.Errorf("stored token is not a 32-byte hash")
		}
	}
	check(webtest.New(t), "curbside_session", false)
	check(webtest.New(t, "CURBSIDE_BASE_URL=https://curbside.example"), "__Host-curbside_session", true)
}

func cookieValue(h http.Header, name string) string {
	for _, raw := range h.Values("Set-Cookie") {
		if v, ok := strings.CutPrefix(raw, name+"="); ok {
			return strings.SplitN(v, ";", 2)[0]
		}
	}
	return ""
}

package accounts_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"curbside/app/db/testdb"
	"curbside/app/identity"
	"curbside/app/web/webtest"
)

func loginFrom(c *webtest.Client, email, password, forwardedFor string) *webtest.Response {
	form := url.Values{"email": {email}, "password": {password}, "_csrf": {c.CSRF()}}
	req, _ := http.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", forwardedFor)
	return c.DoPath(req)
}

// Without trusted proxies, X-Forwarded-For is ignored: a client cannot dodge
// the per-address limit by inventing addresses.
func TestForwardedForIsIgnoredByDefault(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	acct := app.Member(identity.StatusVerified, identity.RoleMember, "")
	c := app.Client()
	for i := 0; i < 5; i++ {
		loginFrom(c, acct.Email, "wrong password here", "203.0.113."+string(rune('1'+i))).Expect(http.StatusUnauthorized)
	}
	loginFrom(c, acct.Email, acct.Password, "203.0.113.99").Expect(http.StatusTooManyRequests)
	ips := testdb.Rows[string](t, app.DB, "SELECT DISTINCT ip FROM audit_log WHERE action = 'account.login_failed'")
	if len(ips) != 1 || ips[0] != "127.0.0.1" {
		t.Fatalf("failed logins recorded from %v, want only the connection's address", ips)
	}
}

func TestForwardedForFromTrustedProxy(t *testing.T) {
	t.Parallel()
	app := webtest.New(t, "CURBSIDE_TRUSTED_PROXIES=127.0.0.1")
	acct := app.Member(identity.StatusVerified, identity.RoleMember, "")
	loginFrom(app.Client(), acct.Email, acct.Password, "198.51.100.23").Expect(http.StatusSeeOther)
	if ip := testdb.Scalar[string](t, app.DB, "SELECT ip FROM audit_log WHERE action = 'account.login'"); ip != "198.51.100.23" {
		t.Fatalf("login recorded from %q, want the forwarded address", ip)
	}
}

package kit

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

const secureKey = "curbside.secure"

// MarkSecure records, once per request, whether the site runs over https.
func MarkSecure(c echo.Context, secure bool) { c.Set(secureKey, secure) }

func isSecure(c echo.Context) bool { s, _ := c.Get(secureKey).(bool); return s }

// CookieName prefixes name with __Host- over https, so no subdomain can
// plant or widen the cookie (the prefix requires Secure and Path=/).
func CookieName(c echo.Context, name string) string {
	if isSecure(c) {
		return "__Host-" + name
	}
	return name
}

// SetCookie sets an HttpOnly, SameSite=Lax cookie for the whole site;
// maxAge 0 makes it last the browser session, a negative one deletes it.
func SetCookie(c echo.Context, name, value string, maxAge int) {
	ck := &http.Cookie{Name: CookieName(c, name), Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: isSecure(c), SameSite: http.SameSiteLaxMode}
	if maxAge < 0 {
		ck.Expires = time.Unix(0, 0)
	}
	c.SetCookie(ck)
}

// CookieValue reads a cookie set with SetCookie, or "".
func CookieValue(c echo.Context, name string) string {
	ck, err := c.Cookie(CookieName(c, name))
	if err != nil {
		return ""
	}
	return ck.Value
}

const sessionCookie = "curbside_session"

// SessionCookieName is the session cookie's name on this request.
func SessionCookieName(c echo.Context) string { return CookieName(c, sessionCookie) }

// SetSessionCookie hands the browser a session token: until the browser
// closes, or, for a remembered session, until it ends (until).
func SetSessionCookie(c echo.Context, token string, until *time.Time) {
	maxAge := 0
	if until != nil {
		maxAge = max(int(time.Until(*until).Seconds()), 1)
	}
	SetCookie(c, sessionCookie, token, maxAge)
}

// ClearSessionCookie removes the session cookie from the browser.
func ClearSessionCookie(c echo.Context) { SetCookie(c, sessionCookie, "", -1) }

// CSRFCookie names the cookie holding the CSRF token.
const CSRFCookie = "curbside_csrf"

// RotateCSRF drops the CSRF token so that the next page gets a new one:
// a token planted before login is worthless after it.
func RotateCSRF(c echo.Context) { SetCookie(c, CSRFCookie, "", -1) }

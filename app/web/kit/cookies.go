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

// SessionCookieName is the session cookie's name: with the __Host- prefix
// over https, so no subdomain can plant or widen it.
func SessionCookieName(c echo.Context) string {
	if isSecure(c) {
		return "__Host-curbside_session"
	}
	return "curbside_session"
}

// SetSessionCookie hands the browser a session token.
func SetSessionCookie(c echo.Context, token string) {
	c.SetCookie(&http.Cookie{
		Name: SessionCookieName(c), Value: token, Path: "/",
		HttpOnly: true, Secure: isSecure(c), SameSite: http.SameSiteLaxMode,
	})
}

// ClearSessionCookie removes the session cookie from the browser.
func ClearSessionCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{
		Name: SessionCookieName(c), Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(0, 0),
		HttpOnly: true, Secure: isSecure(c), SameSite: http.SameSiteLaxMode,
	})
}

package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"

	"github.com/labstack/echo/v4"

	"curbside/app/apperr"
	"curbside/app/web/kit"
)

// csrfContextKey is where templates find the token for the hidden _csrf field.
const csrfContextKey = "csrf"

// csrf is a double-submit check: a random token lives in a cookie, and every
// unsafe request must echo it in the _csrf field or the X-CSRF-Token header.
// SameSite keeps the cookie from other sites; the check keeps forged forms out.
func (s *Server) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if isStatic(c) {
			return next(c)
		}
		token := kit.CookieValue(c, kit.CSRFCookie)
		if len(token) != 43 {
			b := make([]byte, 32)
			if _, err := rand.Read(b); err != nil {
				return err
			}
			token = base64.RawURLEncoding.EncodeToString(b)
			kit.SetCookie(c, kit.CSRFCookie, token, 12*3600)
		}
		c.Set(csrfContextKey, token)
		if safeMethods[c.Request().Method] {
			return next(c)
		}
		sent := c.Request().Header.Get("X-CSRF-Token")
		if sent == "" {
			sent = c.FormValue("_csrf")
		}
		if sent == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(token)) != 1 {
			return &apperr.Denied{Title: "This form has expired",
				Message:  "The form was missing its security token, or it came from another site. Go back, reload the page and try again.",
				LinkText: "Home", LinkURL: "/"}
		}
		return next(c)
	}
}

// csrfToken returns the token for forms on this request.
func csrfToken(c echo.Context) string { s, _ := c.Get(csrfContextKey).(string); return s }

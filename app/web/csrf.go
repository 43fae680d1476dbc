package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"

	"github.com/labstack/echo/v4"

	"curbside/app/apperr"
)

// csrfContextKey is where templates find the token for the hidden _csrf field.
const csrfContextKey = "csrf"

func csrfCookieName(secure bool) string {
	if secure {
		return "__Host-curbside_csrf"
	}
	return "curbside_csrf"
}

// csrf is a double-submit check: a random token lives in a cookie, and every
// unsafe request must echo it in the _csrf field or the X-CSRF-Token header.
// SameSite keeps the cookie from other sites; the check keeps forged forms out.
func (s *Server) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	secure := s.cfg.Secure()
	name := csrfCookieName(secure)
	return func(c echo.Context) error {
		token := ""
		if ck, err := c.Cookie(name); err == nil && len(ck.Value) == 43 {
			token = ck.Value
		} else {
			b := make([]byte, 32)
			if _, err := rand.Read(b); err != nil {
				return err
			}
			token = base64.RawURLEncoding.EncodeToString(b)
			c.SetCookie(&http.Cookie{Name: name, Value: token, Path: "/", HttpOnly: true, Secure: secure,
				SameSite: http.SameSiteLaxMode, MaxAge: 12 * 3600})
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

package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"curbside/app/web/kit"
)

const (
	csrfTokenBytes = 32
	// csrfRawLen is the cookie's token in unpadded base64url.
	csrfRawLen = 43
	// csrfMaskedLen is pad || pad XOR token in unpadded base64url.
	csrfMaskedLen = 86
)

func csrfDenied() error {
	return &kit.Denied{Title: "This form has expired",
		Message:  "The form was missing its security token, or it came from another site. Go back, reload the page and try again.",
		LinkText: "Home", LinkURL: "/"}
}

// csrf is a double-submit check: a random token lives in a cookie, and every
// unsafe request must echo it in the _csrf field or the X-CSRF-Token header.
// SameSite keeps the cookie from other sites; the check keeps forged forms out.
//
// Pages are gzipped, so a secret repeated in every page next to text an
// attacker can inject could be guessed byte by byte from response sizes
// (BREACH). Pages therefore carry the token only masked with a fresh random
// pad (maskCSRF), and the check unmasks it.
func (s *Server) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.sessionless(c) {
			return next(c)
		}
		token := kit.CookieValue(c, kit.CSRFCookie)
		if _, ok := decodeCSRF(token, csrfRawLen, csrfTokenBytes); !ok {
			b := make([]byte, csrfTokenBytes)
			if _, err := rand.Read(b); err != nil {
				return err
			}
			token = base64.RawURLEncoding.EncodeToString(b)
			kit.SetCookie(c, kit.CSRFCookie, token, 12*3600)
		}
		// One mask per response, shared by the layout and the forms that
		// handlers keep rendered (kit.Kept) with the token as a hole.
		kit.SetFormToken(c, maskCSRF(token))
		if safeMethods[c.Request().Method] {
			return next(c)
		}
		if skip := s.csrfSkips[c.Request().Method+" "+c.Path()]; skip != nil && skip(c) {
			return next(c)
		}
		if !s.fromThisSite(c.Request()) {
			return csrfDenied()
		}
		// The token comes in a header or in the body, never in the URL,
		// where logs, history and Referer headers would keep it.
		sent := c.Request().Header.Get("X-CSRF-Token")
		if sent == "" {
			sent = c.Request().PostFormValue("_csrf")
		}
		if !csrfMatches(sent, token) {
			if err := s.sessionEnded(c); err != nil {
				return err
			}
			return csrfDenied()
		}
		return next(c)
	}
}

// fromThisSite checks where an unsafe request says it comes from: its
// Origin, else its Referer, must be a page of this site. A request that
// names neither (some clients send none) is left to the token.
func (s *Server) fromThisSite(r *http.Request) bool {
	if origin := r.Header.Get("Origin"); origin != "" {
		return kit.SameOrigin(origin, s.cfg.BaseURL, r.Host)
	}
	if referer := r.Header.Get("Referer"); referer != "" {
		u, err := url.Parse(referer)
		return err == nil && kit.SameOrigin(u.Scheme+"://"+u.Host, s.cfg.BaseURL, r.Host)
	}
	return true
}

// csrfMatches accepts the masked token pages carry, or the raw one: scripts
// read that from the cookie, and it never appears in a page, so accepting it
// (in the header or the field) gives BREACH nothing to find.
func csrfMatches(sent, token string) bool {
	want, ok := decodeCSRF(token, csrfRawLen, csrfTokenBytes)
	if !ok {
		return false
	}
	switch len(sent) {
	case csrfRawLen:
		return subtle.ConstantTimeCompare([]byte(sent), []byte(token)) == 1
	case csrfMaskedLen:
		got, ok := unmaskCSRF(sent)
		return ok && subtle.ConstantTimeCompare(got, want) == 1
	}
	return false
}

// maskCSRF returns base64url(pad || pad XOR token) with a fresh pad, so that
// no two pages carry the same bytes for the token. An empty or malformed
// token (no CSRF middleware ran) gives "".
func maskCSRF(token string) string {
	raw, ok := decodeCSRF(token, csrfRawLen, csrfTokenBytes)
	if !ok {
		return ""
	}
	out := make([]byte, 2*csrfTokenBytes)
	if _, err := rand.Read(out[:csrfTokenBytes]); err != nil {
		// crypto/rand does not fail on supported platforms; a blank field
		// only makes the form fail closed.
		return ""
	}
	for i, b := range raw {
		out[csrfTokenBytes+i] = out[i] ^ b
	}
	return base64.RawURLEncoding.EncodeToString(out)
}

// unmaskCSRF undoes maskCSRF, refusing anything of the wrong shape.
func unmaskCSRF(masked string) ([]byte, bool) {
	b, ok := decodeCSRF(masked, csrfMaskedLen, 2*csrfTokenBytes)
	if !ok {
		return nil, false
	}
	token := make([]byte, csrfTokenBytes)
	for i := range token {
		token[i] = b[i] ^ b[csrfTokenBytes+i]
	}
	return token, true
}

// decodeCSRF decodes unpadded base64url of an exact length.
func decodeCSRF(s string, encodedLen, decodedLen int) ([]byte, bool) {
	if len(s) != encodedLen {
		return nil, false
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) != decodedLen {
		return nil, false
	}
	return b, true
}

package web

import (
	"errors"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"curbside/app/web/kit"
)

// Body limits: text forms are small; multipart forms carry a document or
// images. A route may raise its own limit (kit.Route.MaxBody).
const (
	formLimit      = 1 << 20
	multipartLimit = 12 << 20
	// multipartMemory is what a multipart form may hold in memory; larger
	// files spill to temporary files.
	multipartMemory = 1 << 20
)

// readForm bounds the body of every unsafe request, parses its form once,
// and makes its values valid UTF-8 without NUL bytes, so no handler and no
// query ever sees bytes PostgreSQL would refuse. It runs after the session is
// known: only a signed-in member may send more than a small form, or one
// whose session lapsed while they wrote a form that keeps it (kit.Route.Hold).
func (s *Server) readForm(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if safeMethods[r.Method] {
			return next(c)
		}
		mediaType, _, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
		multipart := mediaType == echo.MIMEMultipartForm
		limit := int64(formLimit)
		if kit.ViewerOf(c) != nil || s.holdable(c) {
			if multipart {
				limit = multipartLimit
			}
			if max, ok := s.bodyLimits[r.Method+" "+c.Path()]; ok {
				limit = max
				// Room for a slow clinic connection to send the whole document,
				// and for the answer to go back after it.
				rc := http.NewResponseController(c.Response())
				_ = rc.SetReadDeadline(time.Now().Add(5 * time.Minute))
				_ = rc.SetWriteDeadline(time.Now().Add(6 * time.Minute))
			}
		}
		if r.ContentLength > limit {
			return echo.ErrStatusRequestEntityTooLarge
		}
		r.Body = http.MaxBytesReader(c.Response(), r.Body, limit)
		var err error
		if multipart {
			err = r.ParseMultipartForm(multipartMemory)
		} else {
			err = r.ParseForm()
		}
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			return echo.ErrStatusRequestEntityTooLarge
		case err != nil:
			return echo.NewHTTPError(http.StatusBadRequest, "malformed form")
		}
		cleanValues(r.Form)
		cleanValues(r.PostForm)
		if r.MultipartForm != nil {
			cleanValues(r.MultipartForm.Value)
		}
		return next(c)
	}
}

// cleanQuery does for a URL's query what readForm does for a form, before
// anything reads it: PostgreSQL refuses text that is not UTF-8 or holds a
// NUL, and a hand-made link (/search?q=%FF) must get a page, not a 500.
// Only a query with escapes can hold either, so the others pass untouched.
func cleanQuery(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u := c.Request().URL
		if strings.IndexByte(u.RawQuery, '%') >= 0 {
			q := u.Query()
			if !validValues(q) {
				cleanValues(q)
				u.RawQuery = q.Encode()
			}
		}
		return next(c)
	}
}

func validValues(values map[string][]string) bool {
	for _, vs := range values {
		for _, v := range vs {
			if !utf8.ValidString(v) || strings.IndexByte(v, 0) >= 0 {
				return false
			}
		}
	}
	return true
}

func cleanValues(values map[string][]string) {
	for _, vs := range values {
		for i, v := range vs {
			if !utf8.ValidString(v) || strings.IndexByte(v, 0) >= 0 {
				vs[i] = strings.ReplaceAll(strings.ToValidUTF8(v, "\uFFFD"), "\x00", "")
			}
		}
	}
}

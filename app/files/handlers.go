package files

import (
	"bytes"
	"curbside/app/media"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"
)

// Serving says how a file goes out: the caller has already decided that the
// viewer may see it.
type Serving struct {
	// Download makes the browser save the file instead of showing it.
	Download bool
	// Framed lets pages of this site show the file in a frame (the
	// moderator's document viewer); otherwise no one may frame it.
	Framed bool
	// MaxAge lets the browser keep the file this long; 0 means never store
	// it (license documents). Files never change under their URL, so a
	// browser that kept one may reuse it without asking.
	MaxAge time.Duration
}

// Serve writes f with headers that keep it inert: its own type and no
// sniffing, a sandbox so that a PDF or image cannot run script against the
// site, and private caching only. HEAD gets the headers alone.
func Serve(c echo.Context, f *File, how Serving) error {
	h := c.Response().Header()
	disposition := "inline"
	// A PDF cannot be sandboxed: browsers refuse to run their viewer in a
	// sandbox. So it is shown inline only in this site's own frame, and is
	// a download anywhere else, the frame's address opened in a tab included.
	if how.Download || f.IsPDF() && !(how.Framed && embedded(c.Request()) && inert(f)) {
		disposition = "attachment"
	}
	h.Set("Content-Disposition", fmt.Sprintf("%s; filename=%q; filename*=UTF-8''%s", disposition, f.Filename, url.PathEscape(f.Filename)))
	h.Set("X-Content-Type-Options", "nosniff")
	ancestors, frameOptions := "'none'", "DENY"
	if how.Framed {
		ancestors, frameOptions = "'self'", "SAMEORIGIN"
	}
	csp := "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors " + ancestors
	// sandbox (without allow-scripts) gives the file no script and no origin.
	// A PDF shown inline (in the moderator's frame) goes without it; its
	// viewer runs apart from the site, and PDFs with script are refused at
	// upload anyway.
	if disposition == "attachment" || !f.IsPDF() {
		csp = "sandbox; " + csp
	}
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Frame-Options", frameOptions)
	if how.MaxAge > 0 {
		h.Set("Cache-Control", fmt.Sprintf("private, max-age=%d, immutable", int(how.MaxAge.Seconds())))
	} else {
		h.Set("Cache-Control", "private, no-store")
	}
	etag := `"` + f.Sha256 + `"`
	h.Set("ETag", etag)
	h.Set(echo.HeaderContentType, f.ContentType)
	// ServeContent answers HEAD, ranges (PDF viewers ask for them) and If-None-Match.
	http.ServeContent(c.Response(), c.Request(), "", f.CreatedAt, bytes.NewReader(f.Data))
	return nil
}

// inert checks a PDF again before it is shown inline: one stored before
// uploads were scanned may carry what uploads now refuse.
func inert(f *File) bool { return media.ScanPDF(f.Data) == nil }

// embedded reports a request for a frame or an embed of a page, as
// browsers tell with Sec-Fetch-Dest; one that does not say counts as
// embedded, so older browsers still show the moderator's frame.
func embedded(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Dest") {
	case "", "iframe", "frame", "embed", "object":
		return true
	}
	return false
}

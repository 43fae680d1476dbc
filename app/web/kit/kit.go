// Package kit is what capability handlers need from the web layer: the route
// table's types, the signed-in viewer, flash messages and form helpers. It
// imports nothing of ours but apperr, identity and db, which every
// capability has below it, so every capability may use it.
package kit

import (
	"fmt"
	"strconv"

	"net/http"
	"net/url"
	"strings"
	"time"

	"curbside/app/apperr"
	"curbside/app/db"
	"curbside/app/identity"

	"github.com/labstack/echo/v4"
)

// Level is who may reach a route.
type Level int

// Access levels, from open to narrowest.
const (
	Public    Level = iota // anyone, signed in or not
	SignedIn               // any account that is not suspended
	Verified               // verified members, moderators and admins
	Moderator              // moderators and admins
	Admin                  // admins only
)

func (l Level) String() string {
	return [...]string{"public", "signed-in", "verified", "moderator", "admin"}[l]
}

// Route is one row of the route table: the single source of truth for who
// may reach what.
type Route struct {
	Method  string
	Path    string
	Level   Level
	Handler echo.HandlerFunc
	// MaxBody raises the request body limit for this route (0: the default).
	MaxBody int64
	// LongLived routes (websockets) escape the server's read and write
	// timeouts, and must track their connection with TrackConn so that
	// shutdown can close it.
	LongLived bool
	// NoSession routes (health checks, metrics) neither load the session
	// nor hand out cookies: probes hit them often and need neither.
	NoSession bool
	// SkipCSRF, when it reports true for an unsafe request, lets it through
	// without a CSRF token: only for a request that carries its own proof
	// and comes from a client that cannot hold our cookie (a mail client's
	// one-click unsubscribe, RFC 8058).
	SkipCSRF func(c echo.Context) bool
	// Hold, on a form that publishes what a member wrote, keeps the text
	// when it arrives with a session that lapsed while they typed: it saves
	// it for the lapsed session's member (who would still pass the route's
	// level) and returns where to go on after logging in again.
	Hold func(c echo.Context, member *Viewer) (next string, err error)
	// Keep does what Hold does for forms without drafts: see kit.Keep.
	Keep *Keep
	// Rider, on a page read on every visit, gives a read to send with the
	// session lookup on its round trip (db.Rider), or nil; the handler finds
	// it again, scanned, with RiderOf. GET only.
	Rider func(c echo.Context) db.Rider
}

const riderKey = "curbside.rider"

// SetRider records the rider sent with the request's session lookup.
func SetRider(c echo.Context, r db.Rider) { c.Set(riderKey, r) }

// RiderOf returns the rider sent with the request's session lookup, scanned,
// or nil when none went (no session, or the route has none).
func RiderOf(c echo.Context) db.Rider {
	r, _ := c.Get(riderKey).(db.Rider)
	return r
}

const lapsedKey = "curbside.lapsed"

// SetLapsed records the member of the lapsed session a request came with.
func SetLapsed(c echo.Context, v *Viewer) { c.Set(lapsedKey, v) }

// LapsedOf returns the member of the lapsed session a request came with, or nil.
func LapsedOf(c echo.Context) *Viewer {
	v, _ := c.Get(lapsedKey).(*Viewer)
	return v
}

// Viewer is the signed-in member behind a request.
type Viewer = identity.Viewer

const viewerKey = "curbside.viewer"

// SetViewer attaches the signed-in member to the request.
func SetViewer(c echo.Context, v *Viewer) { c.Set(viewerKey, v) }

// ViewerOf returns the signed-in member, or nil for an anonymous request.
func ViewerOf(c echo.Context) *Viewer {
	v, _ := c.Get(viewerKey).(*Viewer)
	return v
}

// Meta describes the request for the rules: its address (as the server's IP
// extractor, which trusts only configured proxies, sees it) and browser.
func Meta(c echo.Context) identity.Meta {
	return identity.Meta{IP: c.RealIP(), UserAgent: strings.ToValidUTF8(c.Request().UserAgent(), "")}
}

// ParamID reads a positive integer path parameter; anything else is not found.
func ParamID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id < 1 {
		return 0, fmt.Errorf("%s %q: %w", name, c.Param(name), apperr.ErrNotFound)
	}
	return id, nil
}

const flashCookie = "curbside_flash"

// Flash leaves a one-line message for the next page the browser shows.
func Flash(c echo.Context, msg string) { SetCookie(c, flashCookie, url.QueryEscape(msg), 60) }

// TakeFlash returns and clears the pending flash message.
func TakeFlash(c echo.Context) string {
	v := CookieValue(c, flashCookie)
	if v == "" {
		return ""
	}
	SetCookie(c, flashCookie, "", -1)
	msg, err := url.QueryUnescape(v)
	if err != nil {
		return ""
	}
	return msg
}

// SeeOther answers a successful form POST with 303 to the page showing the result.
func SeeOther(c echo.Context, path string) error { return c.Redirect(http.StatusSeeOther, path) }

// SafeNext returns next when it is a path on this site, else fallback, so a
// crafted link cannot send a member to another site after login.
func SafeNext(next, fallback string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return fallback
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return fallback
	}
	return next
}

// Form carries a form's values and its per-field messages back to a template.
type Form struct {
	Values map[string]string
	Errors map[string]string
}

// NewForm copies the named fields from the request.
func NewForm(c echo.Context, fields ...string) Form {
	f := Form{Values: map[string]string{}, Errors: map[string]string{}}
	for _, name := range fields {
		f.Values[name] = c.FormValue(name)
	}
	return f
}

// Value returns a field's submitted value.
func (f Form) Value(name string) string { return f.Values[name] }

// Error returns the message for a field, or "".
func (f Form) Error(name string) string { return f.Errors[name] }

// Option is one choice of a select field.
type Option struct{ Value, Label string }

// Options offers values, each labelled from labels or else by itself.
func Options(values []string, labels map[string]string) []Option {
	opts := make([]Option, 0, len(values))
	for _, v := range values {
		l := labels[v]
		if l == "" {
			l = v
		}
		opts = append(opts, Option{Value: v, Label: l})
	}
	return opts
}

// Ago says how long ago t was, as pages show it ("3 hours ago"), and past a
// month the date, as it was in loc (the member's zone: Viewer.Location).
func Ago(t time.Time, loc *time.Location) string {
	d := time.Since(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute") + " ago"
	case d < 24*time.Hour:
		return plural(int(d/time.Hour), "hour") + " ago"
	case d < 30*24*time.Hour:
		return plural(int(d/(24*time.Hour)), "day") + " ago"
	}
	return t.In(loc).Format("2 Jan 2006")
}

// Took says how long something took or has waited ("under a minute",
// "40 minutes", "3 hours 5 minutes", "2 days"), to the precision a
// physician reading a turnaround needs.
func Took(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "less than a minute"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute")
	case d < 24*time.Hour:
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return plural(h, "hour")
		}
		return plural(h, "hour") + " " + plural(m, "minute")
	}
	return plural(int(d/(24*time.Hour)), "day")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

// SameOrigin accepts pages of the site itself: the configured base URL's
// origin, or the host the request was sent to (as a browser's same-origin
// rule has it). A page of any other site, or none, is refused.
func SameOrigin(origin string, base *url.URL, host string) bool {
	u, err := url.Parse(origin)
	if origin == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	if base != nil && u.Scheme == base.Scheme && strings.EqualFold(u.Host, base.Host) {
		return true
	}
	return strings.EqualFold(u.Host, host)
}

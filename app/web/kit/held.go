package kit

import "github.com/labstack/echo/v4"

// Keep, on a form with no drafts of its own (see Route.Hold), names the
// text fields the web layer keeps when the form arrives with a lapsed
// session, and the page the form lives on: login leads back there, and its
// handler puts the fields back (Restore). Files are never kept.
type Keep struct {
	Fields []string
	Page   func(c echo.Context) (string, error)
}

// HeldParam is the query parameter that brings kept fields back to their page.
const HeldParam = "held"

const (
	heldKey         = "curbside.held"
	sessionEndedKey = "curbside.session_ended"
)

// SetHeld attaches the fields kept for the signed-in member on this page.
func SetHeld(c echo.Context, fields map[string]string) { c.Set(heldKey, fields) }

// Held returns the fields kept for this page, or nil.
func Held(c echo.Context) map[string]string {
	f, _ := c.Get(heldKey).(map[string]string)
	return f
}

// Restore puts the fields kept for this page (Keep) into values, which it
// returns: what the member typed before their session ended.
func Restore(c echo.Context, values map[string]string) map[string]string {
	if values == nil {
		values = map[string]string{}
	}
	for k, v := range Held(c) {
		values[k] = v
	}
	return values
}

// SetSessionEnded records that the request carried a session cookie whose
// session is gone (signed out elsewhere, revoked, pruned).
func SetSessionEnded(c echo.Context) { c.Set(sessionEndedKey, true) }

// SessionEnded reports a request whose session ended under it: a lapsed
// one, or a cookie naming no session any more.
func SessionEnded(c echo.Context) bool {
	ended, _ := c.Get(sessionEndedKey).(bool)
	return ended || LapsedOf(c) != nil
}

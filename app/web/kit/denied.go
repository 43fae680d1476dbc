package kit

import "curbside/app/apperr"

// Denied is a 403 page: what was refused, why, and a way forward. Only
// handlers and the web layer make one; the rules return typed errors, which
// handlers turn into Denied.
type Denied struct {
	Title    string
	Message  string
	LinkURL  string
	LinkText string
}

func (d *Denied) Error() string { return "forbidden: " + d.Title }

// Unwrap lets errors.Is(err, apperr.ErrForbidden) match.
func (d *Denied) Unwrap() error { return apperr.ErrForbidden }

package notify

import (
	"net/http"

	"curbside/app/web/kit"
)

// Routes lists the notification pages. Notifications never hold clinical
// content, so members who are not yet verified may read theirs.
func (h *Handlers) Routes() []kit.Route {
	return []kit.Route{
		{Method: http.MethodGet, Path: "/notifications", Level: kit.SignedIn, Handler: h.list},
		{Method: http.MethodPost, Path: "/notifications/read", Level: kit.SignedIn, Handler: h.markRead},
	}
}

package verification

import (
	"net/http"

	"curbside/app/web/kit"
)

// Routes lists the verification pages with who may reach them.
func (h *Handlers) Routes() []kit.Route {
	return []kit.Route{
		{Method: http.MethodGet, Path: "/verification", Level: kit.SignedIn, Handler: h.status},
		// Room for a document somewhat over the limit, so that it gets the form back with a message rather than a bare 413.
		{Method: http.MethodPost, Path: "/verification", Level: kit.SignedIn, Handler: h.submit, MaxBody: 3 * MaxDocumentBytes},
		{Method: http.MethodGet, Path: "/verification/requests/:id/document", Level: kit.SignedIn, Handler: h.ownDocument},
		{Method: http.MethodGet, Path: "/mod/verifications", Level: kit.Moderator, Handler: h.queue},
		{Method: http.MethodGet, Path: "/mod/verifications/:id", Level: kit.Moderator, Handler: h.review},
		{Method: http.MethodGet, Path: "/mod/verifications/:id/document", Level: kit.Moderator, Handler: h.reviewDocument},
		{Method: http.MethodPost, Path: "/mod/verifications/:id/approve", Level: kit.Moderator, Handler: h.approve},
		{Method: http.MethodPost, Path: "/mod/verifications/:id/reject", Level: kit.Moderator, Handler: h.reject},
	}
}

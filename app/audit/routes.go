package audit

import (
	"net/http"

	"curbside/app/web/kit"
)

// Routes lists the audit log's pages with who may reach them.
func (h *Handlers) Routes() []kit.Route {
	return []kit.Route{{Method: http.MethodGet, Path: "/mod/audit", Level: kit.Moderator, Handler: h.page}}
}

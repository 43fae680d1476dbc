package moderation

import (
	"net/http"

	"curbside/app/web/kit"
)

// Routes lists the moderation pages with who may reach them.
func (h *Handlers) Routes() []kit.Route {
	return []kit.Route{
		{Method: http.MethodGet, Path: "/mod", Level: kit.Moderator, Handler: h.home},
		{Method: http.MethodGet, Path: "/mod/users", Level: kit.Moderator, Handler: h.directory},
		{Method: http.MethodGet, Path: "/mod/users/:id", Level: kit.Moderator, Handler: h.member},
		{Method: http.MethodPost, Path: "/mod/users/:id/suspend", Level: kit.Moderator, Handler: h.suspend},
		{Method: http.MethodPost, Path: "/mod/users/:id/unsuspend", Level: kit.Moderator, Handler: h.unsuspend},
		{Method: http.MethodPost, Path: "/admin/users/:id/role", Level: kit.Admin, Handler: h.setRole},
		{Method: http.MethodGet, Path: "/flags/new", Level: kit.Verified, Handler: h.flagForm},
		{Method: http.MethodPost, Path: "/flags", Level: kit.Verified, Handler: h.flag},
		{Method: http.MethodGet, Path: "/mod/flags", Level: kit.Moderator, Handler: h.queue},
		{Method: http.MethodPost, Path: "/mod/flags/:id/resolve", Level: kit.Moderator, Handler: h.resolve},
		{Method: http.MethodPost, Path: "/mod/hidden", Level: kit.Moderator, Handler: h.setHidden},
	}
}

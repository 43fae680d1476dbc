package cases

import (
	"net/http"

	"curbside/app/web/kit"
)

// maxCaseBody leaves room for six images at their limit and the text, so a
// form somewhat over gets its answer rather than a bare 413.
const maxCaseBody = MaxImages*MaxImageSize + 4<<20

// Routes lists the forum pages with who may reach them.
func (h *Handlers) Routes() []kit.Route {
	return []kit.Route{
		{Method: http.MethodGet, Path: "/", Level: kit.Public, Handler: h.home},
		{Method: http.MethodGet, Path: "/cases", Level: kit.Verified, Handler: h.index, Rider: h.listRider},
		{Method: http.MethodGet, Path: "/cases/new", Level: kit.Verified, Handler: h.newForm},
		{Method: http.MethodPost, Path: "/cases", Level: kit.Verified, Handler: h.create, MaxBody: maxCaseBody,
			Hold: h.holdCase},
		{Method: http.MethodGet, Path: "/cases/:id", Level: kit.Verified, Handler: h.show, Rider: h.pageRider},
		{Method: http.MethodGet, Path: "/cases/:id/edit", Level: kit.Verified, Handler: h.editForm},
		{Method: http.MethodPost, Path: "/cases/:id/edit", Level: kit.Verified, Handler: h.edit},
		{Method: http.MethodPost, Path: "/cases/:id/delete", Level: kit.Verified, Handler: h.deleteCase},
		{Method: http.MethodPost, Path: "/cases/:id/replies", Level: kit.Verified, Handler: h.reply, Hold: h.holdReply},
		{Method: http.MethodPost, Path: "/cases/:id/outcome", Level: kit.Verified, Handler: h.outcome},
		{Method: http.MethodPost, Path: "/cases/:id/accept", Level: kit.Verified, Handler: h.accept},
		{Method: http.MethodPost, Path: "/cases/:id/follow", Level: kit.Verified, Handler: h.follow},
		{Method: http.MethodGet, Path: "/cases/:id/images/:pos", Level: kit.Verified, Handler: h.image},
		{Method: http.MethodGet, Path: "/cases/:id/history", Level: kit.Moderator, Handler: h.history},
		{Method: http.MethodPost, Path: "/replies/:id/helpful", Level: kit.Verified, Handler: h.helpful},
		{Method: http.MethodGet, Path: "/replies/:id/edit", Level: kit.Verified, Handler: h.editReplyForm},
		{Method: http.MethodPost, Path: "/replies/:id/edit", Level: kit.Verified, Handler: h.editReply},
		{Method: http.MethodPost, Path: "/replies/:id/delete", Level: kit.Verified, Handler: h.deleteReply},
		{Method: http.MethodGet, Path: "/drafts", Level: kit.Verified, Handler: h.drafts},
		{Method: http.MethodPost, Path: "/drafts", Level: kit.Verified, Handler: h.autosave, Hold: h.holdAutosave},
		{Method: http.MethodPost, Path: "/drafts/:id/delete", Level: kit.Verified, Handler: h.deleteDraft},
		{Method: http.MethodGet, Path: "/search", Level: kit.Verified, Handler: h.search},
	}
}

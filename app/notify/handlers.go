package notify

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"curbside/app/paths"
	"curbside/app/web/kit"
)

// Handlers serves a member's notifications.
type Handlers struct{ svc *Service }

// NewHandlers returns the notification pages.
func NewHandlers(svc *Service) *Handlers { return &Handlers{svc: svc} }

func (h *Handlers) list(c echo.Context) error {
	list, err := h.svc.Recent(c.Request().Context(), kit.ViewerOf(c).UserID, 100)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "notifications", list)
}

// open marks a notification read on the way to what it is about, as the
// case page marks a case read.
func (h *Handlers) open(c echo.Context) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	link, err := h.svc.Open(c.Request().Context(), kit.ViewerOf(c).UserID, id, c.Request().Method == http.MethodGet)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, kit.SafeNext(link, paths.Notifications))
}

func (h *Handlers) markRead(c echo.Context) error {
	if err := h.svc.MarkAllRead(c.Request().Context(), kit.ViewerOf(c).UserID); err != nil {
		return err
	}
	return kit.SeeOther(c, paths.Notifications)
}

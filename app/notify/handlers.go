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

func (h *Handlers) markRead(c echo.Context) error {
	if err := h.svc.MarkAllRead(c.Request().Context(), kit.ViewerOf(c).UserID); err != nil {
		return err
	}
	return kit.SeeOther(c, paths.Notifications)
}

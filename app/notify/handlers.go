package notify

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"curbside/app/web/kit"
)

func (s *Service) list(c echo.Context) error {
	list, err := s.Recent(c.Request().Context(), kit.ViewerOf(c).UserID, 100)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "notifications", list)
}

func (s *Service) markRead(c echo.Context) error {
	if err := s.MarkAllRead(c.Request().Context(), kit.ViewerOf(c).UserID); err != nil {
		return err
	}
	return kit.SeeOther(c, "/notifications")
}

// Routes lists the notification pages. Notifications never hold clinical
// content, so members who are not yet verified may read theirs.
func (s *Service) Routes() []kit.Route {
	return []kit.Route{
		{Method: http.MethodGet, Path: "/notifications", Level: kit.SignedIn, Handler: s.list},
		{Method: http.MethodPost, Path: "/notifications/read", Level: kit.SignedIn, Handler: s.markRead},
	}
}

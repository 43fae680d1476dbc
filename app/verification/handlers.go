// Package verification holds license verification and the moderator queue.
package verification

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"curbside/app/web/kit"
)

func status(c echo.Context) error {
	return c.Render(http.StatusOK, "verification", nil)
}

// Routes lists the verification pages with who may reach them.
func Routes() []kit.Route {
	return []kit.Route{
		{Method: http.MethodGet, Path: "/verification", Level: kit.SignedIn, Handler: status},
	}
}

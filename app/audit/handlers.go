package audit

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"curbside/app/web/kit"
)

const perPage = 50

func (l *Log) page(c echo.Context) error {
	n, _ := strconv.Atoi(c.QueryParam("page"))
	p, err := l.List(c.Request().Context(), max(n, 1), perPage)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "mod_audit", p)
}

// Routes lists the audit log's pages.
func (l *Log) Routes() []kit.Route {
	return []kit.Route{{Method: http.MethodGet, Path: "/mod/audit", Level: kit.Moderator, Handler: l.page}}
}

package audit

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
)

const perPage = 50

// Handlers serves the audit log to moderators.
type Handlers struct{ log *Log }

// NewHandlers returns the audit log's pages.
func NewHandlers(l *Log) *Handlers { return &Handlers{log: l} }

func (h *Handlers) page(c echo.Context) error {
	n, _ := strconv.Atoi(c.QueryParam("page"))
	p, err := h.log.List(c.Request().Context(), max(n, 1), perPage)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "mod_audit", p)
}

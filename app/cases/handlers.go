// Package cases holds the case-discussion forums.
package cases

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"curbside/app/accounts"
	"curbside/app/web/kit"
)

// Handlers serves the forum pages.
type Handlers struct{ accounts *accounts.Service }

// NewHandlers returns the forum pages.
func NewHandlers(acct *accounts.Service) *Handlers { return &Handlers{accounts: acct} }

// indexPage lists the forums, one per specialty.
type indexPage struct {
	Specialties []accounts.Specialty
	Selected    string
}

func (h *Handlers) index(c echo.Context) error {
	list, err := h.accounts.Specialties(c.Request().Context())
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "cases_index", indexPage{Specialties: list, Selected: c.QueryParam("specialty")})
}

// Routes lists the forum pages with who may reach them.
func (h *Handlers) Routes() []kit.Route {
	return []kit.Route{
		{Method: http.MethodGet, Path: "/cases", Level: kit.Verified, Handler: h.index},
	}
}

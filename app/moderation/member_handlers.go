package moderation

import (
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"curbside/app/accounts"
	"curbside/app/apperr"
	"curbside/app/web/kit"
)

// Handlers serves the moderation pages.
type Handlers struct{ svc *Service }

// NewHandlers returns the moderation pages.
func NewHandlers(svc *Service) *Handlers { return &Handlers{svc: svc} }

// directoryPage is the member directory's data.
type directoryPage struct {
	Form     kit.Form
	Members  []MemberRow
	Statuses []kit.Option
	Searched bool
	Limit    int
}

func (h *Handlers) directory(c echo.Context) error {
	form := kit.NewForm(c, "q", "status")
	status := form.Value("status")
	if status != "" && !slices.Contains(Statuses, status) {
		form.Errors["status"] = "Choose one of the statuses listed."
		return c.Render(http.StatusUnprocessableEntity, "mod_users", directoryPage{Form: form, Statuses: statusOptions})
	}
	list, err := h.svc.Directory(c.Request().Context(), form.Value("q"), status)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "mod_users", directoryPage{Form: form, Members: list, Statuses: statusOptions,
		Searched: form.Value("q") != "" || status != "", Limit: directoryLimit})
}

var statusOptions = kit.Options(Statuses, nil)

// memberPage is a member's record with the forms that act on it.
type memberPage struct {
	Member *Member
	Form   kit.Form
	Roles  []kit.Option
	// Mine: the record is the viewer's own.
	Mine bool
}

func (h *Handlers) member(c echo.Context) error {
	return h.renderMember(c, http.StatusOK, kit.NewForm(c))
}

func (h *Handlers) renderMember(c echo.Context, status int, form kit.Form) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	v := kit.ViewerOf(c)
	m, err := h.svc.Member(c.Request().Context(), v, id, kit.Meta(c))
	if err != nil {
		return err
	}
	if form.Values["role"] == "" {
		form.Values["role"] = m.Role
	}
	return c.Render(status, "mod_user", memberPage{Member: m, Form: form, Roles: kit.Options(accounts.Roles, nil), Mine: id == v.UserID})
}

func (h *Handlers) suspend(c echo.Context) error {
	return h.act(c, "reason", "Suspended: the member's sessions have ended, and logging in shows your reason.",
		func(id int64) error {
			return h.svc.Suspend(c.Request().Context(), kit.ViewerOf(c), id, c.FormValue("reason"), kit.Meta(c))
		})
}

func (h *Handlers) unsuspend(c echo.Context) error {
	return h.act(c, "", "Suspension lifted: the member has their previous status back.", func(id int64) error {
		return h.svc.Unsuspend(c.Request().Context(), kit.ViewerOf(c), id, kit.Meta(c))
	})
}

func (h *Handlers) setRole(c echo.Context) error {
	return h.act(c, "role", "Role changed: it takes effect on the member's next page.", func(id int64) error {
		return h.svc.SetRole(c.Request().Context(), kit.ViewerOf(c), id, c.FormValue("role"), kit.Meta(c))
	})
}

// act runs one action on the member in the path, then shows their record
// again: with the message at field when the input was refused.
func (h *Handlers) act(c echo.Context, field, done string, run func(id int64) error) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	err = run(id)
	var fe apperr.FieldErrors
	switch {
	case errors.As(err, &fe):
		form := kit.NewForm(c, field)
		form.Errors = fe
		return h.renderMember(c, http.StatusUnprocessableEntity, form)
	case errors.Is(err, ErrAdminsOnly):
		return &kit.Denied{Title: "Admins only", Message: "Only an admin may suspend or reinstate a moderator or an admin.",
			LinkURL: memberPath(id), LinkText: "Back to the member"}
	case err != nil:
		return err
	}
	kit.Flash(c, done)
	return kit.SeeOther(c, memberPath(id))
}

func memberPath(id int64) string { return "/mod/users/" + strconv.FormatInt(id, 10) }

func (h *Handlers) home(c echo.Context) error {
	o, err := h.svc.Overview(c.Request().Context())
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "mod_home", o)
}

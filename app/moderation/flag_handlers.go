package moderation

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"curbside/app/apperr"
	"curbside/app/web/kit"
)

// flagPage is the flag form on a page of its own: where a refused flag
// comes back to, with its message.
type flagPage struct {
	Form kit.Form
}

// flagForm shows the flag form for what the link names; the target is
// checked when the form is sent.
func (h *Handlers) flagForm(c echo.Context) error {
	form := kit.NewForm(c, "target_type", "target_id", "next")
	form.Values["next"] = kit.SafeNext(form.Value("next"), "/cases")
	return c.Render(http.StatusOK, "flag_form", flagPage{Form: form})
}

// flag takes a member's flag, then goes back to the page they flagged from.
func (h *Handlers) flag(c echo.Context) error {
	form := kit.NewForm(c, "target_type", "target_id", "reason", "next")
	next := kit.SafeNext(form.Value("next"), "/cases")
	id, err := strconv.ParseInt(form.Value("target_id"), 10, 64)
	if err != nil || id <= 0 {
		return apperr.ErrNotFound
	}
	err = h.svc.Flag(c.Request().Context(), kit.ViewerOf(c), form.Value("target_type"), id, form.Value("reason"))
	var fe apperr.FieldErrors
	switch {
	case errors.As(err, &fe):
		form.Errors, form.Values["next"] = fe, next
		return c.Render(http.StatusUnprocessableEntity, "flag_form", flagPage{Form: form})
	case errors.Is(err, ErrFlaggedAlready):
		kit.Flash(c, ErrFlaggedAlready.Message)
	case err != nil:
		return err
	default:
		kit.Flash(c, "Thank you: a moderator will look at it. You will be told what came of it.")
	}
	return kit.SeeOther(c, next)
}

// queuePage is the flag queue's data.
type queuePage struct {
	Groups  []FlagGroup
	Guarded []Target
	// Form carries a refused resolution back to the form of the target
	// it was about (Refused, a target's Key).
	Form    kit.Form
	Refused string
}

func (h *Handlers) queue(c echo.Context) error {
	return h.renderQueue(c, http.StatusOK, kit.NewForm(c), 0)
}

func (h *Handlers) renderQueue(c echo.Context, status int, form kit.Form, flagID int64) error {
	ctx, v := c.Request().Context(), kit.ViewerOf(c)
	groups, err := h.svc.Queue(ctx, v, kit.Meta(c))
	if err != nil {
		return err
	}
	guarded, err := h.svc.Guarded(ctx, v, kit.Meta(c))
	if err != nil {
		return err
	}
	p := queuePage{Groups: groups, Guarded: guarded, Form: form}
	for _, g := range groups {
		for _, r := range g.Reports {
			if r.ID == flagID {
				p.Refused = g.Target.Key()
			}
		}
	}
	return c.Render(status, "mod_flags", p)
}

func (h *Handlers) resolve(c echo.Context) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	form := kit.NewForm(c, "action", "note")
	err = h.svc.Resolve(c.Request().Context(), kit.ViewerOf(c), id, Resolution{Action: form.Value("action"), Note: form.Value("note")}, kit.Meta(c))
	var fe apperr.FieldErrors
	switch {
	case errors.As(err, &fe):
		form.Errors = fe
		return h.renderQueue(c, http.StatusUnprocessableEntity, form, id)
	case errors.Is(err, ErrAdminsOnly):
		return &kit.Denied{Title: "Admins only", Message: "Only an admin may suspend a moderator or an admin.",
			LinkURL: "/mod/flags", LinkText: "Back to the flags"}
	case err != nil:
		return err
	}
	kit.Flash(c, resolvedMessages[form.Value("action")])
	return kit.SeeOther(c, "/mod/flags")
}

var resolvedMessages = map[string]string{
	Dismiss: "Dismissed: the members who flagged it have been told.",
	Hide:    "Hidden: members see “removed by a moderator”; you can still read and restore it.",
	Suspend: "The author is suspended, and the members who flagged it have been told.",
}

// setHidden hides or restores one target from a moderator's page.
func (h *Handlers) setHidden(c echo.Context) error {
	id, err := strconv.ParseInt(c.FormValue("target_id"), 10, 64)
	if err != nil || id <= 0 {
		return apperr.ErrNotFound
	}
	hide := c.FormValue("action") != "restore"
	err = h.svc.SetHidden(c.Request().Context(), kit.ViewerOf(c), c.FormValue("target_type"), id, hide, kit.Meta(c))
	var fe apperr.FieldErrors
	if errors.As(err, &fe) {
		return &apperr.Conflict{Message: fe["action"] + fe["target_type"]}
	} else if err != nil {
		return err
	}
	if hide {
		kit.Flash(c, "Hidden: members see “removed by a moderator”.")
	} else {
		kit.Flash(c, "Restored: members see it again.")
	}
	return kit.SeeOther(c, kit.SafeNext(c.FormValue("next"), "/mod/flags"))
}

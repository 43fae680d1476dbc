package verification

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"curbside/app/apperr"
	"curbside/app/paths"
	"curbside/app/web/kit"
)

func (h *Handlers) queue(c echo.Context) error {
	items, err := h.svc.Queue(c.Request().Context())
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "mod_verifications", items)
}

// reviewPage is one request with the reject form.
type reviewPage struct {
	*Review
	Form kit.Form
}

func (h *Handlers) renderReview(c echo.Context, code int, form kit.Form) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	rv, err := h.svc.Review(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.Render(code, "mod_verification", reviewPage{Review: rv, Form: form})
}

func (h *Handlers) review(c echo.Context) error {
	return h.renderReview(c, http.StatusOK, kit.NewForm(c))
}

func (h *Handlers) approve(c echo.Context) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	if err := h.svc.Approve(c.Request().Context(), kit.ViewerOf(c), id, kit.Meta(c)); err != nil {
		return decisionRefused(err)
	}
	kit.Flash(c, "Approved: the member is verified and has been notified.")
	return h.afterDecision(c, id)
}

func (h *Handlers) reject(c echo.Context) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	err = h.svc.Reject(c.Request().Context(), kit.ViewerOf(c), id, c.FormValue("reason"), kit.Meta(c))
	var fe apperr.FieldErrors
	if errors.As(err, &fe) {
		form := kit.NewForm(c, "reason")
		form.Errors = fe
		return h.renderReview(c, http.StatusUnprocessableEntity, form)
	}
	if err != nil {
		return decisionRefused(err)
	}
	kit.Flash(c, "Rejected: the member has been told why and may submit again.")
	return h.afterDecision(c, id)
}

// afterDecision shows the decided request again, or, when the moderator
// asked for the next one (next=1), the oldest pending request they may
// decide, or the queue when none is left.
func (h *Handlers) afterDecision(c echo.Context, id int64) error {
	if c.FormValue("next") == "" {
		return kit.SeeOther(c, paths.ModVerification(id))
	}
	next, err := h.svc.NextPending(c.Request().Context(), kit.ViewerOf(c))
	if err != nil {
		return err
	}
	if next == 0 {
		return kit.SeeOther(c, paths.ModVerifications)
	}
	return kit.SeeOther(c, paths.ModVerification(next))
}

// decisionRefused explains, as a page, a decision the rules refused.
func decisionRefused(err error) error {
	back := func(title, msg string) error {
		return &kit.Denied{Title: title, Message: msg, LinkURL: paths.ModVerifications, LinkText: "Back to the queue"}
	}
	switch {
	case errors.Is(err, ErrOwnRequest):
		return back("Not your own request", "Another moderator has to decide on your own verification.")
	case errors.Is(err, ErrApplicantSuspended):
		return back("The applicant is suspended", "Lift the suspension before deciding on this request.")
	}
	return err
}

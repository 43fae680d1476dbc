package accounts

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"curbside/app/apperr"
	"curbside/app/paths"
	"curbside/app/web/kit"
)

// forgotPage is the "forgot password" form, or (Sent) what follows it.
type forgotPage struct {
	Form kit.Form
	Sent bool
}

func (h *Handlers) forgotForm(c echo.Context) error {
	return c.Render(http.StatusOK, "password_forgot", forgotPage{Form: kit.NewForm(c), Sent: c.QueryParam("sent") == "1"})
}

// forgot mails a reset link if the address has an account, and answers the
// same way whether it has or not.
func (h *Handlers) forgot(c echo.Context) error {
	form := kit.NewForm(c, "email")
	err := h.svc.RequestPasswordReset(c.Request().Context(), form.Value("email"), kit.Meta(c))
	var fe apperr.FieldErrors
	if errors.As(err, &fe) {
		form.Errors = fe
		return c.Render(http.StatusUnprocessableEntity, "password_forgot", forgotPage{Form: form})
	} else if err != nil {
		return err
	}
	return kit.SeeOther(c, "/password/forgot?sent=1")
}

// resetPage is the form that sets a new password, or (Invalid) why it cannot.
type resetPage struct {
	Form    kit.Form
	Token   string
	Invalid bool
}

func (h *Handlers) resetForm(c echo.Context) error {
	token := c.QueryParam("token")
	ok, err := h.svc.ResetLinkWorks(c.Request().Context(), token)
	if err != nil {
		return err
	}
	if !ok {
		return c.Render(http.StatusGone, "password_reset", resetPage{Invalid: true})
	}
	return c.Render(http.StatusOK, "password_reset", resetPage{Form: kit.NewForm(c), Token: token})
}

func (h *Handlers) reset(c echo.Context) error {
	token := c.FormValue("token")
	err := h.svc.ResetPassword(c.Request().Context(), token, c.FormValue("password"), kit.Meta(c))
	var fe apperr.FieldErrors
	switch {
	case errors.As(err, &fe):
		form := kit.NewForm(c)
		form.Errors = fe
		return c.Render(http.StatusUnprocessableEntity, "password_reset", resetPage{Form: form, Token: token})
	case errors.Is(err, ErrResetLinkInvalid):
		return c.Render(http.StatusGone, "password_reset", resetPage{Invalid: true})
	case err != nil:
		return err
	}
	kit.ClearSessionCookie(c)
	kit.Flash(c, "Your password is changed and every session signed out: log in with the new one.")
	return kit.SeeOther(c, paths.Login)
}

// confirm confirms the address a link was mailed to, then goes on: to the
// member's pages when signed in, else to log in.
func (h *Handlers) confirm(c echo.Context) error {
	err := h.svc.ConfirmEmail(c.Request().Context(), c.QueryParam("token"), kit.Meta(c))
	if errors.Is(err, ErrConfirmLinkInvalid) {
		return c.Render(http.StatusGone, "confirm", nil)
	} else if err != nil {
		return err
	}
	kit.Flash(c, "Thank you: your e-mail address is confirmed.")
	if kit.ViewerOf(c) == nil {
		return kit.SeeOther(c, paths.Login)
	}
	return kit.SeeOther(c, "/")
}

// resendConfirmation mails the confirmation link again.
func (h *Handlers) resendConfirmation(c echo.Context) error {
	v := kit.ViewerOf(c)
	err := h.svc.ResendConfirmation(c.Request().Context(), v)
	switch {
	case errors.Is(err, ErrConfirmedAlready):
		kit.Flash(c, ErrConfirmedAlready.Message)
	case err != nil:
		return err
	default:
		kit.Flash(c, "A new link is on its way to "+v.Email+".")
	}
	return kit.SeeOther(c, kit.SafeNext(c.FormValue("next"), "/"))
}

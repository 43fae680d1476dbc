package accounts

import (
	"errors"
	"html/template"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"curbside/app/apperr"
	"curbside/app/db"
	"curbside/app/paths"
	"curbside/app/web/kit"
)

// securityPage is what /settings/security shows.
type securityPage struct {
	Sessions  []Session
	CurrentID int64
	Form      kit.Form
	TwoFactor bool
	Pending   *TOTPSetup
	// PendingLink is Pending's otpauth: link, marked safe for the template
	// (which lets only http, https and mailto links through by itself): it
	// is built by PendingTOTP from the member's own secret and address.
	PendingLink   template.URL
	RecoveryCodes []string
	// RecoveryDownload is RecoveryCodes sealed for the page's download form;
	// CodesUnsaved, that the member has not said their codes are saved.
	RecoveryDownload string
	CodesUnsaved     bool
	// Devices are the browsers trusted at login; CurrentDevice, this one's id.
	Devices       []TrustedDevice
	CurrentDevice int64
}

// overviewRider sends the security page's reads with the session lookup.
func (h *Handlers) overviewRider(echo.Context) db.Rider { return h.svc.OverviewRider() }

func (h *Handlers) renderSecurity(c echo.Context, status int, form kit.Form) error {
	v := kit.ViewerOf(c)
	o, err := h.svc.Overview(c.Request().Context(), v, kit.CookieValue(c, deviceCookie), kit.RiderOf(c))
	if err != nil {
		return err
	}
	page := securityPage{Sessions: o.Sessions, CurrentID: v.SessionID, Form: form, TwoFactor: v.TwoFactor,
		RecoveryCodes: h.takeRecoveryCodes(c), Devices: o.Devices, CurrentDevice: o.CurrentDevice, CodesUnsaved: o.CodesUnsaved}
	if page.RecoveryCodes != nil {
		if page.RecoveryDownload, err = h.svc.RecoveryDownload(v, page.RecoveryCodes); err != nil {
			return err
		}
	}
	if v.TwoFactorPending {
		if page.Pending, err = h.svc.PendingTOTP(c.Request().Context(), v); err != nil {
			return err
		}
		if page.Pending != nil {
			page.PendingLink = template.URL(page.Pending.Link)
		}
	}
	return c.Render(status, "settings_security", page)
}

func (h *Handlers) security(c echo.Context) error {
	return h.renderSecurity(c, http.StatusOK, kit.NewForm(c))
}

func (h *Handlers) revokeSession(c echo.Context) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	v := kit.ViewerOf(c)
	if err := h.svc.RevokeSession(c.Request().Context(), v.UserID, id, kit.Meta(c)); err != nil {
		return err
	}
	if id == v.SessionID {
		kit.ClearSessionCookie(c)
		return kit.SeeOther(c, paths.Login)
	}
	kit.Flash(c, "The session was signed out.")
	return kit.SeeOther(c, paths.SettingsSecurity)
}

func (h *Handlers) revokeOtherSessions(c echo.Context) error {
	n, err := h.svc.RevokeOtherSessions(c.Request().Context(), kit.ViewerOf(c), kit.Meta(c))
	if err != nil {
		return err
	}
	switch n {
	case 0:
		kit.Flash(c, "No other session was signed in.")
	case 1:
		kit.Flash(c, "The other session was signed out.")
	default:
		kit.Flash(c, "The "+strconv.FormatInt(n, 10)+" other sessions were signed out.")
	}
	return kit.SeeOther(c, paths.SettingsSecurity)
}

// forgetDevice stops trusting one device (the :id route) or all of them.
func (h *Handlers) forgetDevice(c echo.Context) error {
	var id int64
	if c.Param("id") != "" {
		var err error
		if id, err = kit.ParamID(c, "id"); err != nil {
			return err
		}
	}
	n, err := h.svc.ForgetDevices(c.Request().Context(), kit.ViewerOf(c).UserID, id, kit.Meta(c))
	if err != nil {
		return err
	}
	switch {
	case id != 0:
		kit.Flash(c, "That device is forgotten: its next login counts as a stranger's.")
	case n == 0:
		kit.Flash(c, "No device was remembered.")
	default:
		kit.Flash(c, "Every device is forgotten: each one's next login counts as a stranger's.")
	}
	return kit.SeeOther(c, paths.SettingsSecurity+"#devices")
}

func (h *Handlers) changePassword(c echo.Context) error {
	token, err := h.svc.ChangePassword(c.Request().Context(), kit.ViewerOf(c), c.FormValue("current_password"), c.FormValue("code"),
		c.FormValue("new_password"), kit.Meta(c))
	if err == nil {
		kit.SetSessionCookie(c, token, kit.ViewerOf(c).SessionUntil)
	}
	return h.afterSettingsForm(c, err, "Your password is changed, and your other sessions are signed out.", "")
}

// afterSettingsForm answers a form on the security page: the page again with
// 422 and the messages for field errors, else a flash and back to the page.
func (h *Handlers) afterSettingsForm(c echo.Context, err error, done, anchor string) error {
	var fe apperr.FieldErrors
	switch {
	case errors.As(err, &fe):
		form := kit.NewForm(c)
		form.Errors = fe
		return h.renderSecurity(c, http.StatusUnprocessableEntity, form)
	case errors.Is(err, ErrRecentLoginNeeded):
		return &kit.Denied{Title: "Confirm it is you",
			Message:  "Log out, sign in again through your provider, and make this change within ten minutes of signing in.",
			LinkText: "Back to security settings", LinkURL: paths.SettingsSecurity}
	case err != nil:
		return err
	}
	kit.Flash(c, done)
	return kit.SeeOther(c, paths.SettingsSecurity+anchor)
}

func (h *Handlers) settings(c echo.Context) error { return kit.SeeOther(c, paths.SettingsSecurity) }

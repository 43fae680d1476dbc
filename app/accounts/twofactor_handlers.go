package accounts

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"curbside/app/apperr"
	"curbside/app/paths"
	"curbside/app/web/kit"
)

const (
	challengeCookie = "curbside_2fa"
	recoveryCookie  = "curbside_recovery"
)

func (h *Handlers) secondFactorForm(c echo.Context) error {
	if kit.CookieValue(c, challengeCookie) == "" {
		return kit.SeeOther(c, paths.Login)
	}
	form := kit.NewForm(c)
	form.Values["next"] = c.QueryParam("next")
	form.Values["remember"] = c.QueryParam("remember")
	return c.Render(http.StatusOK, "login_2fa", form)
}

func (h *Handlers) secondFactor(c echo.Context) error {
	form := kit.NewForm(c, "next", "remember")
	res, err := h.svc.CompleteLogin(c.Request().Context(), kit.CookieValue(c, challengeCookie), c.FormValue("code"), kit.Meta(c))
	var limited *apperr.RateLimited
	switch {
	case errors.As(err, &limited):
		c.Response().Header().Set("Retry-After", strconv.Itoa(limited.Seconds()))
		form.Errors["code"] = "Too many wrong codes. Wait " + strconv.Itoa(limited.Seconds()) + " seconds, then try again."
		return c.Render(http.StatusTooManyRequests, "login_2fa", form)
	case errors.Is(err, ErrBadCode):
		form.Errors["code"] = "That code is not right. Enter the 6 digits your app shows now, or a recovery code."
		return c.Render(http.StatusUnauthorized, "login_2fa", form)
	case errors.Is(err, ErrNoChallenge):
		kit.SetCookie(c, challengeCookie, "", -1)
		kit.Flash(c, "Your login took too long or had too many wrong codes. Please log in again.")
		return kit.SeeOther(c, paths.Login)
	}
	kit.SetCookie(c, challengeCookie, "", -1)
	return h.afterLogin(c, res, err, form.Value("next"), form.Value("remember") == "on")
}

// secondFactorRedirect leads to the code's form, which carries on where the
// login goes and whether the member asked to stay signed in.
func secondFactorRedirect(c echo.Context, token, next string, remember bool) error {
	kit.SetCookie(c, challengeCookie, token, int(challengeLifetime.Seconds()))
	q := url.Values{}
	if next != "" {
		q.Set("next", next)
	}
	if remember {
		q.Set("remember", "on")
	}
	target := paths.LoginSecondStep
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	return kit.SeeOther(c, target)
}

func (h *Handlers) setupTOTP(c echo.Context) error {
	if err := h.svc.BeginTOTPSetup(c.Request().Context(), kit.ViewerOf(c)); err != nil {
		return err
	}
	return kit.SeeOther(c, paths.SettingsSecurity+"#two-factor")
}

func (h *Handlers) enableTOTP(c echo.Context) error {
	codes, token, err := h.svc.EnableTOTP(c.Request().Context(), kit.ViewerOf(c), c.FormValue("code"), c.FormValue("password"), kit.Meta(c))
	if err == nil {
		kit.SetSessionCookie(c, token, kit.ViewerOf(c).SessionUntil)
		err = h.showOnce(c, codes)
	}
	return h.afterSettingsForm(c, err, "Two-factor login is on. Save your recovery codes now.", "#two-factor")
}

func (h *Handlers) newRecoveryCodes(c echo.Context) error {
	codes, err := h.svc.NewRecoveryCodes(c.Request().Context(), kit.ViewerOf(c), c.FormValue("recovery_code"), kit.Meta(c))
	var fe apperr.FieldErrors
	if errors.As(err, &fe) && fe["code"] != "" {
		// The page has two code fields: the message goes to this form's.
		err = apperr.FieldErrors{"recovery_code": fe["code"]}
	}
	if err == nil {
		err = h.showOnce(c, codes)
	}
	return h.afterSettingsForm(c, err, "New recovery codes: the old ones no longer work. Save these now.", "#two-factor")
}

// showOnce hands recovery codes to the page the redirect leads to, sealed
// in a short cookie: they are shown once, and only their hashes are kept.
func (h *Handlers) showOnce(c echo.Context, codes []string) error {
	sealed, err := h.svc.SealForBrowser(kit.ViewerOf(c), strings.Join(codes, "."))
	if err != nil {
		return err
	}
	kit.SetCookie(c, recoveryCookie, sealed, 300)
	return nil
}

func (h *Handlers) disableTOTP(c echo.Context) error {
	err := h.svc.DisableTOTP(c.Request().Context(), kit.ViewerOf(c), c.FormValue("password"), c.FormValue("code"), kit.Meta(c))
	return h.afterSettingsForm(c, err, "Two-factor login is off.", "#two-factor")
}

// downloadRecoveryCodes answers the download form of the page that shows
// new recovery codes with them as a text file, which no cache keeps.
func (h *Handlers) downloadRecoveryCodes(c echo.Context) error {
	v := kit.ViewerOf(c)
	codes, ok := h.svc.OpenRecoveryDownload(v, c.FormValue("codes"))
	if !ok { // not this member's, or its moment has passed: a 409, not a refusal of the route
		return &apperr.Conflict{Message: "These codes are no longer available: recovery codes are shown once, and can be " +
			"downloaded only from that page, within ten minutes. If you did not save them, make new ones on the security page."}
	}
	body := "Curbside recovery codes for " + v.Email + "\n\n" +
		"Each code works once, in place of the code from your authenticator app.\n" +
		"Keep this file somewhere safe, away from your phone.\n\n" + strings.Join(codes, "\n") + "\n"
	hd := c.Response().Header()
	hd.Set("Content-Disposition", `attachment; filename="curbside-recovery-codes.txt"`)
	hd.Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "text/plain; charset=utf-8", []byte(body))
}

// recoveryCodesSaved records that the member saved their recovery codes.
func (h *Handlers) recoveryCodesSaved(c echo.Context) error {
	var err error = apperr.FieldErrors{"saved": "Tick the box once your codes are saved."}
	if c.FormValue("saved") == "on" {
		err = h.svc.ConfirmRecoveryCodesSaved(c.Request().Context(), kit.ViewerOf(c))
	}
	return h.afterSettingsForm(c, err, "Thank you: your recovery codes are saved.", "#two-factor")
}

// takeRecoveryCodes returns the codes just generated, once.
func (h *Handlers) takeRecoveryCodes(c echo.Context) []string {
	v, ok := h.svc.OpenFromBrowser(kit.ViewerOf(c), kit.CookieValue(c, recoveryCookie))
	if !ok {
		return nil
	}
	kit.SetCookie(c, recoveryCookie, "", -1)
	return strings.Split(v, ".")
}

func suspendedPage(e *SuspendedError) error {
	return &kit.Denied{Title: "Your account is suspended",
		Message:  "A moderator suspended this account. Reason: " + e.Reason,
		LinkText: "Back to the home page", LinkURL: "/"}
}

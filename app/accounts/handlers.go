package accounts

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"curbside/app/apperr"
	"curbside/app/paths"
	"curbside/app/web/kit"
)

// Handlers serves sign-up, login, logout and the security settings.
type Handlers struct {
	svc       *Service
	providers Providers
	log       *slog.Logger
}

// NewHandlers returns the account pages over svc, with sign-in through providers.
func NewHandlers(svc *Service, providers Providers, log *slog.Logger) *Handlers {
	return &Handlers{svc: svc, providers: providers, log: log}
}

// landingFor is where a member goes after signing in without a next page.
func landingFor(u *User) string {
	if u.Viewer().IsModerator() {
		return paths.ModHome
	}
	if u.Viewer().IsVerified() {
		return paths.Cases
	}
	return paths.Verification
}

func (h *Handlers) signupForm(c echo.Context) error {
	return c.Render(http.StatusOK, "signup", kit.NewForm(c))
}

func (h *Handlers) signup(c echo.Context) error {
	form := kit.NewForm(c, "email", "display_name")
	in := NewAccount{Email: form.Value("email"), Password: c.FormValue("password"), DisplayName: form.Value("display_name")}
	_, token, err := h.svc.Signup(c.Request().Context(), in, kit.Meta(c))
	var fe apperr.FieldErrors
	var limited *apperr.RateLimited
	switch {
	case errors.As(err, &fe):
		form.Errors = fe
		return c.Render(http.StatusUnprocessableEntity, "signup", form)
	case errors.As(err, &limited):
		c.Response().Header().Set("Retry-After", strconv.Itoa(limited.Seconds()))
		form.Errors["form"] = "Too many accounts were created from your network. Try again later."
		return c.Render(http.StatusTooManyRequests, "signup", form)
	}
	if err != nil {
		return err
	}
	if err := h.endPreviousSession(c); err != nil {
		return err
	}
	kit.SetSessionCookie(c, token, nil)
	kit.RotateCSRF(c)
	kit.Flash(c, "Welcome to Curbside. Verify your license to join the clinical discussions.")
	return kit.SeeOther(c, paths.Verification)
}

func (h *Handlers) loginForm(c echo.Context) error {
	if v := kit.ViewerOf(c); v != nil {
		return kit.SeeOther(c, kit.SafeNext(c.QueryParam("next"), "/"))
	}
	form := kit.NewForm(c)
	form.Values["next"] = c.QueryParam("next")
	return h.renderLogin(c, http.StatusOK, form)
}

// loginPage is the login form with the providers one may sign in with, and
// how long "keep me signed in" keeps a session ("" when it is off).
type loginPage struct {
	kit.Form
	Providers   []string
	RememberFor string
}

func (h *Handlers) renderLogin(c echo.Context, code int, form kit.Form) error {
	return c.Render(code, "login", loginPage{Form: form, Providers: h.providers.Names(), RememberFor: spell(h.svc.Remember)})
}

// spell says a duration as a member reads it: "30 days", "12 hours".
func spell(d time.Duration) string {
	switch {
	case d <= 0:
		return ""
	case d%(24*time.Hour) == 0:
		return plural(int(d/(24*time.Hour)), "day")
	case d%time.Hour == 0:
		return plural(int(d/time.Hour), "hour")
	}
	return plural(int(d/time.Minute), "minute")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

func (h *Handlers) login(c echo.Context) error {
	form := kit.NewForm(c, "email", "next", "remember")
	meta := kit.Meta(c)
	meta.TrustedDevice = h.knownDevice(c)
	res, err := h.svc.Login(c.Request().Context(), form.Value("email"), c.FormValue("password"), meta)
	var limited *apperr.RateLimited
	switch {
	case errors.Is(err, ErrBadCredentials):
		form.Errors["form"] = "Incorrect email or password."
		return h.renderLogin(c, http.StatusUnauthorized, form)
	case errors.As(err, &limited):
		c.Response().Header().Set("Retry-After", strconv.Itoa(limited.Seconds()))
		form.Errors["form"] = "Too many failed attempts. Wait " + strconv.Itoa(limited.Seconds()) + " seconds, then try again."
		return h.renderLogin(c, http.StatusTooManyRequests, form)
	}
	return h.afterLogin(c, res, err, form.Value("next"), form.Value("remember") == "on")
}

// afterLogin ends every way of signing in: on to the second factor, the
// suspension notice, or the session and the page the member was going to.
// A member who asked to stay signed in (remember) gets a session and cookie
// that outlast the browser, within the operators' limit.
func (h *Handlers) afterLogin(c echo.Context, res LoginResult, err error, next string, remember bool) error {
	var suspended *SuspendedError
	switch {
	case errors.As(err, &suspended):
		return suspendedPage(suspended)
	case err != nil:
		return err
	case res.Challenge != "":
		return secondFactorRedirect(c, res.Challenge, next, remember)
	}
	u, token := res.User, res.Session
	if err := h.endPreviousSession(c); err != nil {
		return err
	}
	var until *time.Time
	if remember {
		if until, err = h.svc.RememberSession(c.Request().Context(), token); err != nil {
			return err
		}
	}
	kit.SetSessionCookie(c, token, until)
	kit.RotateCSRF(c)
	device, err := h.svc.TrustDevice(c.Request().Context(), u.ID, kit.CookieValue(c, deviceCookie), kit.Meta(c))
	if err != nil {
		return err
	}
	kit.SetCookie(c, deviceCookie, device, int(h.svc.DeviceLifetime().Seconds()))
	return kit.SeeOther(c, kit.SafeNext(next, landingFor(u)))
}

// endPreviousSession ends the session a browser had before signing in (or
// up) again, perhaps as someone else, so none is left behind.
func (h *Handlers) endPreviousSession(c echo.Context) error {
	if old := kit.ViewerOf(c); old != nil {
		return h.svc.Logout(c.Request().Context(), old, kit.Meta(c))
	}
	if lapsed := kit.LapsedOf(c); lapsed != nil {
		return h.svc.EndLapsed(c.Request().Context(), lapsed)
	}
	return nil
}

// deviceCookie marks a browser that has signed in to an account before.
const deviceCookie = "curbside_device"

// knownDevice is the member this browser is a trusted device of, or 0. A
// failed look-up only costs the browser its leniency.
func (h *Handlers) knownDevice(c echo.Context) int64 {
	id, err := h.svc.DeviceOwner(c.Request().Context(), kit.CookieValue(c, deviceCookie))
	if err != nil {
		h.log.Warn("looking up a trusted device", "err", err)
	}
	return id
}

func (h *Handlers) logout(c echo.Context) error {
	if err := h.svc.Logout(c.Request().Context(), kit.ViewerOf(c), kit.Meta(c)); err != nil {
		return err
	}
	kit.ClearSessionCookie(c)
	kit.RotateCSRF(c)
	kit.Flash(c, "You are signed out.")
	return kit.SeeOther(c, "/")
}

// SpecialtyOptions offers specialties on a form: named, sent by slug.
func SpecialtyOptions(list []Specialty) []kit.Option {
	opts := make([]kit.Option, len(list))
	for i, sp := range list {
		opts[i] = kit.Option{Value: sp.Slug, Label: sp.Name}
	}
	return opts
}

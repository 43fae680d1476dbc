package accounts

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"curbside/app/apperr"
	"curbside/app/web/kit"
)

// Handlers serves sign-up, login, logout and the security settings.
type Handlers struct{ svc *Service }

// NewHandlers returns the account pages over svc.
func NewHandlers(svc *Service) *Handlers { return &Handlers{svc: svc} }

func meta(c echo.Context) Meta {
	return Meta{IP: kit.ClientIP(c), UserAgent: c.Request().UserAgent()}
}

// landingFor is where a member goes after signing in without a next page.
func landingFor(u *User) string {
	if u.Viewer(0).IsVerified() {
		return "/cases"
	}
	return "/verification"
}

func (h *Handlers) signupForm(c echo.Context) error {
	return c.Render(http.StatusOK, "signup", kit.NewForm(c))
}

func (h *Handlers) signup(c echo.Context) error {
	form := kit.NewForm(c, "email", "display_name")
	in := NewAccount{Email: form.Value("email"), Password: c.FormValue("password"), DisplayName: form.Value("display_name")}
	_, token, err := h.svc.Signup(c.Request().Context(), in, meta(c))
	var fe apperr.FieldErrors
	if errors.As(err, &fe) {
		form.Errors = fe
		return c.Render(http.StatusUnprocessableEntity, "signup", form)
	}
	if err != nil {
		return err
	}
	kit.SetSessionCookie(c, token)
	kit.Flash(c, "Welcome to Curbside. Verify your license to join the clinical discussions.")
	return kit.SeeOther(c, "/verification")
}

func (h *Handlers) loginForm(c echo.Context) error {
	if v := kit.ViewerOf(c); v != nil {
		return kit.SeeOther(c, kit.SafeNext(c.QueryParam("next"), "/"))
	}
	form := kit.NewForm(c)
	form.Values["next"] = c.QueryParam("next")
	return c.Render(http.StatusOK, "login", form)
}

func (h *Handlers) login(c echo.Context) error {
	form := kit.NewForm(c, "email", "next")
	u, token, err := h.svc.Login(c.Request().Context(), form.Value("email"), c.FormValue("password"), meta(c))
	var limited *apperr.RateLimited
	var suspended *SuspendedError
	var needs *SecondFactorNeeded
	switch {
	case errors.As(err, &needs):
		return secondFactorRedirect(c, needs.Token, form.Value("next"))
	case errors.Is(err, ErrBadCredentials):
		form.Errors["form"] = "Incorrect email or password."
		return c.Render(http.StatusUnauthorized, "login", form)
	case errors.As(err, &limited):
		c.Response().Header().Set("Retry-After", strconv.Itoa(limited.Seconds()))
		form.Errors["form"] = "Too many failed attempts. Wait " + strconv.Itoa(limited.Seconds()) + " seconds, then try again."
		return c.Render(http.StatusTooManyRequests, "login", form)
	case errors.As(err, &suspended):
		return suspendedPage(suspended)
	case err != nil:
		return err
	}
	kit.SetSessionCookie(c, token)
	return kit.SeeOther(c, kit.SafeNext(form.Value("next"), landingFor(u)))
}

func (h *Handlers) logout(c echo.Context) error {
	if err := h.svc.Logout(c.Request().Context(), kit.ViewerOf(c), meta(c)); err != nil {
		return err
	}
	kit.ClearSessionCookie(c)
	kit.Flash(c, "You are signed out.")
	return kit.SeeOther(c, "/")
}

// securityPage is what /settings/security shows.
type securityPage struct {
	Sessions      []Session
	CurrentID     int64
	Form          kit.Form
	TwoFactor     bool
	Pending       *TOTPSetup
	RecoveryCodes []string
}

func (h *Handlers) renderSecurity(c echo.Context, status int, form kit.Form) error {
	v := kit.ViewerOf(c)
	list, err := h.svc.Sessions(c.Request().Context(), v.UserID)
	if err != nil {
		return err
	}
	page := securityPage{Sessions: list, CurrentID: v.SessionID, Form: form, TwoFactor: v.TwoFactor, RecoveryCodes: takeRecoveryCodes(c)}
	if !v.TwoFactor {
		if page.Pending, err = h.svc.PendingTOTP(c.Request().Context(), v); err != nil {
			return err
		}
	}
	return c.Render(status, "settings_security", page)
}

func (h *Handlers) security(c echo.Context) error {
	return h.renderSecurity(c, http.StatusOK, kit.NewForm(c))
}

func (h *Handlers) revokeSession(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return apperr.ErrNotFound
	}
	v := kit.ViewerOf(c)
	if err := h.svc.RevokeSession(c.Request().Context(), v.UserID, id, meta(c)); err != nil {
		return err
	}
	if id == v.SessionID {
		kit.ClearSessionCookie(c)
		return kit.SeeOther(c, "/login")
	}
	kit.Flash(c, "The session was signed out.")
	return kit.SeeOther(c, "/settings/security")
}

func (h *Handlers) changePassword(c echo.Context) error {
	err := h.svc.ChangePassword(c.Request().Context(), kit.ViewerOf(c), c.FormValue("current_password"), c.FormValue("new_password"), meta(c))
	var fe apperr.FieldErrors
	if errors.As(err, &fe) {
		form := kit.NewForm(c)
		form.Errors = fe
		return h.renderSecurity(c, http.StatusUnprocessableEntity, form)
	}
	if err != nil {
		return err
	}
	kit.Flash(c, "Your password is changed, and your other sessions are signed out.")
	return kit.SeeOther(c, "/settings/security")
}

func (h *Handlers) settings(c echo.Context) error { return kit.SeeOther(c, "/settings/security") }

// Routes lists the account pages with who may reach them.
func (h *Handlers) Routes() []kit.Route {
	return []kit.Route{
		{Method: http.MethodGet, Path: "/signup", Level: kit.Public, Handler: h.signupForm},
		{Method: http.MethodPost, Path: "/signup", Level: kit.Public, Handler: h.signup},
		{Method: http.MethodGet, Path: "/login", Level: kit.Public, Handler: h.loginForm},
		{Method: http.MethodPost, Path: "/login", Level: kit.Public, Handler: h.login},
		{Method: http.MethodGet, Path: "/login/2fa", Level: kit.Public, Handler: h.secondFactorForm},
		{Method: http.MethodPost, Path: "/login/2fa", Level: kit.Public, Handler: h.secondFactor},
		{Method: http.MethodPost, Path: "/logout", Level: kit.SignedIn, Handler: h.logout},
		{Method: http.MethodGet, Path: "/settings", Level: kit.SignedIn, Handler: h.settings},
		{Method: http.MethodGet, Path: "/settings/security", Level: kit.SignedIn, Handler: h.security},
		{Method: http.MethodPost, Path: "/settings/security/sessions/:id/revoke", Level: kit.SignedIn, Handler: h.revokeSession},
		{Method: http.MethodPost, Path: "/settings/security/password", Level: kit.SignedIn, Handler: h.changePassword},
		{Method: http.MethodPost, Path: "/settings/security/2fa/setup", Level: kit.SignedIn, Handler: h.setupTOTP},
		{Method: http.MethodPost, Path: "/settings/security/2fa/enable", Level: kit.SignedIn, Handler: h.enableTOTP},
		{Method: http.MethodPost, Path: "/settings/security/2fa/disable", Level: kit.SignedIn, Handler: h.disableTOTP},
	}
}

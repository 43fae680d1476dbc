package accounts

import (
	"net/http"

	"curbside/app/web/kit"
)

// Routes lists the account pages with who may reach them.
func (h *Handlers) Routes() []kit.Route {
	return []kit.Route{
		{Method: http.MethodGet, Path: "/signup", Level: kit.Public, Handler: h.signupForm},
		{Method: http.MethodPost, Path: "/signup", Level: kit.Public, Handler: h.signup},
		{Method: http.MethodGet, Path: "/login", Level: kit.Public, Handler: h.loginForm},
		{Method: http.MethodPost, Path: "/login", Level: kit.Public, Handler: h.login},
		{Method: http.MethodGet, Path: "/login/2fa", Level: kit.Public, Handler: h.secondFactorForm},
		{Method: http.MethodPost, Path: "/login/2fa", Level: kit.Public, Handler: h.secondFactor},
		{Method: http.MethodGet, Path: "/password/forgot", Level: kit.Public, Handler: h.forgotForm},
		{Method: http.MethodPost, Path: "/password/forgot", Level: kit.Public, Handler: h.forgot},
		{Method: http.MethodGet, Path: "/password/reset", Level: kit.Public, Handler: h.resetForm},
		{Method: http.MethodPost, Path: "/password/reset", Level: kit.Public, Handler: h.reset},
		{Method: http.MethodGet, Path: "/confirm", Level: kit.Public, Handler: h.confirm},
		{Method: http.MethodPost, Path: "/confirm/resend", Level: kit.SignedIn, Handler: h.resendConfirmation},
		{Method: http.MethodGet, Path: "/auth/:provider", Level: kit.Public, Handler: h.oauthBegin},
		{Method: http.MethodGet, Path: "/auth/:provider/callback", Level: kit.Public, Handler: h.oauthCallback},
		{Method: http.MethodPost, Path: "/logout", Level: kit.SignedIn, Handler: h.logout},
		{Method: http.MethodGet, Path: "/settings", Level: kit.SignedIn, Handler: h.settings},
		{Method: http.MethodGet, Path: "/settings/security", Level: kit.SignedIn, Handler: h.security,
			Rider: h.overviewRider},
		{Method: http.MethodPost, Path: "/settings/security/sessions/:id/revoke", Level: kit.SignedIn, Handler: h.revokeSession},
		{Method: http.MethodPost, Path: "/settings/security/sessions/revoke-others", Level: kit.SignedIn, Handler: h.revokeOtherSessions},
		{Method: http.MethodPost, Path: "/settings/security/devices/:id/forget", Level: kit.SignedIn, Handler: h.forgetDevice},
		{Method: http.MethodPost, Path: "/settings/security/devices/forget-all", Level: kit.SignedIn, Handler: h.forgetDevice},
		{Method: http.MethodPost, Path: "/settings/security/password", Level: kit.SignedIn, Handler: h.changePassword},
		{Method: http.MethodPost, Path: "/settings/security/2fa/setup", Level: kit.SignedIn, Handler: h.setupTOTP},
		{Method: http.MethodPost, Path: "/settings/security/2fa/enable", Level: kit.SignedIn, Handler: h.enableTOTP},
		{Method: http.MethodPost, Path: "/settings/security/2fa/disable", Level: kit.SignedIn, Handler: h.disableTOTP},
		{Method: http.MethodPost, Path: "/settings/security/2fa/recovery", Level: kit.SignedIn, Handler: h.newRecoveryCodes},
		{Method: http.MethodPost, Path: "/settings/security/2fa/recovery/download", Level: kit.SignedIn, Handler: h.downloadRecoveryCodes},
		{Method: http.MethodPost, Path: "/settings/security/2fa/recovery/saved", Level: kit.SignedIn, Handler: h.recoveryCodesSaved},
	}
}

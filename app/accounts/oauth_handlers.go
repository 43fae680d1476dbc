package accounts

import (
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"golang.org/x/oauth2"

	"curbside/app/apperr"
	"curbside/app/paths"
	"curbside/app/web/kit"
)

const oauthCookie = "curbside_oauth"

// oauthBegin sends the browser to the provider, remembering (signed, in a
// short-lived cookie) the state it must bring back.
func (h *Handlers) oauthBegin(c echo.Context) error {
	name := c.Param("provider")
	p, ok := h.providers[name]
	if !ok {
		return apperr.ErrNotFound
	}
	state := randomToken()
	sess, err := p.BeginAuth(state)
	if err != nil {
		return err
	}
	raw, err := sess.GetAuthURL()
	if err != nil {
		return err
	}
	// The PKCE verifier waits in the signed, HttpOnly cookie that only this
	// browser holds: a code caught on its way back is useless without it.
	verifier := oauth2.GenerateVerifier()
	to, err := authURL(p, raw, verifier)
	if err != nil {
		return err
	}
	next := kit.SafeNext(c.QueryParam("next"), "")
	kit.SetCookie(c, oauthCookie, h.svc.Sign("oauth", strings.Join([]string{name, state, next, verifier, sess.Marshal()}, "\n")), 600)
	return c.Redirect(http.StatusSeeOther, to)
}

func (h *Handlers) oauthCallback(c echo.Context) error {
	name := c.Param("provider")
	p, ok := h.providers[name]
	if !ok {
		return apperr.ErrNotFound
	}
	raw, valid := h.svc.Verify("oauth", kit.CookieValue(c, oauthCookie))
	parts := strings.SplitN(raw, "\n", 5)
	kit.SetCookie(c, oauthCookie, "", -1)
	if !valid || len(parts) != 5 || parts[0] != name || subtle.ConstantTimeCompare([]byte(parts[1]), []byte(c.QueryParam("state"))) != 1 {
		return &kit.Denied{Title: "Sign-in expired", Message: "The sign-in did not start here, or took too long. Please try again.",
			LinkURL: paths.Login, LinkText: "Back to login"}
	}
	next := parts[2]
	form := kit.NewForm(c)
	form.Values["next"] = next
	// The member sees one plain message; the operator needs to know why.
	fail := func(stage string, err error) error {
		h.log.Warn("oauth sign-in failed", slog.String("provider", name), slog.String("stage", stage),
			slog.String("error", err.Error()))
		form.Errors["form"] = "Signing in with " + name + " did not work. Try again, or use your e-mail and password."
		return h.renderLogin(c, http.StatusUnauthorized, form)
	}
	if e := c.QueryParam("error"); e != "" {
		return fail("authorize", errors.New("provider answered "+strings.ToValidUTF8(truncate(e, 100), "")))
	}
	sess, err := p.UnmarshalSession(parts[4])
	if err != nil {
		return fail("session", err)
	}
	if err := authorize(c.Request().Context(), p, sess, c.QueryParams(), parts[3]); err != nil {
		return fail("token", err)
	}
	gu, err := p.FetchUser(sess)
	if err != nil {
		return fail("user", err)
	}
	ext := ExternalUser{Provider: name, Subject: gu.UserID, Email: gu.Email, Name: gu.Name, EmailVerified: emailVerified(name, gu.RawData)}
	res, err := h.svc.OAuthLogin(c.Request().Context(), ext, kit.Meta(c))
	switch {
	case errors.Is(err, ErrOAuthEmailTaken):
		form.Errors["form"] = "An account with the e-mail address " + ext.Email + " already exists. Log in with its password."
		form.Values["email"] = ext.Email
		return h.renderLogin(c, http.StatusConflict, form)
	case errors.Is(err, ErrOAuthNoEmail):
		form.Errors["form"] = name + " did not share a verified e-mail address with Curbside. Sign up with your e-mail instead."
		return h.renderLogin(c, http.StatusUnprocessableEntity, form)
	}
	return h.afterLogin(c, res, err, next, false)
}

// emailVerified reads the provider's verdict on the address. OpenID Connect
// and Google say so in a claim; GitHub shows only addresses it has verified.
func emailVerified(provider string, raw map[string]any) bool {
	if provider == "github" {
		return true
	}
	for _, claim := range []string{"email_verified", "verified_email"} {
		switch v := raw[claim].(type) {
		case bool:
			return v
		case string:
			return v == "true"
		}
	}
	return false
}

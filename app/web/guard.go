package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"curbside/app/accounts"
	"curbside/app/db"
	"curbside/app/identity"
	"curbside/app/paths"
	"curbside/app/web/kit"
	"curbside/config"
)

// session loads the signed-in member, if any, and renews the token when the
// member's role or status changed since it was issued.
func (s *Server) session(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.sessionless(c) {
			return next(c)
		}
		ck, err := c.Cookie(kit.SessionCookieName(c))
		if err != nil || ck.Value == "" {
			return next(c)
		}
		var riders []db.Rider
		if ride := s.riders[c.Request().Method+" "+c.Path()]; ride != nil {
			if r := ride(c); r != nil {
				riders = []db.Rider{r}
			}
		}
		v, renewed, err := s.accounts.Authenticate(c.Request().Context(), ck.Value, riders...)
		var lapsed *accounts.SessionLapsed
		switch {
		case errors.As(err, &lapsed):
			// The cookie stays (it lets no one in; login replaces it), so that
			// every form the open page sends is kept, not only the first.
			kit.SetLapsed(c, lapsed.Viewer)
			return next(c)
		case errors.Is(err, accounts.ErrNoSession):
			kit.ClearSessionCookie(c)
			kit.SetSessionEnded(c)
			return next(c)
		case err != nil:
			return err
		}
		if renewed != "" {
			kit.SetSessionCookie(c, renewed, v.SessionUntil)
		}
		if len(riders) > 0 {
			kit.SetRider(c, riders[0])
		}
		v.SecondFactorRequired = s.cfg.Mod2FA == config.Mod2FARequired
		kit.SetViewer(c, v)
		return next(c)
	}
}

// guard enforces a route's level: anonymous visitors go to the login page,
// signed-in members without the right get 403 with a way forward.
func (s *Server) guard(rt kit.Route) echo.MiddlewareFunc {
	level := rt.Level
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if level == kit.Public {
				return next(c)
			}
			v := kit.ViewerOf(c)
			if v == nil {
				return c.Redirect(http.StatusSeeOther, paths.LoginNext(s.hold(c, rt)))
			}
			if err := allowed(level, v); err != nil {
				return err
			}
			if level >= kit.Moderator && !v.CanModerate() {
				return secondFactorNeeded(v)
			}
			return next(c)
		}
	}
}

// holdable reports whether the request is a form its route keeps for the
// member of the lapsed session it came with.
func (s *Server) holdable(c echo.Context) bool {
	rt, ok := s.holds[c.Request().Method+" "+c.Path()]
	member := kit.LapsedOf(c)
	return ok && member != nil && allowed(rt.Level, member) == nil
}

// Messages for a form that arrived after its session ended.
const (
	heldAsDraft  = "Your session had ended, so nothing was posted. What you wrote is kept as a draft: log in to finish it."
	heldForLogin = "Your session ended (it expired, or you were signed out elsewhere), so nothing was sent. " +
		"Sign in again and what you typed will be back in the form."
	filesNotKept = " Attached files cannot be kept: attach them again."
	notSent      = "Your session ended (it expired, or you were signed out elsewhere), so what you typed was not sent. Sign in again to carry on."
)

// hold keeps what a form sent with a lapsed session (kit.Route.Hold, or
// kit.Route.Keep) and returns where login should lead; without one, where
// loginReturnPath says, telling the member that nothing was sent. Failing
// to keep it is logged, and the visitor still goes to log in.
func (s *Server) hold(c echo.Context, rt kit.Route) string {
	if c.Request().Method == http.MethodGet {
		return s.loginReturnPath(c)
	}
	if !s.holdable(c) {
		if kit.SessionEnded(c) {
			flashPage(c, notSent)
		}
		return s.loginReturnPath(c)
	}
	member := kit.LapsedOf(c)
	var next, msg string
	var err error
	if rt.Hold != nil {
		next, err = rt.Hold(c, member)
		msg = heldAsDraft
	} else {
		next, err = s.keep(c, rt.Keep, member)
		msg = heldForLogin
		if r := c.Request(); r.MultipartForm != nil && len(r.MultipartForm.File) > 0 {
			msg += filesNotKept
		}
	}
	if err != nil || next == "" { // nothing typed, or the post's case is gone
		if err != nil {
			s.log.Warn("keeping a form sent after the session lapsed", "path", c.Path(), "err", err)
		}
		flashPage(c, notSent)
		return s.loginReturnPath(c)
	}
	flashPage(c, msg)
	return next
}

// flashPage leaves msg for the page the member will see next. A page's
// script saving in the background (fetch) must not take it.
func flashPage(c echo.Context, msg string) {
	if mode := c.Request().Header.Get("Sec-Fetch-Mode"); mode == "" || mode == "navigate" {
		kit.Flash(c, msg)
	}
}

// keep stores the text fields a kit.Keep names for the lapsed session's
// member and returns their page with the key that brings them back.
func (s *Server) keep(c echo.Context, k *kit.Keep, member *kit.Viewer) (string, error) {
	fields := map[string]string{}
	for _, name := range k.Fields {
		if v := c.FormValue(name); v != "" {
			fields[name] = v
		}
	}
	if len(fields) == 0 {
		return "", nil
	}
	page, err := k.Page(c)
	if err != nil {
		return "", err
	}
	key, err := s.accounts.HoldForm(c.Request().Context(), member.UserID, page, fields)
	if err != nil {
		return "", err
	}
	return page + "?" + url.Values{kit.HeldParam: {key}}.Encode(), nil
}

// restoreHeld hands a page the fields kept for it (kit.Restore) when the
// member who typed them comes back to it signed in again.
func (s *Server) restoreHeld(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		v := kit.ViewerOf(c)
		if v == nil || c.Request().Method != http.MethodGet || !strings.Contains(c.Request().URL.RawQuery, kit.HeldParam+"=") {
			return next(c) // every page passes here: no query parsed for nothing
		}
		key := c.QueryParam(kit.HeldParam)
		if key == "" {
			return next(c)
		}
		fields, err := s.accounts.TakeHeldForm(c.Request().Context(), v.UserID, key, c.Request().URL.EscapedPath())
		if err != nil {
			return err
		}
		if fields != nil {
			kit.SetHeld(c, fields)
		}
		return next(c)
	}
}

// sessionEnded answers a form whose CSRF token no longer matches because
// the session (and its token) ended meanwhile: still the contract's 403,
// but a page that says why and leads to sign in again and back to the
// form, not a bare refusal. Nothing is kept: the request cannot be shown
// to come from the member. It returns nil for any other refused token.
func (s *Server) sessionEnded(c echo.Context) error {
	level, ok := s.levels[c.Request().Method+" "+c.Path()]
	if !ok || level == kit.Public || kit.ViewerOf(c) != nil || !kit.SessionEnded(c) {
		return nil
	}
	back := s.loginReturnPath(c)
	if rt, ok := s.holds[c.Request().Method+" "+c.Path()]; ok && rt.Keep != nil {
		if page, err := rt.Keep.Page(c); err == nil {
			back = page // the form's own page, to write it again
		}
	}
	return &kit.Denied{Title: "Your session ended", Message: notSent, LinkURL: paths.LoginNext(back), LinkText: "Sign in again"}
}

// loginReturnPath is where login sends the member back to: the page itself
// for a GET, and for a POST the page the form was on.
func (s *Server) loginReturnPath(c echo.Context) string {
	r := c.Request()
	if r.Method == http.MethodGet {
		return r.URL.RequestURI()
	}
	// The form's page sent it (Referrer-Policy: same-origin lets browsers say so).
	if ref, err := url.Parse(r.Referer()); err == nil && kit.SameOrigin(ref.Scheme+"://"+ref.Host, s.cfg.BaseURL, r.Host) {
		return kit.SafeNext(ref.RequestURI(), "/")
	}
	return "/"
}

func allowed(level kit.Level, v *identity.Viewer) error {
	switch level {
	case kit.Verified:
		if !v.IsVerified() {
			return verificationNeeded(v)
		}
	case kit.Moderator:
		if !v.IsModerator() {
			return &kit.Denied{Title: "Moderators only",
				Message: "This page is for Curbside's moderators.", LinkText: "Home", LinkURL: "/"}
		}
	case kit.Admin:
		if !v.IsAdmin() {
			return &kit.Denied{Title: "Administrators only",
				Message: "This page is for Curbside's administrators.", LinkText: "Home", LinkURL: "/"}
		}
	}
	return nil
}

func verificationNeeded(v *identity.Viewer) error {
	d := &kit.Denied{Title: "Verification needed", LinkURL: paths.Verification, LinkText: "Verify your license",
		Message: "Case discussions, consults and chat are open to verified clinicians only. Submit your license for review to join them."}
	switch v.Status {
	case identity.StatusPending:
		d.Message = "Your license is being reviewed by a moderator. You will be notified as soon as a decision is made."
		d.LinkText = "See your verification request"
	case identity.StatusRejected:
		d.Message = "Your last verification request was not approved. You can read why and submit again."
		d.LinkText = "Review and submit again"
	}
	return d
}

func secondFactorNeeded(v *kit.Viewer) error {
	if v.TwoFactor {
		return &kit.Denied{Title: "Log in with your code",
			Message:  "Moderation pages need a session that was opened with your two-factor code. Log out, then log in again with your code.",
			LinkText: "Security settings", LinkURL: paths.SettingsSecurity}
	}
	return &kit.Denied{Title: "Two-factor login required",
		Message:  "Moderators and administrators must turn on two-factor login before using these pages, because they see every member's documents.",
		LinkText: "Set up two-factor login", LinkURL: paths.SettingsSecurity + "#two-factor"}
}

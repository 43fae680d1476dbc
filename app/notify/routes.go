package notify

import (
	"net/http"

	"curbside/app/paths"
	"curbside/app/web/kit"
)

// Routes lists the notification pages. Notifications never hold clinical
// content, so members who are not yet verified may read theirs.
func (h *Handlers) Routes() []kit.Route {
	return []kit.Route{
		{Method: http.MethodGet, Path: paths.Notifications, Level: kit.SignedIn, Handler: h.list},
		{Method: http.MethodGet, Path: "/notifications/:id", Level: kit.SignedIn, Handler: h.open},
		{Method: http.MethodPost, Path: "/notifications/read", Level: kit.SignedIn, Handler: h.markRead},
		{Method: http.MethodGet, Path: paths.SettingsNotifications, Level: kit.SignedIn, Handler: h.preferences},
		{Method: http.MethodPost, Path: paths.SettingsNotifications, Level: kit.SignedIn, Handler: h.savePreferences},
		// The digest's link works without a login: the signed token is the
		// proof. GET only shows a button, so that mail scanners fetching
		// links do not unsubscribe anyone.
		{Method: http.MethodGet, Path: paths.Unsubscribe, Level: kit.Public, Handler: h.unsubscribePage},
		{Method: http.MethodPost, Path: paths.Unsubscribe, Level: kit.Public, Handler: h.unsubscribe, SkipCSRF: h.oneClick},
	}
}

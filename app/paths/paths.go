// Package paths names the site's pages that more than one place links to:
// handlers redirect to them, services put them in notifications, and the
// route tables serve them. It imports nothing.
package paths

import (
	"net/url"
	"strconv"
)

// Pages linked from more than one place.
const (
	Login            = "/login"
	LoginSecondStep  = "/login/2fa"
	Verification     = "/verification"
	SettingsSecurity = "/settings/security"
	Notifications    = "/notifications"
	// SettingsNotifications is where a member chooses how to hear of things.
	SettingsNotifications = "/settings/notifications"
	// Unsubscribe ends a digest from a link in it, without logging in.
	Unsubscribe      = "/notifications/unsubscribe"
	Cases            = "/cases"
	Consults         = "/consults"
	ModHome          = "/mod"
	ModVerifications = "/mod/verifications"
)

// ModVerification is one verification request under review.
func ModVerification(id int64) string { return ModVerifications + "/" + strconv.FormatInt(id, 10) }

// Consult is one consult's page, where notices and moves lead.
func Consult(id int64) string { return Consults + "/" + strconv.FormatInt(id, 10) }

// LoginNext is the login page that returns to next afterwards.
func LoginNext(next string) string { return Login + "?next=" + url.QueryEscape(next) }

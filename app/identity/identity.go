// Package identity holds who is acting: the signed-in member as the rules
// see it, and the statuses and roles of the contract. It imports nothing of
// ours, so services and handlers alike may use it without pulling in the web
// layer.
package identity

import (
	"curbside/app/timezones"
	"time"
)

// Account statuses and roles, as in the contract.
const (
	StatusUnverified = "unverified"
	StatusPending    = "pending"
	StatusVerified   = "verified"
	StatusRejected   = "rejected"
	StatusSuspended  = "suspended"

	RoleMember    = "member"
	RoleModerator = "moderator"
	RoleAdmin     = "admin"
)

// Viewer is the signed-in member behind a request.
type Viewer struct {
	UserID      int64
	SessionID   int64
	Handle      string
	DisplayName string
	Email       string
	Role        string
	Status      string
	SpecialtyID *int16
	// TwoFactor: the account has two-factor login on. SecondFactor: this
	// session was opened (or confirmed) with a code.
	TwoFactor    bool
	SecondFactor bool
	// TwoFactorPending: a two-factor set-up was begun and awaits its first code.
	TwoFactorPending bool
	HasPassword      bool
	// EmailConfirmed: the member confirmed their address through the mailed link.
	EmailConfirmed bool
	// SignedInAt is when this session began.
	SignedInAt time.Time
	// SessionUntil, for a session kept by "keep me signed in on this
	// device", is when it ends: its cookie persists until then. Nil: the
	// cookie ends with the browser.
	SessionUntil *time.Time
	// SecondFactorRequired: moderation powers need a session opened with a
	// code (CURBSIDE_MOD_2FA=required), as the web layer sets it.
	SecondFactorRequired bool
	// UnreadNotifications is counted with the session, for the bell.
	UnreadNotifications int64
	// WaitingConsults counts the open consults the member could claim,
	// counted with the session for the navigation.
	WaitingConsults int64
	// PendingVerifications counts the requests in the verification queue,
	// for moderators' navigation only (0 for everyone else).
	PendingVerifications int64
	// TimeZone is the zone the member chose for the times on their pages
	// (app/timezones), "" for none.
	TimeZone string
}

// Location is the zone the viewer's pages show times in: UTC for a visitor
// and for a member who chose none.
func (v *Viewer) Location() *time.Location {
	if v == nil {
		return time.UTC
	}
	return timezones.Location(v.TimeZone)
}

// CanModerate reports whether the viewer may use moderation powers now: a
// moderator or admin whose session meets the two-factor rule. Rules that
// decide access to one object check it, not the route the request came by.
func (v *Viewer) CanModerate() bool {
	return v.IsModerator() && v.Status != StatusSuspended && (!v.SecondFactorRequired || v.SecondFactor)
}

// IsModerator reports whether the viewer moderates (admins do too).
func (v *Viewer) IsModerator() bool {
	return v != nil && (v.Role == RoleModerator || v.Role == RoleAdmin)
}

// IsAdmin reports whether the viewer is an admin.
func (v *Viewer) IsAdmin() bool { return v != nil && v.Role == RoleAdmin }

// IsVerified reports whether the viewer may see clinical content.
func (v *Viewer) IsVerified() bool {
	return v != nil && (v.Status == StatusVerified || v.IsModerator()) && v.Status != StatusSuspended
}

// Meta is what the rules know of the request behind a call, for the audit
// log and the session list.
type Meta struct {
	IP        string
	UserAgent string
	// TrustedDevice is the account this browser has signed in to before
	// (from a signed cookie), or 0. Such a browser is spared the account-wide
	// login limit, so others' guessing cannot lock its owner out.
	TrustedDevice int64
}

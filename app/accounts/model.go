// Package accounts holds members, their passwords and their sessions.
package accounts

import (
	"time"

	"curbside/app/identity"
)

// User is a member account.
type User struct {
	ID                     int64
	Email                  string
	Handle                 string
	DisplayName            string
	PasswordHash           *string
	Role                   string
	Status                 string
	StatusBeforeSuspension *string
	SuspensionReason       *string
	SpecialtyID            *int16
	TOTPSecret             []byte     `gorm:"column:totp_secret"`
	TOTPEnabledAt          *time.Time `gorm:"column:totp_enabled_at"`
	TOTPLastStep           int64      `gorm:"column:totp_last_step"`
	// EmailConfirmedAt is when the member proved the address theirs (nil: not yet).
	EmailConfirmedAt *time.Time
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// Session is a signed-in browser. Only a hash of its token is stored.
type Session struct {
	ID        int64
	UserID    int64
	TokenHash []byte
	// PrevTokenHash is the token before the last renewal, valid until PrevValidUntil.
	PrevTokenHash  []byte
	PrevValidUntil *time.Time
	RenewedAt      *time.Time
	// SecondFactorAt is when this session proved a second factor, if it did.
	SecondFactorAt *time.Time
	IssuedRole     string
	IssuedStatus   string
	UserAgent      string
	IP             string
	CreatedAt      time.Time
	LastSeenAt     time.Time
	ExpiresAt      time.Time
	// Remembered: "keep me signed in on this device" was ticked at login.
	Remembered bool
}

// Specialty is a medical specialty seeded by the migrations.
type Specialty struct {
	ID           int16
	Slug         string
	Name         string
	TaxonomyCode string
}

// Viewer is the member as the rules see them, outside any session.
func (u *User) Viewer() *identity.Viewer {
	return &identity.Viewer{
		UserID: u.ID, Handle: u.Handle, DisplayName: u.DisplayName,
		Email: u.Email, Role: u.Role, Status: u.Status, SpecialtyID: u.SpecialtyID, TwoFactor: u.TOTPEnabledAt != nil,
		HasPassword: u.PasswordHash != nil, EmailConfirmed: u.EmailConfirmedAt != nil,
	}
}

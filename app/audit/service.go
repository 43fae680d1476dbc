package audit

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"curbside/app/db"
)

// Actions recorded by the accounts capability; other capabilities add theirs.
const (
	Signup         = "account.signup"
	Login          = "account.login"
	LoginFailed    = "account.login_failed"
	LoginThrottled = "account.login_throttled"
	Logout         = "account.logout"
	SessionRevoked = "account.session_revoked"
	// OtherSessionsRevoked: a member signed out everywhere but where they are.
	OtherSessionsRevoked = "account.other_sessions_revoked"
	PasswordChanged      = "account.password_changed"
	// PasswordResetRequested: a reset link was mailed; PasswordReset: one was used.
	PasswordResetRequested = "account.password_reset_requested"
	PasswordReset          = "account.password_reset"
	EmailConfirmed         = "account.email_confirmed"
	RoleChanged            = "account.role_changed"
	StatusChanged          = "account.status_changed"
	UserCreated            = "account.created_by_cli"
	TwoFactorOn            = "account.2fa_enabled"
	TwoFactorOff           = "account.2fa_disabled"
	// RecoveryCodesRenewed: a member made new recovery codes; the old ones stopped working.
	RecoveryCodesRenewed = "account.recovery_codes_renewed"
	// DevicesForgotten: a member stopped trusting one or all of the devices
	// that had signed in to their account.
	DevicesForgotten = "account.devices_forgotten"
)

// Event describes what happened; Record stores it.
type Event struct {
	ActorID    int64 // 0: no signed-in actor
	Action     string
	TargetType string
	TargetID   int64 // 0: none
	IP         string
	Detail     map[string]string
}

// Log writes and reads the audit log.
type Log struct{ db *gorm.DB }

// New returns a Log over db.
func New(db *gorm.DB) *Log { return &Log{db: db} }

// Record appends one event, within the transaction ctx carries if any, so
// the event stands or falls with what it describes.
func (l *Log) Record(ctx context.Context, ev Event) error {
	e := Entry{Action: ev.Action, TargetType: ev.TargetType, IP: ev.IP, Detail: ev.Detail}
	if e.Detail == nil {
		e.Detail = map[string]string{}
	}
	if ev.ActorID != 0 {
		e.ActorID = &ev.ActorID
	}
	if ev.TargetID != 0 {
		e.TargetID = &ev.TargetID
	}
	if err := db.Conn(ctx, l.db).Omit("ActorHandle").Create(&e).Error; err != nil {
		return fmt.Errorf("record audit event %s: %w", ev.Action, err)
	}
	return nil
}

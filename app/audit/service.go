package audit

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"curbside/app/db"
)

// Actions recorded by the accounts capability; other capabilities add theirs.
const (
	Signup          = "account.signup"
	Login           = "account.login"
	LoginFailed     = "account.login_failed"
	LoginThrottled  = "account.login_throttled"
	Logout          = "account.logout"
	SessionRevoked  = "account.session_revoked"
	PasswordChanged = "account.password_changed"
	RoleChanged     = "account.role_changed"
	StatusChanged   = "account.status_changed"
	UserCreated     = "account.created_by_cli"
	TwoFactorOn     = "account.2fa_enabled"
	TwoFactorOff    = "account.2fa_disabled"
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

// Page is one page of the log, newest first.
type Page struct {
	Entries []Entry
	Page    int
	HasNext bool
}

// List returns page (from 1) of the log, newest first, perPage rows at a time.
func (l *Log) List(ctx context.Context, page, perPage int) (Page, error) {
	if page < 1 {
		page = 1
	}
	var rows []Entry
	err := l.db.WithContext(ctx).Table("audit_log AS a").
		Select("a.*, COALESCE(u.handle, '') AS actor_handle").
		Joins("LEFT JOIN users u ON u.id = a.actor_id").
		Order("a.created_at DESC, a.id DESC").
		Limit(perPage + 1).Offset((page - 1) * perPage).
		Scan(&rows).Error
	if err != nil {
		return Page{}, fmt.Errorf("list audit log: %w", err)
	}
	p := Page{Page: page}
	if len(rows) > perPage {
		p.HasNext = true
		rows = rows[:perPage]
	}
	p.Entries = rows
	return p, nil
}

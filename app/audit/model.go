// Package audit is the append-only log of security-relevant events.
package audit

import "time"

// Entry is one row of the audit log. Detail never holds clinical text.
type Entry struct {
	ID         int64
	CreatedAt  time.Time
	ActorID    *int64
	Action     string
	TargetType string
	TargetID   *int64
	IP         string
	Detail     map[string]string `gorm:"serializer:json"`

	// Filled in by List for display.
	ActorHandle string `gorm:"->;-:migration"`
}

// TableName keeps the table's name as it reads in SQL.
func (Entry) TableName() string { return "audit_log" }

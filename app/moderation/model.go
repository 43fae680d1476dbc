// Package moderation is what moderators and admins do to keep the community
// trustworthy: the member directory and each member's record, suspensions
// and roles.
package moderation

import (
	"context"
	"time"

	"gorm.io/gorm"

	"curbside/app/audit"
	"curbside/app/identity"
)

// Accounts is what moderation asks of the accounts capability.
type Accounts interface {
	Suspend(ctx context.Context, actorID, userID int64, reason string, meta identity.Meta) error
	Unsuspend(ctx context.Context, actorID, userID int64, meta identity.Meta) error
	SetRole(ctx context.Context, actorID, userID int64, role string, meta identity.Meta) error
}

// Service holds the moderation rules.
type Service struct {
	db       *gorm.DB
	accounts Accounts
	audit    *audit.Log
}

// NewService returns the moderation rules.
func NewService(gdb *gorm.DB, accounts Accounts, auditLog *audit.Log) *Service {
	return &Service{db: gdb, accounts: accounts, audit: auditLog}
}

// MemberRow is a member as the directory lists them.
type MemberRow struct {
	ID          int64
	Handle      string
	DisplayName string
	Email       string
	Role        string
	Status      string
	Specialty   string
	NPI         string
	CreatedAt   time.Time
}

// Member is one member's record for moderators.
type Member struct {
	MemberRow
	SuspensionReason string
	Requests         []Request
	Posts            []Post
	Actions          []audit.Entry
}

// Request is one of a member's verification requests.
type Request struct {
	ID           int64
	NPI          string
	LicenseState string
	Status       string
	Reason       string
	CreatedAt    time.Time
}

// Post is a case or reply a member wrote.
type Post struct {
	Kind      string // "case" or "reply"
	ID        int64
	CaseID    int64
	Title     string // the case's
	Anonymous bool
	Deleted   bool
	CreatedAt time.Time
}

// Statuses a directory search may pick.
var Statuses = []string{identity.StatusUnverified, identity.StatusPending, identity.StatusVerified,
	identity.StatusRejected, identity.StatusSuspended}

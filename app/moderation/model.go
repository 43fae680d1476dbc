// Package moderation is what moderators and admins do to keep the community
// trustworthy: members' flags and their resolution (dismiss, hide, suspend),
// the member directory and each member's record, suspensions and roles.
package moderation

import (
	"context"
	"time"

	"gorm.io/gorm"

	"curbside/app/audit"
	"curbside/app/identity"
	"curbside/app/notify"
	"curbside/app/ratelimit"
)

// Accounts is what moderation asks of the accounts capability.
type Accounts interface {
	Suspend(ctx context.Context, actorID, userID int64, reason string, meta identity.Meta) error
	Unsuspend(ctx context.Context, actorID, userID int64, meta identity.Meta) error
	SetRole(ctx context.Context, actorID, userID int64, role string, meta identity.Meta) error
}

// Chat is what moderation asks of the chat capability: it takes a hidden
// message off the screens where it is open.
type Chat interface {
	Hide(ctx context.Context, v *identity.Viewer, id int64, meta identity.Meta) error
	Restore(ctx context.Context, v *identity.Viewer, id int64, meta identity.Meta) error
}

// Service holds the moderation rules.
type Service struct {
	db       *gorm.DB
	accounts Accounts
	chat     Chat
	audit    *audit.Log
	notify   *notify.Service
	limits   *ratelimit.Limiter
}

// NewService returns the moderation rules.
func NewService(gdb *gorm.DB, accounts Accounts, chat Chat, auditLog *audit.Log, n *notify.Service, limits *ratelimit.Limiter) *Service {
	return &Service{db: gdb, accounts: accounts, chat: chat, audit: auditLog, notify: n, limits: limits}
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
	// FlagsAbout are flags on the member's posts and account; FlagsSent, theirs.
	FlagsAbout, FlagsSent []FlagLine
	Actions               []audit.Entry
}

// FlagLine is a flag on a member's record.
type FlagLine struct {
	ID         int64
	TargetType string
	TargetID   int64
	Reporter   string // handle
	Reason     string
	Resolution string // "" while open
	CreatedAt  time.Time
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

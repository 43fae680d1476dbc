// Package profiles is how members present themselves to colleagues: a
// public profile for verified members (/u/{handle}) and the form that edits
// it (/settings/profile).
package profiles

import (
	"time"

	"gorm.io/gorm"

	"curbside/app/audit"
)

// Service holds the profile rules.
type Service struct {
	db    *gorm.DB
	audit *audit.Log
	now   func() time.Time
}

// NewService returns the profile rules.
func NewService(gdb *gorm.DB, auditLog *audit.Log) *Service {
	return &Service{db: gdb, audit: auditLog, now: func() time.Time { return time.Now().UTC() }}
}

// Profile is a member as colleagues see them.
type Profile struct {
	UserID          int64
	Handle          string
	DisplayName     string
	Specialty       string
	Role            string
	PracticeSetting string
	State           string // the jurisdiction's name
	Bio             string
	CreatedAt       time.Time
	// Posts are their signed cases and replies, newest first; anonymous
	// ones never appear.
	Posts []Post
}

// Post is a signed case or reply.
type Post struct {
	Kind      string // "case" or "reply"
	ID        int64
	CaseID    int64
	Title     string // the case's
	CreatedAt time.Time
}

// Fields are what the profile form edits.
type Fields struct {
	DisplayName     string
	Handle          string
	Bio             string
	PracticeSetting string
	State           string
	// TimeZone is the zone the member's pages show times in (app/timezones).
	TimeZone string
}

// PracticeSettings are where a member may say they practise.
var PracticeSettings = []string{"Rural solo practice", "Rural group practice", "Critical access hospital", "Community hospital",
	"Academic medical center", "Urban private practice", "Federally qualified health center", "Telehealth", "Other"}

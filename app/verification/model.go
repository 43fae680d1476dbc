// Package verification holds license verification: the applicant's request,
// the NPPES registry check and the moderator's decision.
package verification

import (
	"time"

	"curbside/app/accounts"
	"curbside/app/files"
)

// Request statuses.
const (
	Pending  = "pending"
	Approved = "approved"
	Rejected = "rejected"
)

// Request is one application for verification.
type Request struct {
	ID            int64
	UserID        int64
	FullName      string
	NPI           string
	LicenseState  string
	LicenseNumber string
	SpecialtyID   int16
	DocumentID    int64
	Status        string
	Reason        *string
	DecidedBy     *int64
	DecidedAt     *time.Time
	CreatedAt     time.Time

	Specialty accounts.Specialty `gorm:"foreignKey:SpecialtyID"`
	User      accounts.User      `gorm:"foreignKey:UserID"`
	Document  files.Info         `gorm:"foreignKey:DocumentID"`
}

// TableName names the requests table.
func (Request) TableName() string { return "verification_requests" }

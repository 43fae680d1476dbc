// Package verification holds license verification: the applicant's request,
// the NPPES registry check and the moderator's decision.
package verification

import (
	"time"

	"curbside/app/accounts"
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
	Document  DocumentInfo       `gorm:"foreignKey:DocumentID"`
}

// TableName names the requests table.
func (Request) TableName() string { return "verification_requests" }

// DocumentInfo describes an uploaded document without loading its bytes.
type DocumentInfo struct {
	ID          int64
	OwnerID     int64
	ContentType string
	SizeBytes   int
	Sha256      string
	Filename    string
	CreatedAt   time.Time
}

// TableName names the documents table.
func (DocumentInfo) TableName() string { return "documents" }

// IsImage reports whether the document shows inline as an image.
func (d DocumentInfo) IsImage() bool {
	return d.ContentType == "image/png" || d.ContentType == "image/jpeg"
}

// Document is a stored file with its bytes.
type Document struct {
	DocumentInfo
	Data []byte
}

// TableName names the documents table.
func (Document) TableName() string { return "documents" }

// Package files keeps uploaded files in PostgreSQL, with their derived
// variants (thumbnails, previews), and serves them with safe headers. Who
// may see a file is decided by the capability that owns it: license
// documents by verification, case images by cases, consult attachments by
// consults.
package files

import "time"

// Info describes a stored file without loading its bytes.
type Info struct {
	ID          int64
	OwnerID     int64
	ContentType string
	SizeBytes   int
	Sha256      string
	Filename    string
	CreatedAt   time.Time
}

// TableName names the table files live in.
func (Info) TableName() string { return "documents" }

// IsImage reports whether the file shows inline as an image.
func (i Info) IsImage() bool { return i.ContentType == "image/png" || i.ContentType == "image/jpeg" }

// IsPDF reports whether the file is a PDF.
func (i Info) IsPDF() bool { return i.ContentType == "application/pdf" }

// File is a stored file with its bytes.
type File struct {
	Info
	Data []byte
}

// TableName names the table files live in.
func (File) TableName() string { return "documents" }

// Variant is a version derived from a file, such as its thumbnail.
type Variant struct {
	FileID      int64
	Name        string
	ContentType string
	SizeBytes   int
	Width       *int
	Height      *int
	Data        []byte
	CreatedAt   time.Time
}

// TableName names the variants table.
func (Variant) TableName() string { return "file_variants" }

package consults

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"curbside/app/apperr"
	"curbside/app/db"
	"curbside/app/files"
	"curbside/app/identity"
	"curbside/app/media"
)

// Limits on the files a request or a message may carry: the rules of
// verification documents (PDF, JPEG or PNG, 10 MiB), images re-encoded
// without their metadata.
const (
	MaxAttachments    = 5
	MaxAttachmentSize = 10 << 20
)

// Upload is a file sent with a request or a message.
type Upload struct {
	Name     string
	Data     []byte
	TooLarge bool
}

// Attachment is a file of a consult as its page lists it. It is called by
// its number and kind, never by the name it was sent with.
type Attachment struct {
	ID          int64
	MessageID   *int64
	ContentType string
	SizeBytes   int
}

// FileList is attachments with the consult whose URLs they hang under.
type FileList struct {
	ConsultID int64
	Files     []Attachment
}

// Files lists the request's attachments for the page.
func (c Consult) Files() FileList { return FileList{ConsultID: c.ID, Files: c.Attachments} }

// IsImage reports whether the attachment is a picture, shown in the page.
func (a Attachment) IsImage() bool { return a.ContentType != "application/pdf" }

// decodeSlots bounds how many attachments are decoded at once: each may
// take a few hundred megabytes while it is re-encoded.
var decodeSlots = make(chan struct{}, 2)

// cleanAttachments vets each upload and strips its metadata, or says, at
// the attachments field, which one cannot be used and why.
func cleanAttachments(ctx context.Context, uploads []Upload) ([]media.Cleaned, error) {
	if len(uploads) > MaxAttachments {
		return nil, apperr.FieldErrors{"attachments": fmt.Sprintf("Attach at most %d files.", MaxAttachments)}
	}
	out := make([]media.Cleaned, 0, len(uploads))
	for i, up := range uploads {
		if up.TooLarge || len(up.Data) > MaxAttachmentSize {
			return nil, apperr.FieldErrors{"attachments": fmt.Sprintf("File %d is larger than 10 MiB.", i+1)}
		}
		select {
		case decodeSlots <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		cleaned, err := media.Clean(up.Data, media.DocumentLimits)
		<-decodeSlots
		msg := ""
		switch {
		case errors.Is(err, media.ErrUnsupported):
			msg = "is not a PDF, JPEG or PNG file."
		case errors.Is(err, media.ErrTooLarge):
			msg = "is too large to process (at most 25 megapixels)."
		case errors.Is(err, media.ErrActiveContent), errors.Is(err, media.ErrUncheckable):
			msg = "is a PDF that " + media.PDFRefusal(err) + ": print it to a new PDF, or send images of it."
		case err != nil:
			msg = "is damaged or incomplete."
		}
		if msg != "" {
			return nil, apperr.FieldErrors{"attachments": fmt.Sprintf("File %d %s", i+1, msg)}
		}
		out = append(out, cleaned)
	}
	return out, nil
}

// storeAttachments keeps cleaned files with a consult, or with one of its
// messages.
func (s *Service) storeAttachments(ctx context.Context, ownerID, consultID int64, messageID *int64, cleaned []media.Cleaned) error {
	for i, f := range cleaned {
		info, err := s.files.Put(ctx, files.New{OwnerID: ownerID, ContentType: string(f.Kind),
			Filename: fmt.Sprintf("consult-%d-%d%s", consultID, i+1, media.ExtFor(f.Kind)), Data: f.Data})
		if err != nil {
			return err
		}
		if err := db.Conn(ctx, s.db).Exec("INSERT INTO consult_attachments (consult_id, message_id, file_id) VALUES (?, ?, ?)",
			consultID, messageID, info.ID).Error; err != nil {
			return fmt.Errorf("attach file: %w", err)
		}
	}
	return nil
}

// File returns an attachment of a consult to a viewer who may see the
// consult (and audits it as a view when they are not one of its parties).
func (s *Service) File(ctx context.Context, v *identity.Viewer, consultID, attachmentID int64, meta identity.Meta) (*files.File, error) {
	_, rel, err := s.peek(ctx, v, consultID)
	if err != nil {
		return nil, err
	}
	if !rel.canSee() {
		return nil, notFound(consultID)
	}
	var fileID int64
	// A moderator hid the message it came with: the parties see it removed,
	// its files too; moderators still open them.
	err = s.db.WithContext(ctx).Raw(`SELECT a.file_id FROM consult_attachments a LEFT JOIN consult_messages m ON m.id = a.message_id
		WHERE a.id = ? AND a.consult_id = ? AND (m.hidden_at IS NULL OR ?)`,
		attachmentID, consultID, v.CanModerate()).Row().Scan(&fileID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("attachment %d of consult %d: %w", attachmentID, consultID, apperr.ErrNotFound)
	} else if err != nil {
		return nil, err
	}
	if err := s.auditView(ctx, v, rel, consultID, meta, "attachment", strconv.FormatInt(attachmentID, 10)); err != nil {
		return nil, err
	}
	return s.files.Open(ctx, fileID)
}

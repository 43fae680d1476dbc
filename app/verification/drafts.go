package verification

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"curbside/app/apperr"
	"curbside/app/db"
	"curbside/app/ratelimit"
)

// draftLifetime is how long a document is kept for a form that came back
// with errors: long enough to look up a license number, short enough that
// an abandoned copy does not linger.
const draftLifetime = 24 * time.Hour

// draftLimit bounds how often one member may have a document kept: each
// keeping writes up to 10 MiB.
var draftLimit = ratelimit.Rule{Limit: 20, Window: time.Hour}

// Draft is a member's uploaded document kept between a 422 and the next
// try. Token is the reference the form carries back; it is honoured only
// for the member who owns the draft.
type Draft struct {
	UserID    int64 `gorm:"primaryKey"`
	Token     string
	Filename  string
	Data      []byte
	CreatedAt time.Time
	ExpiresAt time.Time
}

// TableName names the drafts table.
func (Draft) TableName() string { return "verification_drafts" }

// KeptDocument is what the form says about a kept draft.
type KeptDocument struct{ Name, Token string }

// keepDraft stores what prepare makes (the cleaned document) as the
// member's draft, replacing any earlier one, and returns its reference; nil
// when the member has kept too many lately. prepare runs after the limit,
// since it may be costly.
func (s *Service) keepDraft(ctx context.Context, userID int64, name string, prepare func() ([]byte, error)) (*KeptDocument, error) {
	if err := s.limits.Allow(ctx, fmt.Sprintf("verification-draft:%d", userID), draftLimit); err != nil {
		var limited *apperr.RateLimited
		if errors.As(err, &limited) {
			return nil, nil // the form then asks for the file again
		}
		return nil, err
	}
	data, err := prepare()
	if err != nil {
		return nil, err
	}
	d := Draft{UserID: userID, Token: rand.Text(), Filename: name, Data: data,
		ExpiresAt: time.Now().Add(draftLifetime)}
	err = db.Tx(ctx, s.db, func(ctx context.Context) error {
		tx := db.Conn(ctx, s.db)
		// Expired drafts go whenever a new one comes: no sweeper needed.
		if err := tx.Where("expires_at < now()").Delete(&Draft{}).Error; err != nil {
			return err
		}
		return tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "user_id"}}, UpdateAll: true}).Create(&d).Error
	})
	if err != nil {
		return nil, fmt.Errorf("keep draft: %w", err)
	}
	return &KeptDocument{Name: d.Filename, Token: d.Token}, nil
}

// draft returns the member's unexpired draft with token, or nil: a token
// of another member's draft finds nothing.
func (s *Service) draft(ctx context.Context, userID int64, token string) (*Draft, error) {
	if token == "" {
		return nil, nil
	}
	var d Draft
	err := db.Conn(ctx, s.db).Where("user_id = ? AND token = ? AND expires_at > now()", userID, token).Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load draft: %w", err)
	}
	return &d, nil
}

// dropDraft forgets the member's draft, if any.
func (s *Service) dropDraft(ctx context.Context, userID int64) error {
	return db.Conn(ctx, s.db).Where("user_id = ?", userID).Delete(&Draft{}).Error
}

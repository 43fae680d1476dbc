package accounts

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"curbside/app/db"
)

// heldFormLifetime bounds how long what a member typed waits for them to
// sign in again: it may be clinical, so it is kept no longer than a sign-in
// takes, and only for the account whose session lapsed.
const heldFormLifetime = time.Hour

// heldForm is a form kept for its member while they sign in again.
type heldForm struct {
	KeyHash   []byte `gorm:"primaryKey"`
	UserID    int64
	Path      string
	Fields    string `gorm:"type:jsonb"`
	CreatedAt time.Time
	ExpiresAt time.Time
}

func (heldForm) TableName() string { return "held_forms" }

// HoldForm keeps the text fields of a form sent with a lapsed session of
// userID, for the page at path, and returns the key that puts them back
// (TakeHeldForm). Only the key's hash is stored.
func (s *Service) HoldForm(ctx context.Context, userID int64, path string, fields map[string]string) (string, error) {
	raw, err := json.Marshal(fields)
	if err != nil {
		return "", err
	}
	key := randomToken()
	now := s.now()
	row := heldForm{KeyHash: hashToken(key), UserID: userID, Path: truncate(path, 500), Fields: string(raw),
		CreatedAt: now, ExpiresAt: now.Add(heldFormLifetime)}
	if err := db.Conn(ctx, s.db).Create(&row).Error; err != nil {
		return "", fmt.Errorf("hold form: %w", err)
	}
	return key, nil
}

// TakeHeldForm returns, once, the fields kept under key for the page at
// path, when the member signed in now (userID) is the one who typed them;
// nil when there are none (another member, another page, too late).
func (s *Service) TakeHeldForm(ctx context.Context, userID int64, key, path string) (map[string]string, error) {
	if key == "" || len(key) > 100 {
		return nil, nil
	}
	var raw string
	err := db.Conn(ctx, s.db).Raw(`DELETE FROM held_forms WHERE key_hash = ? AND user_id = ? AND path = ? AND expires_at > ?
		RETURNING fields::text`, hashToken(key), userID, path, s.now()).Row().Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("take held form: %w", err)
	}
	var fields map[string]string
	if err := json.Unmarshal([]byte(raw), &fields); err != nil {
		return nil, fmt.Errorf("held form: %w", err)
	}
	return fields, nil
}

package accounts

import (
	"context"
	"fmt"
	"time"

	"curbside/app/db"
)

// Mailed links (a password reset, an address confirmation) are single-use
// tokens kept by their hash in a table of their own; asking for a new one
// retires the member's earlier ones. The table names are fixed text of this
// package, never input.
const (
	resetLinks   = "password_resets"
	confirmLinks = "email_confirmations"
)

// issueLink makes a new link of table's kind for the member, lasting
// lifetime, within the transaction ctx carries, and returns its token.
func (s *Service) issueLink(ctx context.Context, table string, userID int64, lifetime time.Duration) (string, error) {
	tx := db.Conn(ctx, s.db)
	now := s.now()
	if err := tx.Exec(`UPDATE `+table+` SET used_at = ? WHERE user_id = ? AND used_at IS NULL`, now, userID).Error; err != nil {
		return "", fmt.Errorf("retire links: %w", err)
	}
	token := randomToken()
	if err := tx.Exec(`INSERT INTO `+table+` (user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		userID, hashToken(token), now, now.Add(lifetime)).Error; err != nil {
		return "", fmt.Errorf("store link: %w", err)
	}
	return token, nil
}

// linkWorks reports whether a link can still be used.
func (s *Service) linkWorks(ctx context.Context, table, token string) (bool, error) {
	var n int64
	err := db.Conn(ctx, s.db).Raw(`SELECT count(*) FROM `+table+` WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`,
		hashToken(token), s.now()).Scan(&n).Error
	return n > 0, err
}

// spendLink uses a link, within the transaction ctx carries, and returns its
// member; 0 when it is unknown, used or expired.
func (s *Service) spendLink(ctx context.Context, table, token string) (int64, error) {
	var link struct{ ID, UserID int64 }
	tx := db.Conn(ctx, s.db)
	if err := tx.Raw(`SELECT id, user_id FROM `+table+` WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? FOR UPDATE`,
		hashToken(token), s.now()).Scan(&link).Error; err != nil {
		return 0, fmt.Errorf("read link: %w", err)
	}
	if link.ID == 0 {
		return 0, nil
	}
	if err := tx.Exec(`UPDATE `+table+` SET used_at = ? WHERE id = ?`, s.now(), link.ID).Error; err != nil {
		return 0, fmt.Errorf("spend link: %w", err)
	}
	return link.UserID, nil
}

package accounts

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"curbside/app/apperr"
	"curbside/app/audit"
	"curbside/app/identity"
)

// ErrNoSession means the token names no live session: sign in again.
var ErrNoSession = errors.New("no live session")

// touchEvery limits last-use writes to one a minute per session.
const touchEvery = time.Minute

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// StartSession signs a member in on a new browser and returns the session token.
func (s *Service) StartSession(ctx context.Context, u *User, meta Meta) (string, error) {
	return s.startSession(ctx, u, meta, false)
}

// startSession records, with secondFactor, that the login proved a second
// factor: moderation pages ask it of the session, not only of the account.
func (s *Service) startSession(ctx context.Context, u *User, meta Meta, secondFactor bool) (string, error) {
	token := randomToken()
	now := s.now()
	sess := Session{UserID: u.ID, TokenHash: hashToken(token), IssuedRole: u.Role, IssuedStatus: u.Status,
		UserAgent: truncate(meta.UserAgent, 300), IP: meta.IP, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.Lifetime)}
	if secondFactor {
		sess.SecondFactorAt = &now
	}
	if err := s.db.WithContext(ctx).Create(&sess).Error; err != nil {
		return "", fmt.Errorf("start session: %w", err)
	}
	return token, nil
}

// sessionWithUser is a session row joined with its account.
type sessionWithUser struct {
	Session
	User User `gorm:"foreignKey:UserID"`
}

func (sessionWithUser) TableName() string { return "sessions" }

// renewalGrace is how long a renewed token's predecessor keeps working.
// renewalGrace is how long a renewed token may take to reach the browser
// before an old-token request earns another; oldTokenLifetime bounds how long
// a token replaced at a role or status change keeps working at all.
const (
	renewalGrace     = 30 * time.Second
	oldTokenLifetime = 10 * time.Minute
)

// Authenticate resolves a session token to its member. When the member's role
// or status changed since the token was issued, the token is renewed and the
// new one returned (else renewed is ""), so the change takes effect without a
// new login.
//
// The previous token stays valid until the browser first presents the new
// one: requests in flight meanwhile keep working, and if the response
// carrying the new token was lost, a later request with the old one gets
// another new token instead of being signed out.
func (s *Service) Authenticate(ctx context.Context, token string) (u *User, sess *Session, renewed string, err error) {
	if token == "" || len(token) > 100 {
		return nil, nil, "", ErrNoSession
	}
	var row sessionWithUser
	db := s.db.WithContext(ctx)
	now := s.now()
	h := hashToken(token)
	err = db.Joins("User").
		Where("sessions.token_hash = ? OR (sessions.prev_token_hash = ? AND sessions.prev_valid_until > ?)", h, h, now).
		First(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, "", ErrNoSession
	} else if err != nil {
		return nil, nil, "", fmt.Errorf("load session: %w", err)
	}
	switch {
	case row.User.Status == identity.StatusSuspended:
		return nil, nil, "", errors.Join(ErrNoSession, s.endSessions(ctx, db, row.UserID, 0))
	case now.After(row.ExpiresAt), now.Sub(row.LastSeenAt) > s.Idle:
		return nil, nil, "", errors.Join(ErrNoSession, db.Delete(&Session{}, row.ID).Error)
	case !bytes.Equal(row.TokenHash, h):
		if row.RenewedAt != nil && now.Sub(*row.RenewedAt) > renewalGrace {
			return s.renew(ctx, &row, h, false) // the new token never arrived
		}
		return &row.User, &row.Session, "", nil // renewed alongside this request
	case row.PrevTokenHash != nil:
		// The browser has the new token: the old one is done with.
		if err := db.Model(&Session{}).Where("id = ? AND token_hash = ?", row.ID, h).
			Updates(map[string]any{"prev_token_hash": nil, "prev_valid_until": nil}).Error; err != nil {
			return nil, nil, "", fmt.Errorf("retire old token: %w", err)
		}
	}
	if row.IssuedRole != row.User.Role || row.IssuedStatus != row.User.Status {
		return s.renew(ctx, &row, h, true)
	}
	if now.Sub(row.LastSeenAt) >= touchEvery {
		if err := db.Model(&Session{}).Where("id = ?", row.ID).Update("last_seen_at", now).Error; err != nil {
			return nil, nil, "", fmt.Errorf("touch session: %w", err)
		}
	}
	return &row.User, &row.Session, "", nil
}

// renew issues a new token for the session; the one the browser presented
// (kept) stays valid until the new one is first used, for at most
// oldTokenLifetime from the first renewal (fresh: this is that renewal).
// Only the request that wins the update hands out the new token.
func (s *Service) renew(ctx context.Context, row *sessionWithUser, kept []byte, fresh bool) (*User, *Session, string, error) {
	now := s.now()
	token := randomToken()
	updates := map[string]any{
		"token_hash": hashToken(token), "prev_token_hash": kept, "renewed_at": now,
		"issued_role": row.User.Role, "issued_status": row.User.Status, "last_seen_at": now,
	}
	if fresh {
		updates["prev_valid_until"] = now.Add(oldTokenLifetime)
	}
	res := s.db.WithContext(ctx).Model(&Session{}).Where("id = ? AND token_hash = ?", row.ID, row.TokenHash).Updates(updates)
	if res.Error != nil {
		return nil, nil, "", fmt.Errorf("renew session: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		token = ""
	}
	return &row.User, &row.Session, token, nil
}

// Sessions lists a member's live sessions, most recently used first.
func (s *Service) Sessions(ctx context.Context, userID int64) ([]Session, error) {
	var list []Session
	now := s.now()
	err := s.db.WithContext(ctx).
		Where("user_id = ? AND expires_at > ? AND last_seen_at > ?", userID, now, now.Add(-s.Idle)).
		Order("last_seen_at DESC, id DESC").Find(&list).Error
	return list, err
}

// RevokeSession ends one of the member's own sessions.
func (s *Service) RevokeSession(ctx context.Context, userID, sessionID int64, meta Meta) error {
	res := s.db.WithContext(ctx).Where("id = ? AND user_id = ?", sessionID, userID).Delete(&Session{})
	if res.Error != nil {
		return fmt.Errorf("revoke session: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("session %d: %w", sessionID, apperr.ErrNotFound)
	}
	return s.audit.Record(ctx, audit.Event{ActorID: userID, Action: audit.SessionRevoked,
		TargetType: "session", TargetID: sessionID, IP: meta.IP})
}

// Logout ends the current session.
func (s *Service) Logout(ctx context.Context, v *identity.Viewer, meta Meta) error {
	if err := s.db.WithContext(ctx).Delete(&Session{}, v.SessionID).Error; err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	return s.audit.Record(ctx, audit.Event{ActorID: v.UserID, Action: audit.Logout,
		TargetType: "user", TargetID: v.UserID, IP: meta.IP})
}

// endSessions deletes every session of a member except keep (0: none).
func (s *Service) endSessions(ctx context.Context, tx *gorm.DB, userID, keep int64) error {
	q := tx.WithContext(ctx).Where("user_id = ?", userID)
	if keep != 0 {
		q = q.Where("id <> ?", keep)
	}
	return q.Delete(&Session{}).Error
}

// truncate cuts s to at most n bytes of valid UTF-8: text from headers and
// providers may hold anything, and PostgreSQL refuses broken UTF-8.
func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// PruneExpired deletes sessions past their lifetime or idle limit, stale
// two-factor challenges and old login counters.
func (s *Service) PruneExpired(ctx context.Context) error {
	now := s.now()
	db := s.db.WithContext(ctx)
	if err := db.Where("expires_at < ? OR last_seen_at < ?", now, now.Add(-s.Idle)).Delete(&Session{}).Error; err != nil {
		return fmt.Errorf("prune sessions: %w", err)
	}
	if err := db.Where("expires_at < ?", now).Delete(&loginChallenge{}).Error; err != nil {
		return fmt.Errorf("prune login challenges: %w", err)
	}
	return s.pruneThrottle(ctx)
}

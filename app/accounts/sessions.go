package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"curbside/app/apperr"
	"curbside/app/audit"
	"curbside/app/db"
	"curbside/app/identity"
)

// ErrNoSession means the token names no live session: sign in again.
var ErrNoSession = errors.New("no live session")

// SessionLapsed is the ErrNoSession of a session that ran out (idle or past
// its lifetime) rather than being ended. Its member is named so that a form
// sent with it is not lost (kit.Route.Hold): they typed it while signed in.
type SessionLapsed struct{ Viewer *identity.Viewer }

func (e *SessionLapsed) Error() string        { return ErrNoSession.Error() + ": lapsed" }
func (e *SessionLapsed) Is(target error) bool { return target == ErrNoSession }

// lapseGrace is how long a lapsed session is kept to name its member, after
// which it is pruned: a form left open over a night can still be kept.
const lapseGrace = 24 * time.Hour

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

// idleLimit is how long a session may go unused: a remembered one as long
// as the operator lets remembered sessions idle (CURBSIDE_SESSION_REMEMBER_IDLE).
func (s *Service) idleLimit(remembered bool) time.Duration {
	if remembered && s.Remember > 0 {
		return s.RememberIdle
	}
	return s.Idle
}

// RememberSession keeps the session of token for Remember from its start,
// as its member asked at login ("keep me signed in on this device"), and
// returns when it now ends; nil when operators turned the option off.
func (s *Service) RememberSession(ctx context.Context, token string) (*time.Time, error) {
	if s.Remember <= 0 {
		return nil, nil
	}
	var until time.Time
	err := db.Conn(ctx, s.db).Raw(`UPDATE sessions SET remembered = true, expires_at = created_at + make_interval(secs => ?)
		WHERE token_hash = ? RETURNING expires_at`, s.Remember.Seconds(), hashToken(token)).Row().Scan(&until)
	if err != nil {
		return nil, fmt.Errorf("remember session: %w", err)
	}
	return &until, nil
}

// EndLapsed ends a lapsed session once the browser that carried it signs in
// again: its text is kept by then, and nothing else may be done with it.
func (s *Service) EndLapsed(ctx context.Context, v *identity.Viewer) error {
	if err := s.endSession(ctx, v.UserID, v.SessionID); err != nil && !errors.Is(err, apperr.ErrNotFound) {
		return err
	}
	return nil
}

// RevokeSession ends one of the member's own sessions.
func (s *Service) RevokeSession(ctx context.Context, userID, sessionID int64, meta Meta) error {
	return db.Tx(ctx, s.db, func(ctx context.Context) error {
		if err := s.endSession(ctx, userID, sessionID); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Event{ActorID: userID, Action: audit.SessionRevoked,
			TargetType: "session", TargetID: sessionID, IP: meta.IP})
	})
}

// RevokeOtherSessions ends every session of the member but the one in use,
// and says how many ended.
func (s *Service) RevokeOtherSessions(ctx context.Context, v *identity.Viewer, meta Meta) (int64, error) {
	var ended int64
	err := db.Tx(ctx, s.db, func(ctx context.Context) error {
		if err := db.Conn(ctx, s.db).Raw(`SELECT count(*) FROM sessions WHERE user_id = ? AND id <> ?`, v.UserID, v.SessionID).
			Scan(&ended).Error; err != nil {
			return fmt.Errorf("count sessions: %w", err)
		}
		if ended == 0 {
			return nil
		}
		if err := s.endSessions(ctx, v.UserID, v.SessionID); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Event{ActorID: v.UserID, Action: audit.OtherSessionsRevoked, TargetType: "user",
			TargetID: v.UserID, IP: meta.IP, Detail: map[string]string{"sessions": strconv.FormatInt(ended, 10)}})
	})
	return ended, err
}

// rotateToken gives the session a new token at once, with no grace for the
// old one, within the transaction ctx carries: when a session gains its
// second factor or its member a new password, a copy of the old token (the
// one a thief might hold) must not carry the new trust.
func (s *Service) rotateToken(ctx context.Context, sessionID int64) (string, error) {
	token := randomToken()
	err := db.Conn(ctx, s.db).Model(&Session{}).Where("id = ?", sessionID).Updates(map[string]any{
		"token_hash": hashToken(token), "prev_token_hash": nil, "prev_valid_until": nil, "renewed_at": s.now()}).Error
	if err != nil {
		return "", fmt.Errorf("renew session token: %w", err)
	}
	return token, nil
}

// Logout ends the current session.
func (s *Service) Logout(ctx context.Context, v *identity.Viewer, meta Meta) error {
	return db.Tx(ctx, s.db, func(ctx context.Context) error {
		err := s.endSession(ctx, v.UserID, v.SessionID)
		if err != nil && !errors.Is(err, apperr.ErrNotFound) { // already gone: logged out all the same
			return fmt.Errorf("logout: %w", err)
		}
		return s.audit.Record(ctx, audit.Event{ActorID: v.UserID, Action: audit.Logout,
			TargetType: "user", TargetID: v.UserID, IP: meta.IP})
	})
}

// endSession deletes one session of the member and tells every instance.
func (s *Service) endSession(ctx context.Context, userID, sessionID int64) error {
	res := db.Conn(ctx, s.db).Where("id = ? AND user_id = ?", sessionID, userID).Delete(&Session{})
	if res.Error != nil {
		return fmt.Errorf("end session: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("session %d: %w", sessionID, apperr.ErrNotFound)
	}
	return s.announceEnded(ctx, SessionsEnded{UserID: userID, SessionID: sessionID})
}

// endSessions deletes every session of a member except keep (0: none), and
// tells every instance, within the transaction ctx carries.
func (s *Service) endSessions(ctx context.Context, userID, keep int64) error {
	q := db.Conn(ctx, s.db).Where("user_id = ?", userID)
	if keep != 0 {
		q = q.Where("id <> ?", keep)
	}
	if err := q.Delete(&Session{}).Error; err != nil {
		return fmt.Errorf("end sessions: %w", err)
	}
	return s.announceEnded(ctx, SessionsEnded{UserID: userID, Except: keep})
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

// PruneExpired deletes sessions that lapsed (past their lifetime or idle
// limit) longer than lapseGrace ago, forms held past their hour, expired
// devices, stale two-factor challenges and old login counters.
func (s *Service) PruneExpired(ctx context.Context) error {
	now := s.now()
	db := s.db.WithContext(ctx)
	if err := db.Where("expires_at < ? OR last_seen_at < CASE WHEN remembered THEN ?::timestamptz ELSE ?::timestamptz END",
		now.Add(-lapseGrace), now.Add(-s.idleLimit(true)-lapseGrace), now.Add(-s.Idle-lapseGrace)).
		Delete(&Session{}).Error; err != nil {
		return fmt.Errorf("prune sessions: %w", err)
	}
	if err := db.Exec("DELETE FROM held_forms WHERE expires_at < ?", now).Error; err != nil {
		return fmt.Errorf("prune held forms: %w", err)
	}
	if err := db.Where("expires_at < ?", now).Delete(&TrustedDevice{}).Error; err != nil {
		return fmt.Errorf("prune devices: %w", err)
	}
	if err := db.Where("expires_at < ?", now).Delete(&loginChallenge{}).Error; err != nil {
		return fmt.Errorf("prune login challenges: %w", err)
	}
	return s.pruneThrottle(ctx)
}

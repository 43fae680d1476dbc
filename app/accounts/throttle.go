package accounts

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"curbside/app/apperr"
)

// throttleRule limits failed logins for one kind of key. Locks grow from
// firstLock, doubling with each further failure, up to maxLock.
type throttleRule struct {
	kind      string
	limit     int
	window    time.Duration
	firstLock time.Duration
	maxLock   time.Duration
}

// The per-account rule without the address is kept loose and short, so an
// attacker guessing from many addresses cannot lock a member out for long;
// the account-and-address rule is the tight one.
var loginRules = []throttleRule{
	{kind: "acct-ip", limit: 5, window: 15 * time.Minute, firstLock: 30 * time.Second, maxLock: 15 * time.Minute},
	{kind: "acct", limit: 20, window: 15 * time.Minute, firstLock: 30 * time.Second, maxLock: 5 * time.Minute},
	{kind: "ip", limit: 50, window: 15 * time.Minute, firstLock: time.Minute, maxLock: 30 * time.Minute},
}

func throttleKey(kind, email, ip string) string {
	email = strings.ToLower(strings.TrimSpace(email))
	switch kind {
	case "acct":
		return "acct:" + email
	case "ip":
		return "ip:" + ip
	}
	return "acct-ip:" + email + "|" + ip
}

// checkThrottle fails with *apperr.RateLimited while any key is locked.
func (s *Service) checkThrottle(ctx context.Context, email, ip string) error {
	keys := make([]string, len(loginRules))
	for i, r := range loginRules {
		keys[i] = throttleKey(r.kind, email, ip)
	}
	var until sql.NullTime
	err := s.db.WithContext(ctx).Table("login_throttle").Select("max(locked_until)").
		Where("key IN ? AND locked_until > ?", keys, s.now()).Scan(&until).Error
	if err != nil {
		return fmt.Errorf("check login throttle: %w", err)
	}
	if until.Valid {
		return &apperr.RateLimited{RetryAfter: until.Time.Sub(s.now())}
	}
	return nil
}

// recordFailure counts a failed login against every key and locks those past their limit.
func (s *Service) recordFailure(ctx context.Context, email, ip string) error {
	now := s.now()
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, r := range loginRules {
			var failures int
			err := tx.Raw(`INSERT INTO login_throttle AS t (key, failures, window_start) VALUES (?, 1, ?)
				ON CONFLICT (key) DO UPDATE SET
				  failures     = CASE WHEN t.window_start < ? THEN 1 ELSE t.failures + 1 END,
				  window_start = CASE WHEN t.window_start < ? THEN EXCLUDED.window_start ELSE t.window_start END
				RETURNING failures`, throttleKey(r.kind, email, ip), now, now.Add(-r.window), now.Add(-r.window)).
				Scan(&failures).Error
			if err != nil {
				return fmt.Errorf("count failed login: %w", err)
			}
			if failures < r.limit {
				continue
			}
			lock := r.firstLock << min(failures-r.limit, 16)
			if lock > r.maxLock || lock <= 0 {
				lock = r.maxLock
			}
			if err := tx.Table("login_throttle").Where("key = ?", throttleKey(r.kind, email, ip)).
				Update("locked_until", now.Add(lock)).Error; err != nil {
				return err
			}
		}
		return nil
	})
}

// clearThrottle forgets an account's failures after a successful login.
// The address's own count stays, so one good account cannot launder guesses.
func (s *Service) clearThrottle(ctx context.Context, email, ip string) error {
	return s.db.WithContext(ctx).Table("login_throttle").
		Where("key IN ?", []string{throttleKey("acct", email, ip), throttleKey("acct-ip", email, ip)}).
		Delete(nil).Error
}

// PruneThrottle deletes counters whose window and lock are long over.
func (s *Service) PruneThrottle(ctx context.Context) error {
	cutoff := s.now().Add(-24 * time.Hour)
	return s.db.WithContext(ctx).Exec(
		"DELETE FROM login_throttle WHERE window_start < ? AND (locked_until IS NULL OR locked_until < ?)",
		cutoff, s.now()).Error
}

package accounts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"curbside/app/apperr"
	"curbside/app/ratelimit"
)

// throttleRule bounds attempts on one kind of key within a window. From the
// limit on, each attempt locks the key for longer, from firstLock doubling up
// to maxLock: attempts slow down, and those made while locked get 429. A
// success lifts the lock.
type throttleRule struct {
	limit     int
	window    time.Duration
	firstLock time.Duration
	maxLock   time.Duration
}

var (
	// One account from one address: the tight rule against guessing.
	ruleAccountAddress = throttleRule{limit: 5, window: 15 * time.Minute, firstLock: 30 * time.Second, maxLock: 15 * time.Minute}
	// One account from anywhere, against guessing from many addresses. A
	// browser that has signed in to the account before is exempt, so such an
	// attacker cannot lock the member out of their usual device.
	ruleAccount = throttleRule{limit: 20, window: 15 * time.Minute, firstLock: 30 * time.Second, maxLock: 5 * time.Minute}
	// One address (an IPv6 /64), against spraying many accounts.
	ruleAddress = throttleRule{limit: 50, window: 15 * time.Minute, firstLock: time.Minute, maxLock: 30 * time.Minute}
	// Second-factor codes for one account; a right password does not reset it.
	ruleSecondFactor = throttleRule{limit: 10, window: 15 * time.Minute, firstLock: time.Minute, maxLock: time.Hour}
)

// throttled is one key with its rule.
type throttled struct {
	key  string
	rule throttleRule
}

func loginKeys(email, ip string, knownDevice bool) []throttled {
	keys := []throttled{accountAddressKey(email, ip), {"ip:" + ratelimit.Address(ip), ruleAddress}}
	if !knownDevice {
		keys = append(keys, throttled{"acct:" + strings.ToLower(strings.TrimSpace(email)), ruleAccount})
	}
	return keys
}

// accountAddressKey counts attempts on one account from one address.
func accountAddressKey(email, ip string) throttled {
	return throttled{"acct-ip:" + strings.ToLower(strings.TrimSpace(email)) + "|" + ratelimit.Address(ip), ruleAccountAddress}
}

func secondFactorKey(userID int64) throttled {
	return throttled{fmt.Sprintf("2fa:%d", userID), ruleSecondFactor}
}

// reserve counts an attempt against every key before it is checked, so that
// concurrent attempts cannot slip past the limit together. While any key is
// locked it fails with *apperr.RateLimited and counts nothing, so refused
// attempts cannot push someone else's account into a lock. It reports
// whether this attempt set a new lock.
func (s *Service) reserve(ctx context.Context, keys []throttled) (bool, error) {
	locked, err := s.tryReserve(ctx, keys)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "40P01" {
		// A deadlock with housekeeping's deletes: PostgreSQL undid one side; try again.
		locked, err = s.tryReserve(ctx, keys)
	}
	return locked, err
}

func (s *Service) tryReserve(ctx context.Context, keys []throttled) (locked bool, err error) {
	now := s.now()
	sort.Slice(keys, func(i, j int) bool { return keys[i].key < keys[j].key }) // one lock order for all
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = k.key
	}
	var wait time.Duration
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		until, err := lockKeys(tx, names, now)
		if err != nil {
			return err
		}
		for _, u := range until {
			if u.Valid && u.Time.After(now) {
				wait = max(wait, u.Time.Sub(now))
			}
		}
		if wait > 0 {
			return nil
		}
		for _, k := range keys {
			set, busy, err := s.count(tx, k, now)
			if err != nil {
				return err
			}
			if busy > 0 {
				wait = busy
				return errRefused // roll back: a refused attempt counts nowhere
			}
			locked = locked || set
		}
		return nil
	})
	if err != nil && !errors.Is(err, errRefused) {
		return false, err
	}
	if wait > 0 {
		return false, &apperr.RateLimited{RetryAfter: wait}
	}
	return locked, nil
}

var errRefused = errors.New("attempt refused")

// lockKeys makes sure every key has a row and locks them all, always in the
// same (byte) order, so that concurrent attempts on overlapping keys queue
// instead of deadlocking; it returns their locks.
func lockKeys(tx *gorm.DB, names []string, now time.Time) ([]sql.NullTime, error) {
	for _, name := range names {
		if err := tx.Exec("INSERT INTO login_throttle (key, failures, window_start) VALUES (?, 0, ?) ON CONFLICT (key) DO NOTHING",
			name, now).Error; err != nil {
			return nil, fmt.Errorf("open login throttle: %w", err)
		}
	}
	var until []sql.NullTime
	err := tx.Raw(`SELECT locked_until FROM login_throttle WHERE key IN ? ORDER BY key COLLATE "C" FOR UPDATE`, names).
		Scan(&until).Error
	if err != nil {
		return nil, fmt.Errorf("lock login throttle: %w", err)
	}
	return until, nil
}

// count adds one attempt to k; from the limit on it locks the key for the
// next attempt (this one goes ahead). It reports whether it set a lock, or,
// when a concurrent attempt locked the key first, how long to wait.
func (s *Service) count(tx *gorm.DB, k throttled, now time.Time) (bool, time.Duration, error) {
	var n int
	var locked sql.NullTime
	expired := now.Add(-k.rule.window)
	// The upsert waits for a concurrent attempt on the same key to commit, so
	// it sees that attempt's lock.
	err := tx.Raw(`INSERT INTO login_throttle AS t (key, failures, window_start) VALUES (?, 1, ?)
		ON CONFLICT (key) DO UPDATE SET
		  failures     = CASE WHEN t.window_start < ? THEN 1 ELSE t.failures + 1 END,
		  window_start = CASE WHEN t.window_start < ? THEN EXCLUDED.window_start ELSE t.window_start END
		RETURNING failures, locked_until`, k.key, now, expired, expired).Row().Scan(&n, &locked)
	if err != nil {
		return false, 0, fmt.Errorf("count attempt: %w", err)
	}
	if locked.Valid && locked.Time.After(now) {
		return false, locked.Time.Sub(now), nil
	}
	if n < k.rule.limit {
		return false, 0, nil
	}
	lock := k.rule.firstLock << min(n-k.rule.limit, 16)
	if lock > k.rule.maxLock || lock <= 0 {
		lock = k.rule.maxLock
	}
	return true, 0, tx.Table("login_throttle").Where("key = ?", k.key).Update("locked_until", now.Add(lock)).Error
}

// forgive forgets the attempts on keys after a success. An address keeps its
// count less this one success, so a member's own logins never add up
// against their address, and one good account cannot launder guesses.
func (s *Service) forgive(ctx context.Context, keys ...throttled) error {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = k.key
	}
	sort.Strings(names)
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`SELECT 1 FROM login_throttle WHERE key IN ? ORDER BY key COLLATE "C" FOR UPDATE`, names).Error; err != nil {
			return err
		}
		for _, name := range names {
			q := "DELETE FROM login_throttle WHERE key = ?"
			if strings.HasPrefix(name, "ip:") {
				q = "UPDATE login_throttle SET failures = failures - 1 WHERE key = ? AND failures > 0"
			}
			if err := tx.Exec(q, name).Error; err != nil {
				return err
			}
		}
		return nil
	})
}

// pruneThrottle deletes counters whose window and lock are long over.
func (s *Service) pruneThrottle(ctx context.Context) error {
	cutoff := s.now().Add(-24 * time.Hour)
	return s.db.WithContext(ctx).Exec(
		"DELETE FROM login_throttle WHERE window_start < ? AND (locked_until IS NULL OR locked_until < ?)",
		cutoff, s.now()).Error
}

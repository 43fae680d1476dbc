package accounts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

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
//
// Lock order. Every statement that takes row locks on login_throttle takes
// them in one order, ORDER BY key COLLATE "C", and in one statement, so a
// transaction never waits for a key while holding a greater one:
//   - reserve creates-or-locks all its keys at once (lockKeys) and then only
//     touches rows it already holds;
//   - forgive locks the rows that exist, then changes only those;
//   - pruneThrottle skips rows anyone holds, so it never waits at all.
//
// reserve runs in a transaction of its own, never the caller's: its counts
// must stay when the attempt they counted fails.
func (s *Service) reserve(ctx context.Context, keys []throttled) (locked bool, err error) {
	now := s.now()
	names := keyNames(keys)
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

// keyNames returns the distinct names of keys.
func keyNames(keys []throttled) []string {
	names := make([]string, 0, len(keys))
	for _, k := range keys {
		if !slices.Contains(names, k.key) {
			names = append(names, k.key)
		}
	}
	return names
}

// lockKeys makes sure every key has a row and locks them all, in one
// statement and in the one lock order, and returns their locks. The upsert
// cannot miss a row the way a separate insert and SELECT ... FOR UPDATE can:
// a row deleted in between (by forgive) dropped out of the lock set and was
// re-created later by count, out of order, which deadlocked.
func lockKeys(tx *gorm.DB, names []string, now time.Time) ([]sql.NullTime, error) {
	rows := strings.TrimSuffix(strings.Repeat("(?::text),", len(names)), ",")
	args := make([]any, 0, len(names)+1)
	args = append(args, now)
	for _, n := range names {
		args = append(args, n)
	}
	var until []sql.NullTime
	err := tx.Raw(`INSERT INTO login_throttle AS t (key, failures, window_start)
		SELECT v.key, 0, ? FROM (VALUES `+rows+`) AS v (key) ORDER BY v.key COLLATE "C"
		ON CONFLICT (key) DO UPDATE SET failures = t.failures
		RETURNING t.locked_until`, args...).Scan(&until).Error
	if err != nil {
		return nil, fmt.Errorf("lock login throttle: %w", err)
	}
	return until, nil
}

// count adds one attempt to k, whose row the transaction already holds; from
// the limit on it locks the key for the next attempt (this one goes ahead).
// It reports whether it set a lock, or, should the key be locked already,
// how long to wait.
func (s *Service) count(tx *gorm.DB, k throttled, now time.Time) (bool, time.Duration, error) {
	var n int
	var locked sql.NullTime
	expired := now.Add(-k.rule.window)
	err := tx.Raw(`UPDATE login_throttle AS t SET
		  failures     = CASE WHEN t.window_start < ? THEN 1 ELSE t.failures + 1 END,
		  window_start = CASE WHEN t.window_start < ? THEN ? ELSE t.window_start END
		WHERE t.key = ?
		RETURNING failures, locked_until`, expired, expired, now, k.key).Row().Scan(&n, &locked)
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
//
// It locks the rows that exist, in the one lock order, and changes only
// those: a row created after the lock is a newer attempt, not forgiven, and
// touching it would take a lock out of order.
func (s *Service) forgive(ctx context.Context, keys ...throttled) error {
	names := keyNames(keys)
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var held []string
		if err := tx.Raw(`SELECT key FROM login_throttle WHERE key IN ? ORDER BY key COLLATE "C" FOR UPDATE`, names).
			Scan(&held).Error; err != nil {
			return fmt.Errorf("lock login throttle: %w", err)
		}
		var accounts, addresses []string
		for _, name := range held {
			if strings.HasPrefix(name, "ip:") {
				addresses = append(addresses, name)
			} else {
				accounts = append(accounts, name)
			}
		}
		if len(accounts) > 0 {
			if err := tx.Exec("DELETE FROM login_throttle WHERE key IN ?", accounts).Error; err != nil {
				return fmt.Errorf("forgive attempts: %w", err)
			}
		}
		if len(addresses) > 0 {
			if err := tx.Exec("UPDATE login_throttle SET failures = failures - 1 WHERE key IN ? AND failures > 0", addresses).Error; err != nil {
				return fmt.Errorf("forgive attempts: %w", err)
			}
		}
		return nil
	})
}

// pruneThrottle deletes counters whose window and lock are long over. It
// skips rows an attempt holds, so housekeeping never waits on, or deadlocks
// with, a login.
func (s *Service) pruneThrottle(ctx context.Context) error {
	now := s.now()
	return s.db.WithContext(ctx).Exec(`DELETE FROM login_throttle WHERE key IN (
		SELECT key FROM login_throttle WHERE window_start < ? AND (locked_until IS NULL OR locked_until < ?)
		FOR UPDATE SKIP LOCKED)`, now.Add(-24*time.Hour), now).Error
}

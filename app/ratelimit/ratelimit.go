// Package ratelimit counts actions per key in fixed windows, in PostgreSQL so
// that every instance shares the count.
package ratelimit

import (
	"context"
	"fmt"
	"net"
	"time"

	"gorm.io/gorm"

	"curbside/app/apperr"
)

// Rule allows Limit actions per Window.
type Rule struct {
	Limit  int
	Window time.Duration
}

// Limiter checks rules against the shared counters.
type Limiter struct{ db *gorm.DB }

// New returns a limiter over db.
func New(db *gorm.DB) *Limiter { return &Limiter{db: db} }

// Allow counts one action under key and fails with *apperr.RateLimited once
// the rule's limit for the current window is used up.
func (l *Limiter) Allow(ctx context.Context, key string, r Rule) error {
	now := time.Now().UTC()
	var hits int
	var start time.Time
	err := l.db.WithContext(ctx).Raw(`INSERT INTO rate_limits AS r (key, window_start, hits) VALUES (?, ?, 1)
		ON CONFLICT (key) DO UPDATE SET
		  hits         = CASE WHEN r.window_start <= ? THEN 1 ELSE r.hits + 1 END,
		  window_start = CASE WHEN r.window_start <= ? THEN EXCLUDED.window_start ELSE r.window_start END
		RETURNING hits, window_start`, key, now, now.Add(-r.Window), now.Add(-r.Window)).Row().Scan(&hits, &start)
	if err != nil {
		return fmt.Errorf("rate limit %s: %w", key, err)
	}
	if hits > r.Limit {
		return &apperr.RateLimited{RetryAfter: start.Add(r.Window).Sub(now)}
	}
	return nil
}

// Address is the key of a client address: IPv6 addresses are grouped by
// their /64, which one client usually holds whole.
func Address(ip string) string {
	if parsed := net.ParseIP(ip); parsed != nil && parsed.To4() == nil {
		return parsed.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
	return ip
}

// Prune deletes counters whose window ended long ago.
func (l *Limiter) Prune(ctx context.Context, olderThan time.Duration) error {
	return l.db.WithContext(ctx).Exec("DELETE FROM rate_limits WHERE window_start < ?", time.Now().UTC().Add(-olderThan)).Error
}

package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// lastSeen collects "this session was just used" marks in memory, so that
// no request waits on a write (or on another request's row lock) to record
// it; FlushLastSeen writes them all in one statement.
type lastSeen struct {
	mu      sync.Mutex
	pending map[int64]time.Time
}

func (l *lastSeen) mark(sessionID int64, at time.Time) {
	l.mu.Lock()
	if l.pending == nil {
		l.pending = map[int64]time.Time{}
	}
	if at.After(l.pending[sessionID]) {
		l.pending[sessionID] = at
	}
	l.mu.Unlock()
}

// last is the newest mark of a session not yet written (zero: none).
func (l *lastSeen) last(sessionID int64) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.pending[sessionID]
}

func (l *lastSeen) take() map[int64]time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	taken := l.pending
	l.pending = nil
	return taken
}

// flushBatch bounds the rows of one statement.
const flushBatch = 500

// FlushLastSeen writes the pending last-use times. A time only ever moves
// forward, so instances flushing the same session in any order agree.
func (s *Service) FlushLastSeen(ctx context.Context) error {
	marks := s.seen.take()
	values := make([]string, 0, min(len(marks), flushBatch))
	args := make([]any, 0, 2*cap(values))
	flush := func() error {
		if len(values) == 0 {
			return nil
		}
		err := s.db.WithContext(ctx).Exec(`UPDATE sessions AS s SET last_seen_at = v.seen
			FROM (VALUES `+strings.Join(values, ", ")+`) AS v(id, seen)
			WHERE s.id = v.id AND s.last_seen_at < v.seen`, args...).Error
		values, args = values[:0], args[:0]
		return err
	}
	var err error
	for id, at := range marks {
		values = append(values, "(?::bigint, ?::timestamptz)")
		args = append(args, id, at)
		if len(values) == flushBatch {
			err = errors.Join(err, flush())
		}
	}
	if err = errors.Join(err, flush()); err != nil {
		for id, at := range marks { // keep them for the next try
			s.seen.mark(id, at)
		}
		return fmt.Errorf("record last use of sessions: %w", err)
	}
	return nil
}

// RunLastSeen flushes the last-use marks every interval until ctx ends, and
// once more then, so a clean shutdown loses none. A failed flush is reported
// and tried again at the next tick: the database may be away for a while.
func (s *Service) RunLastSeen(ctx context.Context, interval time.Duration, report func(error)) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			final, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			return s.FlushLastSeen(final)
		case <-t.C:
		}
		if err := s.FlushLastSeen(ctx); err != nil && ctx.Err() == nil {
			report(err)
		}
	}
}

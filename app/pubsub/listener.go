package pubsub

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// ApplicationName marks the listener's connection in pg_stat_activity.
const ApplicationName = "curbside-listener"

// Listener receives notifications for its subscribers over one dedicated
// PostgreSQL connection, kept open by Run.
type Listener struct {
	url string
	log *slog.Logger
	// connect is pgx.ConnectConfig; tests wrap it to hold reconnection back.
	connect func(context.Context, *pgx.ConnConfig) (*pgx.Conn, error)

	running atomic.Bool

	mu sync.Mutex
	// subs maps channels to their subscriptions. The slices are copied on
	// write, so the Run goroutine can walk one without holding mu.
	subs map[string][]*subscription
	// changed says Run has subscriptions to LISTEN, UNLISTEN or Resync.
	changed bool
	// interrupt ends Run's current wait for notifications; nil outside it.
	interrupt context.CancelFunc

	// gen counts Run's connections; only Run's goroutine touches it.
	gen uint64
}

// subscription is one Subscribe call.
type subscription struct {
	channel string
	h       Handler
	closed  atomic.Bool
	// gen is the connection on which h last got Resync; Run's goroutine only.
	gen uint64
}

// NewListener returns a listener for the database at url; start it with Run.
// A nil log means slog.Default().
func NewListener(url string, log *slog.Logger) *Listener {
	if log == nil {
		log = slog.Default()
	}
	return &Listener{url: url, log: log, connect: pgx.ConnectConfig, subs: map[string][]*subscription{}}
}

// Subscribe calls h for notifications on channel until unsubscribe is called.
// It works before and while Run runs: a new channel is LISTENed on the live
// connection at once, and h.Resync tells when that has happened. A channel
// may have several subscribers. Channel names are constants, so an invalid
// one (see ErrInvalidChannel) is a programming error and panics.
//
// After unsubscribe returns, h is not called again, except possibly by a
// dispatch already under way on the listener's goroutine.
func (l *Listener) Subscribe(channel string, h Handler) (unsubscribe func()) {
	if err := checkChannel(channel); err != nil {
		panic(err)
	}
	s := &subscription{channel: channel, h: h}
	l.mu.Lock()
	// Clip makes append copy, keeping snapshots held by Run intact.
	l.subs[channel] = append(slices.Clip(l.subs[channel]), s)
	l.changedLocked()
	l.mu.Unlock()

	var once sync.Once
	return func() { once.Do(func() { l.unsubscribe(s) }) }
}

func (l *Listener) unsubscribe(s *subscription) {
	s.closed.Store(true)
	l.mu.Lock()
	defer l.mu.Unlock()
	rest := slices.DeleteFunc(slices.Clone(l.subs[s.channel]), func(x *subscription) bool { return x == s })
	if len(rest) > 0 {
		l.subs[s.channel] = rest
		return
	}
	delete(l.subs, s.channel)
	l.changedLocked() // the channel is to be UNLISTENed
}

// changedLocked tells Run to apply the subscriptions now rather than after
// its current wait, which may last until the next notification.
func (l *Listener) changedLocked() {
	l.changed = true
	if l.interrupt != nil {
		l.interrupt()
	}
}

// snapshot returns the subscriptions if they changed since the last call.
func (l *Listener) snapshot() (map[string][]*subscription, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.changed {
		return nil, false
	}
	l.changed = false
	return maps.Clone(l.subs), true
}

// apply brings the connection's LISTENs in line with the subscriptions and
// calls Resync for every subscription not yet resynced on this connection.
func (l *Listener) apply(ctx context.Context, conn *pgx.Conn, listening map[string]bool) error {
	subs, changed := l.snapshot()
	if !changed {
		return nil
	}
	for ch := range subs {
		if !listening[ch] {
			if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{ch}.Sanitize()); err != nil {
				l.markChanged() // retry on the next connection
				return fmt.Errorf("listen %s: %w", ch, err)
			}
			listening[ch] = true
		}
	}
	for ch := range listening {
		if _, ok := subs[ch]; !ok {
			if _, err := conn.Exec(ctx, "UNLISTEN "+pgx.Identifier{ch}.Sanitize()); err != nil {
				l.markChanged()
				return fmt.Errorf("unlisten %s: %w", ch, err)
			}
			delete(listening, ch)
		}
	}
	for _, list := range subs {
		for _, s := range list {
			if s.gen != l.gen && !s.closed.Load() {
				s.gen = l.gen
				if s.h.Resync != nil {
					l.call(s, "Resync", s.h.Resync)
				}
			}
		}
	}
	return nil
}

func (l *Listener) markChanged() {
	l.mu.Lock()
	l.changed = true
	l.mu.Unlock()
}

// dispatch hands n to the channel's subscribers that have had their Resync
// on this connection; the others will catch up in theirs.
func (l *Listener) dispatch(n *pgconn.Notification) {
	l.mu.Lock()
	subs := l.subs[n.Channel]
	l.mu.Unlock()
	for _, s := range subs {
		if s.h.Notify != nil && s.gen == l.gen && !s.closed.Load() {
			l.call(s, "Notify", func() { s.h.Notify(n.Payload) })
		}
	}
}

// call runs a handler, logging a panic instead of letting it end Run and
// with it every other subscriber's delivery.
func (l *Listener) call(s *subscription, what string, fn func()) {
	defer func() {
		if r := recover(); r != nil {
			l.log.Error("pubsub: handler panicked", "channel", s.channel, "handler", what,
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		}
	}()
	fn()
}

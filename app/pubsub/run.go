package pubsub

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
)

const (
	// firstRetry is the first reconnection delay: a dropped connection is
	// usually back at once, and chat should not stall.
	firstRetry = 100 * time.Millisecond
	// maxRetry caps the delay so an instance rejoins soon after an outage.
	maxRetry = 5 * time.Second
	// idleCheck is how long the connection may stay silent before a ping
	// checks it: a vanished server or network reports nothing on its own.
	idleCheck = 30 * time.Second
	// pingTimeout bounds that check.
	pingTimeout = 5 * time.Second
)

// Run keeps a dedicated connection LISTENing to every subscribed channel and
// dispatches notifications until ctx ends, then returns nil. On any
// connection error it reconnects with exponential backoff and jitter, and
// calls every Resync once it listens again. It returns an error only for an
// unusable URL or when already running.
func (l *Listener) Run(ctx context.Context) error {
	cfg, err := pgx.ParseConfig(l.url)
	if err != nil {
		return fmt.Errorf("pubsub: parse database URL: %w", err)
	}
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	cfg.RuntimeParams["application_name"] = ApplicationName
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 10 * time.Second
	}
	if !l.running.CompareAndSwap(false, true) {
		return errors.New("pubsub: Listener.Run is already running")
	}
	defer l.running.Store(false)

	for failures := 0; ; failures++ {
		listened, err := l.session(ctx, cfg)
		if ctx.Err() != nil {
			return nil
		}
		if listened {
			failures = 0
		}
		delay := backoff(failures)
		l.log.Warn("pubsub: listener connection failed; reconnecting", "err", err, "retry_in", delay)
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// backoff is the delay before reconnection attempt failures+1: doubling from
// firstRetry up to maxRetry, with jitter so that instances cut off together
// do not all return in the same instant.
func backoff(failures int) time.Duration {
	d := maxRetry
	if failures < 10 {
		d = min(maxRetry, firstRetry<<failures)
	}
	return d/2 + rand.N(d/2+1)
}

// session connects, listens and dispatches until the connection fails or ctx
// ends. listened reports whether it got as far as LISTENing, which resets
// the backoff.
func (l *Listener) session(ctx context.Context, cfg *pgx.ConnConfig) (listened bool, err error) {
	conn, err := l.connect(ctx, cfg)
	if err != nil {
		return false, err
	}
	defer func() {
		// A fresh context: ctx may be done, and Close should still say goodbye.
		cctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		conn.Close(cctx)
	}()

	// Every subscription is due a Resync on the new connection.
	l.gen++
	l.markChanged()
	listening := map[string]bool{}
	for {
		if err := l.apply(ctx, conn, listening); err != nil {
			return listened, err
		}
		if !listened {
			listened = true
			if l.gen > 1 {
				l.log.Info("pubsub: listener reconnected")
			}
		}
		if err := l.wait(ctx, conn); err != nil {
			return true, err
		}
	}
}

// wait waits for one notification and dispatches it. It returns nil early
// when subscriptions change, and pings the connection when it stays idle.
func (l *Listener) wait(ctx context.Context, conn *pgx.Conn) error {
	l.mu.Lock()
	if l.changed {
		l.mu.Unlock()
		return nil
	}
	wctx, cancel := context.WithTimeout(ctx, idleCheck)
	defer cancel()
	l.interrupt = cancel
	l.mu.Unlock()

	n, err := conn.WaitForNotification(wctx)

	l.mu.Lock()
	l.interrupt = nil
	l.mu.Unlock()

	if n != nil {
		l.dispatch(n)
	}
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case conn.IsClosed():
		return err
	case errors.Is(wctx.Err(), context.DeadlineExceeded):
		pctx, cancel := context.WithTimeout(ctx, pingTimeout)
		defer cancel()
		return conn.Ping(pctx)
	case wctx.Err() != nil:
		// Interrupted by Subscribe: pgx leaves the connection usable after
		// a cancelled wait, so go back and apply the change.
		return nil
	default:
		return err
	}
}

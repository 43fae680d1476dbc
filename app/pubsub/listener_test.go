package pubsub

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"curbside/app/db/testdb"
)

func TestReconnectResyncs(t *testing.T) {
	t.Parallel()
	tdb := testdb.New(t)
	ctx := context.Background()
	l := newListener(t, tdb)
	// Hold the first reconnection until the test has published while down.
	var attempts atomic.Int32
	release := make(chan struct{})
	l.connect = func(ctx context.Context, cfg *pgx.ConnConfig) (*pgx.Conn, error) {
		if attempts.Add(1) == 2 {
			select {
			case <-release:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		return pgx.ConnectConfig(ctx, cfg)
	}
	var r recorder
	l.Subscribe("chat", r.handler())
	start(t, l)
	r.waitResyncs(t, 1)
	if err := Publish(ctx, tdb.DB, "chat", "before"); err != nil {
		t.Fatal(err)
	}
	r.waitPayload(t, "before")

	var killed []bool
	err := tdb.Raw(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE application_name = ? AND datname = current_database()`, ApplicationName).Scan(&killed).Error
	if err != nil || len(killed) != 1 || !killed[0] {
		t.Fatalf("terminate the listener's backend: %v %v", killed, err)
	}
	eventually(t, func() bool { return attempts.Load() >= 2 }, "the listener to try reconnecting")
	if err := Publish(ctx, tdb.DB, "chat", "while-down"); err != nil {
		t.Fatal(err)
	}
	close(release)
	r.waitResyncs(t, 2)
	if err := Publish(ctx, tdb.DB, "chat", "after"); err != nil {
		t.Fatal(err)
	}
	r.waitPayload(t, "after")
	// In order: had "while-down" been delivered, it would be here by now.
	if got := strings.Join(r.got(), ","); got != "before,after" {
		t.Errorf("got %s, want before,after: LISTEN does not replay what was sent while down", got)
	}
}

func TestSubscribeWhileRunning(t *testing.T) {
	t.Parallel()
	tdb := testdb.New(t)
	l := newListener(t, tdb)
	var first recorder
	l.Subscribe("first", first.handler())
	start(t, l)
	first.waitResyncs(t, 1)

	// Resync well before the idle check ends the wait proves Subscribe
	// interrupted it; the margin absorbs a loaded test machine.
	var r recorder
	began := time.Now()
	l.Subscribe("later", r.handler())
	r.waitResyncs(t, 1)
	if d := time.Since(began); d > idleCheck/10 {
		t.Errorf("new channel took %v to be LISTENed", d)
	}
	if err := Publish(context.Background(), tdb.DB, "later", "hello"); err != nil {
		t.Fatal(err)
	}
	r.waitPayload(t, "hello")
	if got := first.got(); len(got) != 0 {
		t.Errorf("subscriber of another channel got %q", got)
	}
}

func TestUnsubscribeAndPanics(t *testing.T) {
	t.Parallel()
	tdb := testdb.New(t)
	ctx := context.Background()
	l := newListener(t, tdb)
	var gone, kept recorder
	var panics atomic.Int32
	l.Subscribe("chat", Handler{
		Notify: func(string) { panics.Add(1); panic("handler bug") },
		Resync: func() { panic("resync bug") },
	})
	unsubscribe := l.Subscribe("chat", gone.handler())
	l.Subscribe("chat", kept.handler())
	start(t, l)
	kept.waitResyncs(t, 1)
	gone.waitResyncs(t, 1)

	if err := Publish(ctx, tdb.DB, "chat", "one"); err != nil {
		t.Fatal(err)
	}
	kept.waitPayload(t, "one")
	gone.waitPayload(t, "one")
	unsubscribe()
	unsubscribe() // harmless twice
	if err := Publish(ctx, tdb.DB, "chat", "two"); err != nil {
		t.Fatal(err)
	}
	kept.waitPayload(t, "two")
	if got := gone.got(); len(got) != 1 {
		t.Errorf("unsubscribed handler got %q, want only [one]", got)
	}
	if n := panics.Load(); n != 2 {
		t.Errorf("panicking handler called %d times, want 2", n)
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	t.Parallel()
	t.Run("connected", func(t *testing.T) {
		t.Parallel()
		tdb := testdb.New(t)
		l := newListener(t, tdb)
		var r recorder
		l.Subscribe("chat", r.handler())
		// start's cleanup checks Run returns nil within a second.
		start(t, l)
		r.waitResyncs(t, 1)
	})
	t.Run("unreachable", func(t *testing.T) {
		t.Parallel()
		l := NewListener(closedPortURL(t), testLog(t))
		var attempts atomic.Int32
		l.connect = func(ctx context.Context, cfg *pgx.ConnConfig) (*pgx.Conn, error) {
			attempts.Add(1)
			return pgx.ConnectConfig(ctx, cfg)
		}
		l.Subscribe("chat", Handler{})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- l.Run(ctx) }()
		// By the fourth attempt the backoff has grown past 300 ms.
		eventually(t, func() bool { return attempts.Load() >= 4 }, "4 connection attempts")
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run returned %v, want nil", err)
			}
		case <-time.After(time.Second):
			t.Fatal("Run did not return within 1s of cancel")
		}
	})
}

func TestRunRefusesSecondRun(t *testing.T) {
	t.Parallel()
	tdb := testdb.New(t)
	l := newListener(t, tdb)
	var r recorder
	l.Subscribe("chat", r.handler())
	start(t, l)
	r.waitResyncs(t, 1)
	if err := l.Run(context.Background()); err == nil {
		t.Fatal("a second concurrent Run was accepted")
	}
}

// closedPortURL returns a database URL on a local port nobody listens on.
func closedPortURL(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return fmt.Sprintf("postgres://curbside@127.0.0.1:%d/curbside?sslmode=disable", port)
}

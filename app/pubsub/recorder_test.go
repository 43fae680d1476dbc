package pubsub

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"curbside/app/db/testdb"
)

// waitLimit bounds every wait in these tests; delivery takes milliseconds.
const waitLimit = 5 * time.Second

// recorder keeps what its Handler was given, for a test to wait on.
type recorder struct {
	mu       sync.Mutex
	payloads []string
	resyncs  int
}

func (r *recorder) handler() Handler {
	return Handler{
		Notify: func(p string) { r.mu.Lock(); r.payloads = append(r.payloads, p); r.mu.Unlock() },
		Resync: func() { r.mu.Lock(); r.resyncs++; r.mu.Unlock() },
	}
}

func (r *recorder) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.payloads)
}

func (r *recorder) has(p string) bool { return slices.Contains(r.got(), p) }

func (r *recorder) resyncCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.resyncs
}

// waitPayload fails t unless p arrives within waitLimit.
func (r *recorder) waitPayload(t *testing.T, p string) {
	t.Helper()
	eventually(t, func() bool { return r.has(p) }, "payload %q (got %q)", p, r.got)
}

// waitResyncs fails t unless Resync has been called n times within waitLimit.
func (r *recorder) waitResyncs(t *testing.T, n int) {
	t.Helper()
	eventually(t, func() bool { return r.resyncCount() >= n }, "%d Resync calls (got %d)", n, r.resyncCount)
}

// eventually polls cond until waitLimit; args may hold funcs, evaluated for
// the failure message so it shows the final state.
func eventually(t *testing.T, cond func() bool, format string, args ...any) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			for i, a := range args {
				switch f := a.(type) {
				case func() []string:
					args[i] = f()
				case func() int:
					args[i] = f()
				}
			}
			t.Fatalf("timed out after %v waiting for "+format, append([]any{waitLimit}, args...)...)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// testLog sends the listener's log to the test's output.
func testLog(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// newListener returns a listener on tdb, not yet running.
func newListener(t *testing.T, tdb *testdb.DB) *Listener {
	return NewListener(tdb.URL, testLog(t))
}

// start runs l until the test ends, and then checks Run returns nil promptly.
// Call it after testdb.New so it stops before the database is dropped.
func start(t *testing.T, l *Listener) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run returned %v, want nil", err)
			}
		case <-time.After(time.Second):
			t.Errorf("Run did not return within 1s of cancel")
		}
	})
}

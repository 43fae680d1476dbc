package pubsub

import (
	"context"
	"errors"
	"strings"
	"testing"

	"curbside/app/db"
	"curbside/app/db/testdb"
)

func TestEveryInstanceReceives(t *testing.T) {
	t.Parallel()
	tdb := testdb.New(t)
	var a, b recorder
	la, lb := newListener(t, tdb), newListener(t, tdb)
	NewPGBus(tdb.DB, la).Subscribe("chat", a.handler())
	NewPGBus(tdb.DB, lb).Subscribe("chat", b.handler())
	start(t, la)
	start(t, lb)
	a.waitResyncs(t, 1)
	b.waitResyncs(t, 1)

	const payload = "room-7:01HZX3 \"quoted\" 'é'"
	if err := Publish(context.Background(), tdb.DB, "chat", payload); err != nil {
		t.Fatal(err)
	}
	a.waitPayload(t, payload)
	b.waitPayload(t, payload)
	if got := a.got(); len(got) != 1 {
		t.Errorf("instance A got %q, want exactly [%q]", got, payload)
	}
	if got := b.got(); len(got) != 1 {
		t.Errorf("instance B got %q, want exactly [%q]", got, payload)
	}
}

// Notifications from different transactions arrive in commit order, so once
// a marker committed later has arrived, an earlier one that has not arrived
// never will.
func TestPublishFollowsTransaction(t *testing.T) {
	t.Parallel()
	tdb := testdb.New(t)
	ctx := context.Background()
	l := newListener(t, tdb)
	bus := NewPGBus(tdb.DB, l)
	var r recorder
	bus.Subscribe("chat", r.handler())
	start(t, l)
	r.waitResyncs(t, 1)

	errRollback := errors.New("roll back")
	err := db.Tx(ctx, tdb.DB, func(ctx context.Context) error {
		if err := bus.Publish(ctx, "chat", "rolled-back"); err != nil {
			t.Fatal(err)
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatalf("Tx returned %v", err)
	}
	if err := bus.Publish(ctx, "chat", "marker-1"); err != nil {
		t.Fatal(err)
	}
	r.waitPayload(t, "marker-1")
	if r.has("rolled-back") {
		t.Fatalf("a notification from a rolled-back transaction was delivered: %q", r.got())
	}

	err = db.Tx(ctx, tdb.DB, func(ctx context.Context) error {
		if err := bus.Publish(ctx, "chat", "committed"); err != nil {
			return err
		}
		// Outside the transaction: commits, and so arrives, first.
		if err := Publish(context.Background(), tdb.DB, "chat", "marker-2"); err != nil {
			return err
		}
		r.waitPayload(t, "marker-2")
		if r.has("committed") {
			t.Errorf("notification arrived before its transaction committed: %q", r.got())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	r.waitPayload(t, "committed")
	want := []string{"marker-1", "marker-2", "committed"}
	if got := r.got(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestPublishRefusesBadInput(t *testing.T) {
	t.Parallel()
	tdb := testdb.New(t)
	ctx := context.Background()
	for _, ch := range []string{"", "Chat", "chat-room", "chat room", `chat"; DROP TABLE x; --`, "café", strings.Repeat("a", 64)} {
		if err := Publish(ctx, tdb.DB, ch, "x"); !errors.Is(err, ErrInvalidChannel) {
			t.Errorf("Publish on %q: got %v, want ErrInvalidChannel", ch, err)
		}
		func() {
			defer func() {
				if r := recover(); r == nil {
					t.Errorf("Subscribe(%q) did not panic", ch)
				}
			}()
			NewListener(tdb.URL, nil).Subscribe(ch, Handler{})
		}()
	}
	if err := Publish(ctx, tdb.DB, "chat", strings.Repeat("x", MaxPayload+1)); !errors.Is(err, ErrPayloadTooLarge) {
		t.Errorf("oversized payload: got %v, want ErrPayloadTooLarge", err)
	}

	// The limits themselves are accepted and delivered intact.
	long := strings.Repeat("a", 63)
	l := newListener(t, tdb)
	var r recorder
	l.Subscribe(long, r.handler())
	start(t, l)
	r.waitResyncs(t, 1)
	big := strings.Repeat("y", MaxPayload)
	if err := Publish(ctx, tdb.DB, long, big); err != nil {
		t.Fatalf("63-byte channel, %d-byte payload: %v", MaxPayload, err)
	}
	r.waitPayload(t, big)
}

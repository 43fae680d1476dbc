package chat_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// A graceful shutdown closes every socket with 1001 (going away), so that
// clients reconnect to another instance, and then returns.
func TestShutdownClosesSocketsGoingAway(t *testing.T) {
	t.Parallel()
	a := started(t)
	member, _ := a.Verified("cardiology")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- a.Server.Serve(ctx, ln) }()

	base := "http://" + ln.Addr().String()
	h := http.Header{"Origin": {base}, "Cookie": {"curbside_session=" + member.Cookie("curbside_session")}}
	conn, _, err := websocket.DefaultDialer.Dial("ws://"+ln.Addr().String()+"/ws", h)
	if err != nil {
		cancel()
		t.Fatalf("dial: %v", err)
	}
	defer conn.Close()
	s := &socket{t: t, conn: conn, own: map[int64]bool{}}
	s.join("general", 0)

	cancel()
	if code := s.closed(5 * time.Second); code != websocket.CloseGoingAway {
		t.Fatalf("close code on shutdown = %d, want %d", code, websocket.CloseGoingAway)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("Serve returned %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the server did not finish shutting down")
	}
}

// Typing travels to the room's other members, on every instance, and not
// back to the typist.
func TestTypingReachesTheOthers(t *testing.T) {
	t.Parallel()
	x := startAcross(t)
	as, bs := x.as, x.bs
	as.send(map[string]any{"type": "typing", "room": "general"})
	if f := bs.next("typing"); f.str("handle") != x.alice.Handle || f.str("room") != "general" {
		t.Fatalf("typing frame = %v", f)
	}
	bs.send(map[string]any{"type": "typing", "room": "lounge-neurology"})
	if f := bs.next("error"); f.str("code") != "bad_request" {
		t.Fatalf("typing in a room not joined: %v", f)
	}
}

// Who is in a room is shown across instances, and someone who leaves
// drops out of the list.
func TestPresenceAcrossInstances(t *testing.T) {
	t.Parallel()
	x := startAcross(t)
	as, bs, aliceAcct, bobAcct := x.as, x.bs, x.alice, x.bob
	waitPresence := func(s *socket, want []string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			f := s.next("presence")
			got := fmt.Sprint(f["online"])
			if got == fmt.Sprint(want) {
				return
			}
		}
		t.Fatalf("presence never became %v", want)
	}
	both := []string{aliceAcct.Handle, bobAcct.Handle}
	sort.Strings(both)
	waitPresence(as, both)
	waitPresence(bs, both)
	bs.send(map[string]any{"type": "leave", "room": "general"})
	waitPresence(as, []string{aliceAcct.Handle})
}

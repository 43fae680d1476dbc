package chat_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"curbside/app/identity"
)

// A message is acknowledged once stored; sent again with the same client
// id it is stored once and acknowledged with the same id, and everyone in
// the room gets it.
func TestSendIsStoredOnceThenAcknowledged(t *testing.T) {
	t.Parallel()
	a := started(t)
	alice, _ := a.Verified("cardiology")
	bob, _ := a.Verified("neurology")
	as, bs := dial(t, a, alice), dial(t, a, bob)
	as.join("general", 0)
	bs.join("general", 0)

	ack := as.say("general", "c-1", "Anyone seen **this** rash pattern?")
	if ack.str("type") != "ack" || ack.str("client_id") != "c-1" || ack.id() == 0 {
		t.Fatalf("ack = %v", ack)
	}
	if n := stored(t, a, `id = ? AND client_id = 'c-1'`, ack.id()); n != 1 {
		t.Fatalf("stored rows for the ack = %d, want 1", n)
	}
	got := bs.next("message")
	if got.id() != ack.id() || got.str("body") != "Anyone seen **this** rash pattern?" || got.str("html") != "<p>Anyone seen <strong>this</strong> rash pattern?</p>\n" {
		t.Fatalf("bob got %v", got)
	}
	if author := got["author"].(map[string]any); author["handle"] == "" || author["display_name"] == "" {
		t.Fatalf("message without its author: %v", got)
	}

	again := as.say("general", "c-1", "Anyone seen **this** rash pattern?")
	if again.str("type") != "ack" || again.id() != ack.id() {
		t.Fatalf("resend ack = %v, want id %d", again, ack.id())
	}
	if n := stored(t, a, `client_id = 'c-1'`); n != 1 {
		t.Fatalf("rows after a resend = %d, want 1", n)
	}
	// Bob hears of the message once: the next thing he gets is the next message.
	next := as.say("general", "c-2", "second")
	if f := bs.next("message"); f.id() != next.id() {
		t.Fatalf("bob's next message = %v, want id %d", f, next.id())
	}
}

// join with since replays exactly the missed messages, in order, then
// `joined`, then live ones.
func TestJoinReplaysWhatWasMissed(t *testing.T) {
	t.Parallel()
	a := started(t)
	alice, _ := a.Verified("cardiology")
	bob, _ := a.Verified("cardiology")
	as := dial(t, a, alice)
	as.join("lounge-cardiology", 0)
	var ids []int64
	for i := range 4 {
		ids = append(ids, as.say("lounge-cardiology", fmt.Sprintf("r-%d", i), fmt.Sprintf("note %d", i)).id())
	}
	// Bob saw the first message before his connection dropped.
	bs := dial(t, a, bob)
	replay := bs.join("lounge-cardiology", ids[0])
	if len(replay) != 3 {
		t.Fatalf("replayed %d messages, want 3: %v", len(replay), replay)
	}
	for i, f := range replay {
		if f.id() != ids[i+1] || f.str("body") != fmt.Sprintf("note %d", i+1) {
			t.Fatalf("replay[%d] = %v, want id %d", i, f, ids[i+1])
		}
	}
	live := as.say("lounge-cardiology", "r-live", "live one")
	if f := bs.next("message"); f.id() != live.id() {
		t.Fatalf("after joined got %v, want the live message %d", f, live.id())
	}
	// A room of another specialty's lounge is open to every verified member.
	bs.join("lounge-neurology", 0)
}

// Only verified members of this site may open the socket.
func TestSocketRefusesOtherOriginsAndUnverifiedMembers(t *testing.T) {
	t.Parallel()
	a := started(t)
	member, _ := a.Verified("cardiology")
	if _, res, err := dialResult(t, a, member, "https://evil.example"); err == nil || res == nil || res.StatusCode != http.StatusForbidden {
		t.Fatalf("another origin: err %v, response %v; want 403", err, res)
	}
	if _, res, err := dialResult(t, a, nil, ""); err == nil || res == nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("anonymous: err %v, response %v; want 303 to login", err, res)
	}
	pending, _ := a.As(identity.StatusPending, identity.RoleMember, "cardiology")
	if _, res, err := dialResult(t, a, pending, ""); err == nil || res == nil || res.StatusCode != http.StatusForbidden {
		t.Fatalf("pending member: err %v, response %v; want 403", err, res)
	}
	dial(t, a, member).join("general", 0)
}

// Bad frames get an error frame and never take the server down; a frame
// over 16 KiB closes the connection.
func TestBadFramesGetErrors(t *testing.T) {
	t.Parallel()
	a := started(t)
	member, _ := a.Verified("cardiology")
	s := dial(t, a, member)
	if err := s.conn.WriteMessage(websocket.TextMessage, []byte(`{"type":"join",`)); err != nil {
		t.Fatal(err)
	}
	if f := s.next("error"); f.str("code") != "bad_request" {
		t.Fatalf("malformed JSON: %v", f)
	}
	s.send(map[string]any{"type": "dance"})
	if f := s.next("error"); f.str("code") != "bad_request" {
		t.Fatalf("unknown type: %v", f)
	}
	s.send(map[string]any{"type": "join", "room": "no-such-room"})
	if f := s.next("error"); f.str("code") != "not_found" {
		t.Fatalf("unknown room: %v", f)
	}
	s.join("general", 0)
	long := make([]byte, 4001)
	for i := range long {
		long[i] = 'a'
	}
	if f := s.say("general", "long", string(long)); f.str("code") != "too_large" || f.str("client_id") != "long" {
		t.Fatalf("a 4,001-character body: %v", f)
	}
	if f := s.say("general", "", "no client id"); f.str("code") != "bad_request" {
		t.Fatalf("no client id: %v", f)
	}
	// Text the database would refuse never reaches a statement that other
	// members' messages share.
	if f := s.say("general", "nul\x00id", "a NUL in the client id"); f.str("code") != "bad_request" {
		t.Fatalf("a NUL in the client id: %v", f)
	}
	if f := s.say("gen\x00eral", "nul-room", "a NUL in the room"); f.str("code") != "not_found" {
		t.Fatalf("a NUL in the room: %v", f)
	}
	if f := s.say("general", "ok", "still here"); f.str("type") != "ack" {
		t.Fatalf("after bad frames: %v", f)
	}
	huge := make([]byte, 17<<10)
	for i := range huge {
		huge[i] = 'x'
	}
	if err := s.conn.WriteMessage(websocket.TextMessage, huge); err != nil {
		t.Fatal(err)
	}
	if f := s.next("error"); f.str("code") != "too_large" {
		t.Fatalf("a 17 KiB frame: %v", f)
	}
	if code := s.closed(3 * time.Second); code != websocket.CloseMessageTooBig {
		t.Fatalf("close code after an oversized frame = %d", code)
	}
	// The server and the others carry on.
	other, _ := a.Verified("neurology")
	if f := dial(t, a, other).say("general", "x", "hello"); f.str("type") != "ack" {
		t.Fatalf("another member after that: %v", f)
	}
}

// The privacy guard holds a message that may name a patient, with its
// findings; sent again with phi_ack it is stored.
func TestPrivacyGuardOnTheSocket(t *testing.T) {
	t.Parallel()
	a := started(t)
	member, _ := a.Verified("cardiology")
	s := dial(t, a, member)
	s.join("general", 0)
	body := "Saw Mr John Smith today, call him on 555-123-4567"
	f := s.say("general", "p-1", body)
	if f.str("code") != "phi" || f.str("client_id") != "p-1" || !strings.Contains(mustJSON(t, f["findings"]), "555-123-4567") {
		t.Fatalf("held message: %v", f)
	}
	if n := stored(t, a, `client_id = 'p-1'`); n != 0 {
		t.Fatalf("a held message was stored: %d", n)
	}
	s.send(map[string]any{"type": "send", "room": "general", "body": body, "client_id": "p-1", "phi_ack": true})
	if f := s.answer("p-1"); f.str("type") != "ack" || f.id() == 0 {
		t.Fatalf("acknowledged resend: %v", f)
	}
}

// Frames other than sends are limited too, and a body with a NUL is refused
// as bad input, not taken for a server failure.
func TestOtherFramesAreLimited(t *testing.T) {
	t.Parallel()
	a := started(t)
	member, _ := a.Verified("cardiology")
	s := dial(t, a, member)
	s.join("general", 0)
	if f := s.say("general", "nul", "bad\x00byte"); f.str("code") != "bad_request" {
		t.Fatalf("a NUL in the body: %v", f)
	}
	limited := false
	for range 60 {
		s.send(map[string]any{"type": "read", "room": "general", "id": 1})
	}
	for range 60 {
		_ = s.conn.SetReadDeadline(time.Now().Add(2 * time.Second))
		var f frame
		if err := s.conn.ReadJSON(&f); err != nil {
			break
		}
		if f.str("code") == "rate_limited" {
			limited = true
			break
		}
	}
	if !limited {
		t.Fatal("60 read frames at once were never limited")
	}
}

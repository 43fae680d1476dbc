package chat_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"curbside/app/pubsub"
)

// Two instances on one database: a message stored on one reaches a client
// of the other, also after the other's listening connection was killed
// (it reconnects and catches up from the table).
func TestMessagesCrossInstances(t *testing.T) {
	t.Parallel()
	x := startAcross(t)
	one, as, bs := x.one, x.as, x.bs

	ack := as.say("general", "x-1", "from instance one")
	if f := bs.next("message"); f.id() != ack.id() || f.str("body") != "from instance one" {
		t.Fatalf("instance two delivered %v", f)
	}

	// Cut every listener; the message sent while they are down must still
	// arrive once they are back.
	killed := 0
	if err := one.DB.DB.Raw(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = ? AND datname = current_database()`, pubsub.ApplicationName).Scan(&killed).Error; err != nil || killed < 2 {
		t.Fatalf("terminated %d listeners (%v), want 2", killed, err)
	}
	missed := as.say("general", "x-2", "sent while the listeners were down")
	if f := bs.next("message"); f.id() != missed.id() {
		t.Fatalf("after the listener was killed, instance two delivered %v, want %d", f, missed.id())
	}
	after := as.say("general", "x-3", "and after")
	if f := bs.next("message"); f.id() != after.id() {
		t.Fatalf("instance two then delivered %v, want %d", f, after.id())
	}
}

// A session that ends (logout here, a suspension, a revoked session)
// closes its sockets on every instance within a second.
func TestSessionEndClosesSockets(t *testing.T) {
	t.Parallel()
	one := started(t)
	two := one.Twin()
	two.StartRunners()
	member, _ := one.Verified("cardiology")
	here, there := dial(t, one, member), dial(t, two, member.On(two))
	here.join("general", 0)
	there.join("general", 0)
	other, _ := one.Verified("neurology")
	bystander := dial(t, one, other)
	bystander.join("general", 0)

	member.PostForm("/logout", url.Values{})
	start := time.Now()
	for name, s := range map[string]*socket{"same instance": here, "other instance": there} {
		if code := s.closed(2 * time.Second); code != websocket.ClosePolicyViolation {
			t.Errorf("%s: close code %d, want %d", name, code, websocket.ClosePolicyViolation)
		}
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("sockets closed after %v, want within a second", took)
	}
	if f := bystander.say("general", "b-1", "still here"); f.str("type") != "ack" {
		t.Fatalf("another member's socket: %v", f)
	}
	_, res, err := dialResult(t, one, member, "")
	if err == nil || res == nil || res.StatusCode == 101 {
		t.Fatalf("a socket with the ended session opened: %v", err)
	}
}

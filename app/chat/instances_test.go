package chat_test

import (
	"context"
	"curbside/app/db/testdb"
	"net/url"
	"strings"
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
	killed := testdb.Scalar[int64](t, one.DB, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = ? AND datname = current_database()`, pubsub.ApplicationName)
	if killed < 2 {
		t.Fatalf("terminated %d listeners, want 2", killed)
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

// A session that lapses (past its lifetime) closes its sockets at the next
// check; one in use stays open.
func TestLapsedSessionClosesSocket(t *testing.T) {
	t.Parallel()
	a := started(t)
	lapsing, lapsingAcct := a.Verified("cardiology")
	staying, _ := a.Verified("neurology")
	ls, ss := dial(t, a, lapsing), dial(t, a, staying)
	ls.join("general", 0)
	ss.join("general", 0)
	if err := a.DB.DB.Exec(`UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE user_id = ?`, lapsingAcct.ID).Error; err != nil {
		t.Fatal(err)
	}
	a.Core.ChatHub.CheckSessions(context.Background())
	if code := ls.closed(2 * time.Second); code != websocket.ClosePolicyViolation {
		t.Fatalf("lapsed session's socket: close code %d", code)
	}
	if f := ss.say("general", "s-1", "still here"); f.str("type") != "ack" {
		t.Fatalf("the other socket: %v", f)
	}
}

// A consultant who releases a consult leaves its room at once: their open
// socket is told the room is gone and hears nothing more from it.
func TestReleasedConsultantLeavesTheRoom(t *testing.T) {
	t.Parallel()
	a := started(t)
	gp, _ := a.Verified("family-medicine")
	cardio, _ := a.Verified("cardiology")
	res := gp.PostForm("/consults", url.Values{"specialty": {"cardiology"}, "urgency": {"routine"},
		"question": {"Which anticoagulant after this ablation?"}, "summary": {"Paroxysmal AF, ablated last month."},
		"age_band": {"60-69"}, "sex": {"male"}}).Expect(303)
	room := "consult-" + strings.TrimPrefix(res.Location(), "/consults/")
	cardio.PostForm(res.Location()+"/claim", url.Values{}).Expect(303)
	gs, cs := dial(t, a, gp), dial(t, a, cardio)
	gs.join(room, 0)
	cs.join(room, 0)
	cardio.PostForm(res.Location()+"/release", url.Values{}).Expect(303)
	if f := cs.next("error"); f.str("code") != "not_found" || f.str("room") != room {
		t.Fatalf("the released consultant got %v", f)
	}
	gs.echo(gs.say(room, "after-release", "Details for whoever picks this up next").id())
	cs.send(map[string]any{"type": "join", "room": "general", "since": 0})
	if f := cs.next(); f.str("type") != "joined" {
		t.Fatalf("the released consultant still hears the room: %v", f)
	}
}

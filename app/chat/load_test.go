package chat_test

import (
	"curbside/app/db/testdb"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"curbside/app/chat"
)

// A member who sends faster than anyone types is told to wait.
func TestSendRateLimit(t *testing.T) {
	t.Parallel()
	a := started(t)
	member, _ := a.Verified("cardiology")
	s := dial(t, a, member)
	s.join("general", 0)
	var limited bool
	for i := range 15 {
		f := s.say("general", fmt.Sprintf("burst-%d", i), fmt.Sprintf("message %d", i))
		if f.str("code") == "rate_limited" {
			limited = true
			if i < 10 {
				t.Fatalf("limited after %d messages, want a burst of 10 allowed", i)
			}
			break
		}
	}
	if !limited {
		t.Fatal("15 messages in a row were never rate limited")
	}
}

// A client that stops reading is cut off once its queue is full; the others
// in the room get every message, and the server stays up.
func TestSlowConsumerIsDisconnected(t *testing.T) {
	t.Parallel()
	a := started(t)
	slow, _ := a.Verified("cardiology")
	fast, fastAcct := a.Verified("neurology")
	ss, fs := dial(t, a, slow), dial(t, a, fast)
	ss.join("general", 0)
	fs.join("general", 0)

	// Stored straight in the table and announced as the service would, many
	// large messages in bursts of 50: far more than the slow client's queue
	// and its socket's buffers hold, while the other reads each burst.
	const bursts, size = 30, 50
	body := strings.Repeat("word ", 780)
	for b := range bursts {
		err := a.DB.DB.Exec(`INSERT INTO chat_messages (room_id, author_id, client_id, body, body_html)
			SELECT r.id, ?, 'flood-' || g, ?, ? FROM chat_rooms r, generate_series(?::int, ?::int) g WHERE r.slug = 'general'`,
			fastAcct.ID, body, "<p>"+body+"</p>", b*size+1, (b+1)*size).Error
		if err != nil {
			t.Fatal(err)
		}
		if err := a.DB.DB.Exec(`SELECT pg_notify(?, 'm:' || id || ':0') FROM chat_rooms WHERE slug = 'general'`, chat.Channel).Error; err != nil {
			t.Fatal(err)
		}
		for i := range size {
			if f := fs.next("message"); f.str("client_id") != fmt.Sprintf("flood-%d", b*size+i+1) {
				t.Fatalf("the reading client's message %d = %v", b*size+i+1, f["client_id"])
			}
		}
	}
	if code := ss.closed(5 * time.Second); code == 0 {
		t.Fatal("the slow client was not disconnected")
	}
	if f := fs.say("general", "after", "still fine"); f.str("type") != "ack" {
		t.Fatalf("after the flood: %v", f)
	}
}

// A moderator hides a message: it leaves every open client at once and the
// page. Members may not.
func TestModeratorHidesAMessage(t *testing.T) {
	t.Parallel()
	a := started(t)
	member, _ := a.Verified("cardiology")
	mod, _ := a.As("verified", "moderator", "neurology")
	s := dial(t, a, member)
	s.join("general", 0)
	ack := s.say("general", "h-1", "something off-colour")
	path := fmt.Sprintf("/mod/chat/messages/%d/hide", ack.id())
	member.PostForm(path, url.Values{}).Expect(http.StatusForbidden)
	mod.Get("/chat/general").Expect(http.StatusOK).Contains(`action="` + path + `"`)
	member.Get("/chat/general").Expect(http.StatusOK).Lacks(`action="` + path + `"`)
	mod.PostForm(path, url.Values{"next": {"/chat/general"}}).Expect(http.StatusSeeOther).RedirectsTo("/chat/general")
	if f := s.next("hidden"); f.id() != ack.id() || f.str("room") != "general" {
		t.Fatalf("hidden frame = %v", f)
	}
	member.Get("/chat/general").Expect(http.StatusOK).Lacks("something off-colour")
	if replay := dial(t, a, member).join("general", 0); len(replay) != 0 {
		t.Fatalf("a hidden message was replayed: %v", replay)
	}
	mod.PostForm("/mod/chat/messages/999999/hide", url.Values{}).Expect(http.StatusNotFound)
	if audited := testdb.Scalar[int64](t, a.DB, `SELECT count(*) FROM audit_log WHERE action = 'chat.message_hidden' AND target_id = ?`, ack.id()); audited != 1 {
		t.Fatalf("audit rows for the hiding = %d, want 1", audited)
	}
}

// Naming a colleague with @handle tells them where, never what.
func TestMentionsNotify(t *testing.T) {
	t.Parallel()
	a := started(t)
	writer, _ := a.Verified("cardiology")
	named, namedAcct := a.Verified("neurology")
	s := dial(t, a, writer)
	s.join("general", 0)
	s.say("general", "m-1", "@"+namedAcct.Handle+" what do you make of this tremor?")
	named.Get("/notifications").Expect(http.StatusOK).Contains("mentioned you in chat").Lacks("tremor")
	id := testdb.Scalar[int64](t, a.DB, `SELECT id FROM notifications WHERE user_id = ? AND kind = 'mention'`, namedAcct.ID)
	named.Get(fmt.Sprintf("/notifications/%d", id)).RedirectsTo("/chat/general")
}

package chat_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Without JavaScript the room works through its form: a message is posted
// and shown, a resend of the same form stores it once, and refusals keep
// the text with a message at the field.
func TestRoomFormFallback(t *testing.T) {
	t.Parallel()
	a := started(t)
	member, _ := a.Verified("cardiology")
	page := member.Get("/chat/general").Expect(http.StatusOK).Contains(`id="chat-form"`, `name="client_id"`, `name="_csrf"`, "No messages yet")
	clientID := between(page.Body, `name="client_id" value="`, `"`)
	form := url.Values{"body": {"Morning all: **ECG** question for later."}, "client_id": {clientID}}
	member.PostForm("/chat/general/messages", form).Expect(http.StatusSeeOther).RedirectsTo("/chat/general#chat-end")
	member.PostForm("/chat/general/messages", form).Expect(http.StatusSeeOther) // a double submit
	member.Get("/chat/general").Expect(http.StatusOK).Contains("Morning all: <strong>ECG</strong> question for later.")
	if n := stored(t, a, `client_id = ?`, clientID); n != 1 {
		t.Fatalf("stored %d rows for one form sent twice", n)
	}

	member.PostForm("/chat/general/messages", url.Values{"body": {"   "}}).Expect(http.StatusUnprocessableEntity).Contains("Write a message.")
	long := strings.Repeat("a", 4001)
	member.PostForm("/chat/general/messages", url.Values{"body": {long}}).Expect(http.StatusUnprocessableEntity).
		Contains("at most 4000 characters", long)
	held := "Seen today: Mr John Smith, call 555-123-4567."
	member.PostForm("/chat/general/messages", url.Values{"body": {held}}).Expect(http.StatusUnprocessableEntity).
		Contains("555-123-4567", `name="phi_ack"`)
	if n := stored(t, a, `body LIKE '%555-123-4567%'`); n != 0 {
		t.Fatalf("a held message was stored (%d)", n)
	}
	member.PostForm("/chat/general/messages", url.Values{"body": {held}, "phi_ack": {"on"}}).Expect(http.StatusSeeOther)
	member.PostForm("/chat/nowhere/messages", url.Values{"body": {"hello"}}).Expect(http.StatusNotFound)
	// A form without its token changes nothing.
	res := member.PostRaw("/chat/general/messages", "application/x-www-form-urlencoded", strings.NewReader("body=no+token"))
	res.Expect(http.StatusForbidden)
	a.Client().Get("/chat/general").Expect(http.StatusSeeOther).RedirectsTo("/login?next=%2Fchat%2Fgeneral")
	// Below verified, the chat is refused with the way to get there, and shows nothing of the room.
	pending, _ := a.As("pending", "member", "cardiology")
	pending.Get("/chat").Expect(http.StatusForbidden).Contains(`href="/verification"`)
	pending.Get("/chat/general").Expect(http.StatusForbidden).Lacks("Morning all")
	pending.PostForm("/chat/general/messages", url.Values{"body": {"let me in"}}).Expect(http.StatusForbidden)
}

// /chat lists the rooms with what is unread in each; opening a room reads it.
func TestRoomListCountsUnread(t *testing.T) {
	t.Parallel()
	a := started(t)
	reader, _ := a.Verified("cardiology")
	writer, _ := a.Verified("neurology")
	list := reader.Get("/chat").Expect(http.StatusOK).Contains("/chat/general", "/chat/lounge-cardiology", "Cardiology lounge")
	if strings.Index(list.Body, "/chat/lounge-cardiology") > strings.Index(list.Body, "/chat/lounge-allergy-immunology") {
		t.Error("the member's own lounge is not listed before the other lounges")
	}
	ws := dial(t, a, writer)
	ws.join("general", 0)
	for _, id := range []string{"u-1", "u-2", "u-3"} {
		ws.say("general", id, "news "+id)
	}
	reader.Get("/chat").Expect(http.StatusOK).Contains(`3<span class="visually-hidden"> unread</span>`)
	writer.Get("/chat").Expect(http.StatusOK).Lacks(`<span class="visually-hidden"> unread</span>`) // one's own messages are read
	reader.Get("/chat/general").Expect(http.StatusOK).Contains("news u-3")
	reader.Get("/chat").Expect(http.StatusOK).Lacks(`<span class="visually-hidden"> unread</span>`)

	// The socket's read marker counts too.
	ws.say("general", "u-4", "one more")
	rs := dial(t, a, reader)
	replay := rs.join("general", 0)
	rs.send(map[string]any{"type": "read", "room": "general", "id": replay[len(replay)-1].id()})
	rs.say("general", "r-1", "a marker goes with a send") // the read is handled before this ack
	reader.Get("/chat").Expect(http.StatusOK).Lacks(`<span class="visually-hidden"> unread</span>`)
}

// The room list and a room's page read in a fixed number of queries,
// however many rooms and messages there are.
func TestChatPagesQueryCounts(t *testing.T) {
	t.Parallel()
	a := started(t)
	member, acct := a.Verified("cardiology")
	ws := dial(t, a, member)
	ws.join("general", 0)
	for _, id := range []string{"q-1", "q-2", "q-3", "q-4", "q-5", "q-6"} {
		ws.say("general", id, "message "+id)
	}
	for range 3 {
		other, otherAcct := a.Verified("neurology")
		other.Get("/chat/dm/" + acct.Handle).Expect(http.StatusSeeOther)
		_ = otherAcct
	}
	if n := a.Queries(member, "/chat"); n > 3 {
		t.Errorf("/chat ran %d statements, want at most 3", n)
	}
	if n := a.Queries(member, "/chat/general"); n > 5 {
		t.Errorf("/chat/general ran %d statements, want at most 5", n)
	}
}

func between(s, start, end string) string {
	_, after, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(after, end)
	return v
}

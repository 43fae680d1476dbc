package chat_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gorilla/websocket"
)

// Members sending at the same moment share statements (group commit), and
// each still gets their own answer: every message is stored once and
// acknowledged with its row's id; the same client id sent from two tabs at
// once is stored once and both are acknowledged with it; a room of others
// stays not found; and a member in the room gets every message once, in id
// order, live and on a later join.
func TestConcurrentSendsAreEachStoredOnce(t *testing.T) {
	t.Parallel()
	a := started(t)
	watcher, _ := a.Verified("cardiology")
	ws := dial(t, a, watcher)
	ws.join("general", 0)
	_, other := a.Verified("dermatology")
	dm := strings.TrimPrefix(watcher.Get("/chat/dm/"+other.Handle).Expect(http.StatusSeeOther).Location(), "/chat/")

	const members, each = 8, 6
	conns := make([]*websocket.Conn, 0, members+1)
	for range members {
		member, _ := a.Verified("neurology")
		conns = append(conns, dial(t, a, member).conn)
		if len(conns) == 1 { // the first member has a second tab
			conns = append(conns, dial(t, a, member).conn)
		}
	}
	type answer struct {
		clientID, kind, code string
		id                   int64
	}
	answers := make([][]answer, len(conns))
	var wg sync.WaitGroup
	for i, conn := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sends := []map[string]any{{"type": "send", "room": "general", "body": "both tabs", "client_id": "twice"}}
			if i > 0 { // the second tab sends only the shared one
				sends = sends[:0]
			}
			if i > 1 {
				for j := range each {
					sends = append(sends, map[string]any{"type": "send", "room": "general",
						"body": fmt.Sprintf("note %c%c", 'a'+i, 'a'+j), "client_id": fmt.Sprintf("m%d-%d", i, j)})
				}
				sends = append(sends, map[string]any{"type": "send", "room": dm, "body": "let me in", "client_id": fmt.Sprintf("dm%d", i)})
			}
			if i == 1 {
				sends = append(sends, map[string]any{"type": "send", "room": "general", "body": "both tabs", "client_id": "twice"})
			}
			for _, f := range sends {
				if err := conn.WriteJSON(f); err != nil {
					answers[i] = append(answers[i], answer{clientID: f["client_id"].(string), kind: "write failed: " + err.Error()})
					return
				}
				for {
					var got frame
					if err := conn.ReadJSON(&got); err != nil {
						answers[i] = append(answers[i], answer{clientID: f["client_id"].(string), kind: "read failed: " + err.Error()})
						return
					}
					if k := got.str("type"); k == "ack" || k == "error" {
						answers[i] = append(answers[i], answer{clientID: f["client_id"].(string), kind: k, code: got.str("code"), id: got.id()})
						break
					}
				}
			}
		}()
	}
	wg.Wait()

	var acked []int64
	var twice []int64
	for i, list := range answers {
		for _, ans := range list {
			switch {
			case strings.HasPrefix(ans.clientID, "dm"):
				if ans.kind != "error" || ans.code != "not_found" {
					t.Errorf("tab %d writing to a room of others: %+v, want not_found", i, ans)
				}
			case ans.kind != "ack" || ans.id == 0:
				t.Errorf("tab %d: %+v, want an ack", i, ans)
			case ans.clientID == "twice":
				twice = append(twice, ans.id)
			default:
				acked = append(acked, ans.id)
			}
		}
	}
	if len(twice) != 2 || twice[0] != twice[1] {
		t.Fatalf("the two tabs' acks for one client id = %v, want the same id twice", twice)
	}
	acked = append(acked, twice[0])
	slices.Sort(acked)
	if want := (members-1)*each + 1; len(slices.Compact(slices.Clone(acked))) != want {
		t.Fatalf("%d distinct acks, want %d: %v", len(slices.Compact(slices.Clone(acked))), want, acked)
	}
	if n := stored(t, a, `room_id = (SELECT id FROM chat_rooms WHERE slug = 'general')`); n != int64(len(acked)) {
		t.Fatalf("stored %d messages, want %d", n, len(acked))
	}
	if n := stored(t, a, `body = 'let me in'`); n != 0 {
		t.Fatalf("%d messages stored in a room of others", n)
	}

	var live []int64
	for len(live) < len(acked) {
		live = append(live, ws.next("message").id())
	}
	if !slices.Equal(live, acked) {
		t.Fatalf("the watcher got %v, want every acked id once in order: %v", live, acked)
	}
	var replayed []int64
	for _, f := range dial(t, a, watcher).join("general", 0) {
		replayed = append(replayed, f.id())
	}
	if !slices.Equal(replayed, acked) {
		t.Fatalf("a later join replayed %v, want %v", replayed, acked)
	}
}

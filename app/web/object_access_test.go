package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"curbside/app/db/testdb"
	"curbside/app/identity"
	"curbside/app/web/webtest"
)

// A member who is not a party tries the ids of other members' private
// things, on pages, forms, search and the websocket: consults, direct
// messages, documents, drafts and notifications answer as if they did not
// exist, and an anonymous post never names its author.
func TestOthersPrivateThingsAreNotFound(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	app.StartRunners()
	alice, aliceAcct := app.Verified("cardiology")
	_, bobAcct := app.Verified("neurology")
	eve, _ := app.Verified("dermatology")
	neuro, _ := app.Verified("neurology")

	// A consult to neurology: its specialists see it while it is open;
	// another specialty never does, and the search does not find it.
	res := alice.PostForm("/consults", url.Values{"specialty": {"neurology"}, "urgency": {"routine"},
		"question": {"Is this tremor xylophonic?"}, "summary": {"Bilateral action tremor."}}).Expect(http.StatusSeeOther)
	consult := res.Location()
	consultID, _ := strconv.ParseInt(strings.TrimPrefix(consult, "/consults/"), 10, 64)
	neuro.Get(consult).Expect(http.StatusOK).Contains("xylophonic")
	eve.Get(consult).Expect(http.StatusNotFound).Lacks("xylophonic")
	for _, action := range []string{"/claim", "/release", "/decline", "/withdraw", "/close", "/messages"} {
		eve.PostForm(consult+action, url.Values{"body": {"let me in"}}).Expect(http.StatusNotFound)
	}
	eve.Get(consult + "/attachments/1").Expect(http.StatusNotFound)
	eve.Get("/search?q=xylophonic").Expect(http.StatusOK).Lacks(consult, "xylophonic?")
	// Claimed, it belongs to its two parties alone.
	bob := app.SignedIn(bobAcct)
	bob.PostForm(consult+"/claim", url.Values{}).Expect(http.StatusSeeOther)
	neuro.Get(consult).Expect(http.StatusNotFound).Lacks("xylophonic")
	// A specialist who saw it open learns it was claimed (the race the contract answers with 409), not what it says.
	neuro.PostForm(consult+"/claim", url.Values{}).Expect(http.StatusConflict).Lacks("xylophonic")
	room := "consult-" + strconv.FormatInt(consultID, 10)
	eve.Get("/chat/" + room).Expect(http.StatusNotFound)

	// A direct message between Alice and Bob.
	dm := alice.Get("/chat/dm/" + bobAcct.Handle).Expect(http.StatusSeeOther).Location()
	alice.PostForm(dm+"/messages", url.Values{"body": {"a quiet word, walrus"}}).Expect(http.StatusSeeOther)
	eve.Get(dm).Expect(http.StatusNotFound).Lacks("walrus")
	eve.PostForm(dm+"/messages", url.Values{"body": {"hello?"}}).Expect(http.StatusNotFound)
	eve.Get("/chat").Expect(http.StatusOK).Lacks(dm, "walrus")
	h := http.Header{"Origin": {app.HTTP.URL}, "Cookie": {"curbside_session=" + eve.Cookie("curbside_session")}}
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(app.HTTP.URL, "http")+"/ws", h)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	for _, r := range []string{strings.TrimPrefix(dm, "/chat/"), room} {
		if err := ws.WriteJSON(map[string]any{"type": "join", "room": r, "since": 0}); err != nil {
			t.Fatal(err)
		}
		_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		for {
			var f map[string]any
			if err := ws.ReadJSON(&f); err != nil {
				t.Fatalf("joining %s: %v", r, err)
			}
			if f["type"] == "error" {
				if f["code"] != "not_found" || strings.Contains(f["message"].(string), "walrus") {
					t.Fatalf("joining %s: %v", r, f)
				}
				break
			}
			if f["type"] == "message" || f["type"] == "joined" {
				t.Fatalf("joining %s: got %v", r, f)
			}
		}
	}

	// A verification document, a draft and a notification of Alice's.
	pending, pendingAcct := app.As(identity.StatusPending, identity.RoleMember, "")
	request := testdb.PendingRequest(t, app.DB, pendingAcct.ID)
	document := "/verification/requests/" + strconv.FormatInt(request, 10) + "/document"
	pending.Get(document).Expect(http.StatusOK)
	eve.Get(document).Expect(http.StatusNotFound).Lacks("pdf")

	draft := testdb.Scalar[int64](t, app.DB, `INSERT INTO drafts (user_id, title, body) VALUES (?, 'Half-written: okapi', 'notes') RETURNING id`, aliceAcct.ID)
	eve.Get("/drafts").Expect(http.StatusOK).Lacks("okapi")
	eve.PostForm("/drafts/"+strconv.FormatInt(draft, 10)+"/delete", url.Values{}).Expect(http.StatusNotFound)
	if n := testdb.Scalar[int64](t, app.DB, `SELECT count(*) FROM drafts WHERE id = ?`, draft); n != 1 {
		t.Fatal("another member's draft was deleted")
	}
	if n := testdb.Exec(t, app.DB, `INSERT INTO notifications (user_id, kind, title) VALUES (?, 'test', 'Only for Alice: pangolin')`, aliceAcct.ID); n != 1 {
		t.Fatalf("inserted %d rows, want 1", n)
	}
	alice.Get("/notifications").Expect(http.StatusOK).Contains("pangolin")
	eve.Get("/notifications").Expect(http.StatusOK).Lacks("pangolin")

	// An anonymous case names no author: not on its page, in the list or
	// in search results.
	loc := alice.PostMultipart("/cases", url.Values{"title": {"Anonymous armadillo question"}, "body": {"Odd rash on the forearm."},
		"specialty": {"cardiology"}, "anonymous": {"on"}}).Expect(http.StatusSeeOther).Location()
	for _, page := range []string{loc, "/cases", "/cases?specialty=cardiology", "/search?q=armadillo"} {
		eve.Get(page).Expect(http.StatusOK).Contains("armadillo").Lacks(aliceAcct.Handle, aliceAcct.DisplayName)
	}
}

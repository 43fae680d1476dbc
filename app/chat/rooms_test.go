package chat_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// A direct-message room is opened once per pair, and nobody else learns
// it exists: not on the page, not over the socket.
func TestDirectMessagesArePrivate(t *testing.T) {
	t.Parallel()
	a := started(t)
	alice, aliceAcct := a.Verified("cardiology")
	bob, bobAcct := a.Verified("neurology")
	eve, _ := a.Verified("dermatology")

	res := alice.Get("/chat/dm/" + bobAcct.Handle).Expect(http.StatusSeeOther)
	room := strings.TrimPrefix(res.Location(), "/chat/")
	if !strings.HasPrefix(room, "dm-") {
		t.Fatalf("direct room redirect = %q", res.Location())
	}
	as := dial(t, a, alice)
	as.join(room, 0)
	as.say(room, "dm-1", "Private question about a referral")
	if again := alice.Get("/chat/dm/" + bobAcct.Handle).Expect(http.StatusSeeOther).Location(); again != res.Location() {
		t.Fatalf("second open went to %q, want %q", again, res.Location())
	}
	bob.Get(res.Location()).Expect(http.StatusOK).Contains("Private question about a referral")
	bob.Get("/chat").Expect(http.StatusOK).Contains(res.Location(), aliceAcct.DisplayName)

	eve.Get(res.Location()).Expect(http.StatusNotFound).Lacks("Private question")
	eve.Get("/chat").Expect(http.StatusOK).Lacks(res.Location())
	eve.PostForm(res.Location()+"/messages", url.Values{"body": {"let me in"}}).Expect(http.StatusNotFound)
	es := dial(t, a, eve)
	es.send(map[string]any{"type": "join", "room": room, "since": 0})
	if f := es.next("error"); f.str("code") != "not_found" || strings.Contains(mustJSON(t, f), "referral") {
		t.Fatalf("eve joining a DM: %v", f)
	}
	if f := es.say(room, "e-1", "hello?"); f.str("code") != "not_found" {
		t.Fatalf("eve writing to a DM: %v", f)
	}
	alice.Get("/chat/dm/nobody-by-that-name").Expect(http.StatusNotFound)
	alice.Get("/chat/dm/" + aliceAcct.Handle).Expect(http.StatusConflict)
}

// A consult's room opens at the claim for its two parties only, and takes
// no more messages once the consult is closed.
func TestConsultRoomFollowsTheConsult(t *testing.T) {
	t.Parallel()
	a := started(t)
	gp, _ := a.Verified("family-medicine")
	cardio, _ := a.Verified("cardiology")
	colleague, _ := a.Verified("cardiology")

	res := gp.PostForm("/consults", url.Values{"specialty": {"cardiology"}, "urgency": {"routine"},
		"question": {"Does this exercise ECG need an urgent referral?"}, "summary": {"Athlete with syncope."},
		"age_band": {"18-29"}, "sex": {"male"}}).Expect(http.StatusSeeOther)
	id, err := strconv.ParseInt(strings.TrimPrefix(res.Location(), "/consults/"), 10, 64)
	if err != nil {
		t.Fatalf("filing a consult went to %q", res.Location())
	}
	room := "consult-" + strconv.FormatInt(id, 10)
	gp.Get("/chat/" + room).Expect(http.StatusNotFound) // not claimed yet: no room

	cardio.PostForm(res.Location()+"/claim", url.Values{}).Expect(http.StatusSeeOther)
	gp.Get(res.Location()).Expect(http.StatusOK).Contains(`href="/chat/` + room + `"`)
	gs, cs := dial(t, a, gp), dial(t, a, cardio)
	gs.join(room, 0)
	cs.join(room, 0)
	ack := gs.say(room, "q-1", "Can we talk it through here?")
	if f := cs.next("message"); f.id() != ack.id() {
		t.Fatalf("the consultant got %v", f)
	}
	colleague.Get("/chat/" + room).Expect(http.StatusNotFound)
	colleague.Get("/chat").Expect(http.StatusOK).Lacks("/chat/" + room)

	cardio.PostForm(res.Location()+"/messages", url.Values{"body": {"Yes: refer within the week."}, "answer": {"on"}}).Expect(http.StatusSeeOther)
	gp.PostForm(res.Location()+"/close", url.Values{}).Expect(http.StatusSeeOther)
	if f := gs.say(room, "q-2", "Thanks again"); f.str("code") != "forbidden" {
		t.Fatalf("writing in a closed consult's room: %v", f)
	}
	gp.Get("/chat/"+room).Expect(http.StatusOK).Contains("Can we talk it through here?", "This room is closed").Lacks(`id="chat-form"`)
}

// /chat's "message a colleague" form opens the conversation by handle, and
// answers an unknown one at the field.
func TestMessageAColleagueForm(t *testing.T) {
	t.Parallel()
	a := started(t)
	alice, _ := a.Verified("cardiology")
	_, bobAcct := a.Verified("neurology")
	_, pendingAcct := a.As("pending", "member", "neurology")
	alice.Get("/chat").Expect(http.StatusOK).Contains(`action="/chat/dm"`, `name="handle"`)
	to := alice.Get("/chat/dm?handle=%40" + bobAcct.Handle).Expect(http.StatusSeeOther).Location()
	if to != alice.Get("/chat/dm/"+bobAcct.Handle).Expect(http.StatusSeeOther).Location() || !strings.HasPrefix(to, "/chat/dm-") {
		t.Fatalf("the form opened %q", to)
	}
	alice.Get("/chat/dm?handle=nobody-here").Expect(http.StatusUnprocessableEntity).Contains("No verified member has the handle @nobody-here", `value="nobody-here"`)
	alice.Get("/chat/dm?handle=" + pendingAcct.Handle).Expect(http.StatusUnprocessableEntity) // not verified: no chat
	alice.Get("/chat/dm?handle=").Expect(http.StatusUnprocessableEntity).Contains("Enter a colleague")
}

// A consult filed for a specialty appears at once on its members' open
// pages: which consult and how urgent, never its question.
func TestNewConsultAppearsLiveForTheSpecialty(t *testing.T) {
	t.Parallel()
	a := started(t)
	gp, _ := a.Verified("family-medicine")
	cardio, _ := a.Verified("cardiology")
	neuro, _ := a.Verified("neurology")
	cs, ns := dial(t, a, cardio), dial(t, a, neuro)
	cs.join("general", 0)
	ns.join("general", 0)
	res := gp.PostForm("/consults", url.Values{"specialty": {"cardiology"}, "urgency": {"urgent"},
		"question": {"Is this ST elevation a STEMI?"}, "summary": {"Chest pain for an hour."},
		"age_band": {"50-59"}, "sex": {"female"}}).Expect(http.StatusSeeOther)
	f := cs.next("consult")
	if "/consults/"+strconv.FormatInt(f.id(), 10) != res.Location() || f["urgent"] != true {
		t.Fatalf("consult frame = %v, want the consult at %s, urgent", f, res.Location())
	}
	if strings.Contains(mustJSON(t, f), "STEMI") || strings.Contains(mustJSON(t, f), "Chest pain") {
		t.Fatalf("the frame carries the consult's content: %v", f)
	}
	// The neurologist hears nothing of it: the next thing they get is this.
	ack := cs.say("general", "after", "on my way")
	if g := ns.next("message"); g.id() != ack.id() {
		t.Fatalf("the neurologist got %v", g)
	}
}

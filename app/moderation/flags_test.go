package moderation_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"curbside/app/db/testdb"
	"curbside/app/identity"
	"curbside/app/web/webtest"
)

func flag(c *webtest.Client, kind string, id int64, reason, next string) *webtest.Response {
	return c.PostForm("/flags", url.Values{"target_type": {kind}, "target_id": {strconv.FormatInt(id, 10)},
		"reason": {reason}, "next": {next}})
}

func openFlag(t *testing.T, app *webtest.App, kind string, id int64) int64 {
	t.Helper()
	return testdb.Scalar[int64](t, app.DB, `SELECT min(id) FROM flags WHERE target_type = ? AND target_id = ? AND resolved_at IS NULL`, kind, id)
}

// Members flag a case; the queue groups their flags with the content and
// its (anonymous) author; hiding it answers every flag, tells each flagging
// member, and takes the case away from members but not from moderators,
// who can restore it. Resolving twice is a conflict.
func TestFlaggedCaseIsHiddenAndRestored(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	author, authorAcct := app.Verified("cardiology")
	alice, aliceAcct := app.Verified("neurology")
	bob, bobAcct := app.Verified("dermatology")
	mod, _ := app.As(identity.StatusVerified, identity.RoleModerator, "")
	id := postCase(t, author, "Quarrelsome colleague zebracase", true)
	page := "/cases/" + strconv.FormatInt(id, 10)

	// Each item links to the flag form, which leads back to it.
	alice.Get(page).Expect(http.StatusOK).Contains(`href="/flags/new?target_type=case&amp;target_id=` + strconv.FormatInt(id, 10) + `&amp;next=%2fcases%2f`)
	alice.Get("/flags/new?target_type=case&target_id="+strconv.FormatInt(id, 10)+"&next="+url.QueryEscape(page)).Expect(http.StatusOK).
		Contains(`name="target_type" value="case"`, `name="next" value="`+page+`"`, "What is wrong with it?", "Send to the moderators")
	alice.Get("/flags/new?target_type=case&target_id=1&next=https://evil.example").Expect(http.StatusOK).
		Contains(`name="next" value="/cases"`).Lacks("evil.example")
	flag(alice, "case", id, "Names a colleague and mocks them.", page).RedirectsTo(page)
	alice.Get(page).Expect(http.StatusOK).Contains("a moderator will look at it")
	flag(alice, "case", id, "Again!", page).RedirectsTo(page)
	alice.Get(page).Expect(http.StatusOK).Contains("You have flagged this already")
	flag(bob, "case", id, "  ", page).Expect(http.StatusUnprocessableEntity).Contains("Say what is wrong")
	flag(bob, "case", id, "Unprofessional.", page).RedirectsTo(page)
	flag(bob, "case", 999999, "Nothing there", page).Expect(http.StatusNotFound)
	if n := testdb.Scalar[int64](t, app.DB, `SELECT count(*) FROM flags WHERE target_type = 'case' AND target_id = ?`, id); n != 2 {
		t.Fatalf("%d flags stored, want 2 (one per member)", n)
	}

	mod.Get("/mod/flags").Expect(http.StatusOK).Contains("Quarrelsome colleague zebracase", "Names a colleague and mocks them.",
		"Unprofessional.", "@"+aliceAcct.Handle, "@"+bobAcct.Handle, authorAcct.DisplayName, "posted anonymously", "2 flags")
	if n := testdb.Scalar[int64](t, app.DB, `SELECT count(*) FROM audit_log WHERE action = 'moderation.anonymous_authors_viewed'
		AND target_type = 'case' AND target_id = ?`, id); n != 1 {
		t.Fatalf("%d views of the anonymous author audited, want 1", n)
	}

	first := openFlag(t, app, "case", id)
	resolve := "/mod/flags/" + strconv.FormatInt(first, 10) + "/resolve"
	mod.PostForm(resolve, url.Values{"note": {"x"}}).Expect(http.StatusUnprocessableEntity).Contains("Choose what to do")
	mod.PostForm(resolve, url.Values{"action": {"hide"}, "note": {"Personal attack."}}).RedirectsTo("/mod/flags")
	mod.PostForm(resolve, url.Values{"action": {"dismiss"}}).Expect(http.StatusConflict)
	if n := testdb.Scalar[int64](t, app.DB, `SELECT count(*) FROM flags WHERE target_id = ? AND resolution = 'hide' AND note = 'Personal attack.'`, id); n != 2 {
		t.Fatalf("%d flags resolved, want both", n)
	}
	for _, who := range []int64{aliceAcct.ID, bobAcct.ID} {
		title := testdb.Scalar[string](t, app.DB, `SELECT title || ' / ' || body FROM notifications WHERE user_id = ? AND kind = 'flag_resolved'`, who)
		if !strings.Contains(title, "Your flag on a case was reviewed") || strings.Contains(title, "zebracase") {
			t.Fatalf("flagging member told %q", title)
		}
	}

	alice.Get(page).Expect(http.StatusForbidden).Contains("Removed by a moderator").Lacks("zebracase", "Chest pain")
	alice.Get("/cases").Expect(http.StatusOK).Lacks("zebracase")
	alice.Get("/search?q=zebracase").Expect(http.StatusOK).Lacks(page)
	author.Get(page).Expect(http.StatusForbidden)
	mod.Get(page).Expect(http.StatusOK).Contains("zebracase", "A moderator hid this case", ">Restore<")
	mod.Get("/mod/flags").Expect(http.StatusOK).Lacks("Names a colleague") // answered

	mod.PostForm("/mod/hidden", url.Values{"target_type": {"case"}, "target_id": {strconv.FormatInt(id, 10)},
		"action": {"restore"}, "next": {page}}).RedirectsTo(page)
	alice.Get(page).Expect(http.StatusOK).Contains("zebracase")
	for _, action := range []string{"moderation.flag_resolved", "moderation.content_hidden", "moderation.content_restored"} {
		if n := testdb.Scalar[int64](t, app.DB, `SELECT count(*) FROM audit_log WHERE action = ? AND target_id = ?`, action, id); n != 1 {
			t.Errorf("%d %s events, want 1", n, action)
		}
	}
}

// A hidden reply keeps its place: members read "Removed by a moderator",
// moderators read the words, marked.
func TestHiddenReplyShowsRemoved(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	author, _ := app.Verified("cardiology")
	replier, _ := app.Verified("cardiology")
	reader, _ := app.Verified("neurology")
	mod, _ := app.As(identity.StatusVerified, identity.RoleModerator, "")
	id := postCase(t, author, "Palpitations after coffee", false)
	page := "/cases/" + strconv.FormatInt(id, 10)
	replier.PostForm(page+"/replies", url.Values{"body": {"Try a quokkaword holter first."}}).Expect(http.StatusSeeOther)
	reply := testdb.Scalar[int64](t, app.DB, `SELECT id FROM replies WHERE case_id = ?`, id)
	testdb.Exec(t, app.DB, `UPDATE replies SET phi_ack = true WHERE id = ?`, reply)

	mod.Get("/mod/flags").Expect(http.StatusOK).Contains("Published over the privacy guard", "quokkaword")
	mod.Get("/mod").Expect(http.StatusOK).Contains(`<span class="figure">1</span><span class="what">published over the privacy guard`)
	mod.PostForm("/mod/hidden", url.Values{"target_type": {"reply"}, "target_id": {strconv.FormatInt(reply, 10)},
		"action": {"hide"}, "next": {"/mod/flags"}}).RedirectsTo("/mod/flags")
	mod.PostForm("/mod/hidden", url.Values{"target_type": {"reply"}, "target_id": {strconv.FormatInt(reply, 10)},
		"action": {"hide"}}).Expect(http.StatusConflict)
	reader.Get(page).Expect(http.StatusOK).Contains("Removed by a moderator.", "Palpitations after coffee").Lacks("quokkaword")
	reader.Get("/search?q=quokkaword").Expect(http.StatusOK).Lacks("#reply-")
	mod.Get(page).Expect(http.StatusOK).Contains("quokkaword", "hidden by a moderator")
	flag(reader, "reply", reply, "It is hidden anyway", page).Expect(http.StatusNotFound)
}

// Flagging reaches only what the member can see: a direct message or a
// consult of others is not found, as if it did not exist.
func TestFlagsOnlyWhatYouCanSee(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	alice, _ := app.Verified("cardiology")
	_, bob := app.Verified("neurology")
	eve, eveAcct := app.Verified("dermatology")
	room := strings.TrimPrefix(alice.Get("/chat/dm/"+bob.Handle).Expect(http.StatusSeeOther).Location(), "/chat/")
	alice.PostForm("/chat/"+room+"/messages", url.Values{"body": {"between us"}}).Expect(http.StatusSeeOther)
	dm := testdb.Scalar[int64](t, app.DB, `SELECT id FROM chat_messages WHERE body = 'between us'`)
	// In a direct conversation, the other member can be flagged.
	alice.Get("/chat/"+room).Expect(http.StatusOK).Contains("Flag this member",
		`href="/flags/new?target_type=user&amp;target_id=`+strconv.FormatInt(bob.ID, 10)+`&amp;`)
	flag(eve, "message", dm, "curious", "/chat").Expect(http.StatusNotFound)

	res := alice.PostForm("/consults", url.Values{"specialty": {"neurology"}, "urgency": {"routine"},
		"question": {"Is this tremor essential?"}, "summary": {"Bilateral action tremor."}}).Expect(http.StatusSeeOther)
	consult, _ := strconv.ParseInt(strings.TrimPrefix(res.Location(), "/consults/"), 10, 64)
	cm := testdb.Scalar[int64](t, app.DB, `INSERT INTO consult_messages (consult_id, author_id, body, body_html) VALUES (?, ?, 'a note', '<p>a note</p>') RETURNING id`,
		consult, eveAcct.ID)
	flag(eve, "consult_message", cm, "mine, in a consult not mine", "/consults").Expect(http.StatusNotFound)
	flag(eve, "user", eveAcct.ID, "me", "/cases").Expect(http.StatusConflict)
	flag(eve, "poem", 1, "?", "/cases").Expect(http.StatusUnprocessableEntity)
	if n := testdb.Scalar[int64](t, app.DB, `SELECT count(*) FROM flags`); n != 0 {
		t.Fatalf("%d flags stored", n)
	}
}

// A chat message flagged and hidden leaves open screens at once; a flagged
// member can be suspended from the queue, with the note as the reason they
// see, and a member cannot be hidden.
func TestFlaggedChatMessageAndMember(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	app.StartRunners()
	writer, writerAcct := app.Verified("cardiology")
	reader, _ := app.Verified("neurology")
	mod, _ := app.As(identity.StatusVerified, identity.RoleModerator, "")
	writer.PostForm("/chat/general/messages", url.Values{"body": {"buy my supplements"}}).Expect(http.StatusSeeOther)
	msg := testdb.Scalar[int64](t, app.DB, `SELECT id FROM chat_messages WHERE body = 'buy my supplements'`)
	reader.Get("/chat/general").Expect(http.StatusOK).Contains(`href="/flags/new?target_type=message&amp;target_id=` + strconv.FormatInt(msg, 10) + `&amp;`)
	flag(reader, "message", msg, "Advertising.", "/chat/general").RedirectsTo("/chat/general")
	flag(reader, "user", writerAcct.ID, "Spams every room.", "/chat/general").RedirectsTo("/chat/general")

	socket := dialSocket(t, app, reader)
	if err := socket.WriteJSON(map[string]any{"type": "join", "room": "general", "since": msg - 1}); err != nil {
		t.Fatal(err)
	}
	readUntil := func(kind string) map[string]any {
		t.Helper()
		_ = socket.SetReadDeadline(time.Now().Add(5 * time.Second))
		for {
			var f map[string]any
			if err := socket.ReadJSON(&f); err != nil {
				t.Fatalf("waiting for %s: %v", kind, err)
			}
			if f["type"] == kind {
				return f
			}
		}
	}
	readUntil("joined")
	mod.PostForm("/mod/flags/"+strconv.FormatInt(openFlag(t, app, "message", msg), 10)+"/resolve",
		url.Values{"action": {"hide"}}).RedirectsTo("/mod/flags")
	if f := readUntil("hidden"); int64(f["id"].(float64)) != msg {
		t.Fatalf("hidden frame = %v, want message %d", f, msg)
	}
	reader.Get("/chat/general").Expect(http.StatusOK).Contains("Removed by a moderator.").Lacks("buy my supplements")
	mod.Get("/chat/general").Expect(http.StatusOK).Contains("buy my supplements", "hidden by a moderator", ">Restore<")

	userFlag := "/mod/flags/" + strconv.FormatInt(openFlag(t, app, "user", writerAcct.ID), 10) + "/resolve"
	mod.Get("/mod/flags").Expect(http.StatusOK).Contains("Spams every room.", "Suspend the member").Lacks(`value="hide"`)
	mod.PostForm(userFlag, url.Values{"action": {"hide"}}).Expect(http.StatusUnprocessableEntity).Contains("A member cannot be hidden")
	mod.PostForm(userFlag, url.Values{"action": {"suspend"}}).Expect(http.StatusUnprocessableEntity).Contains("Say why the author is suspended")
	mod.PostForm(userFlag, url.Values{"action": {"suspend"}, "note": {"Advertising in every room."}}).RedirectsTo("/mod/flags")
	writer.Get("/chat").RedirectsTo("/login?next=%2Fchat")
	mod.Get(memberPath(writerAcct.ID)).Expect(http.StatusOK).Contains("Advertising.", "Spams every room.", ">suspend<", ">hide<")
	mod.Get(memberPath(testdb.Scalar[int64](t, app.DB, `SELECT reporter_id FROM flags LIMIT 1`))).Expect(http.StatusOK).
		Contains("Sent by this member", "Spams every room.")
	app.Client().Login(writerAcct.Email, writerAcct.Password).Expect(http.StatusForbidden).Contains("Advertising in every room.")
}

// Deciding "hide" on something a moderator hid already from its page still
// answers the flags; hiding or restoring twice is a conflict.
func TestHideIsAnsweredWhenHiddenAlready(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	app.StartRunners()
	writer, _ := app.Verified("cardiology")
	reader, _ := app.Verified("neurology")
	mod, _ := app.As(identity.StatusVerified, identity.RoleModerator, "")
	writer.PostForm("/chat/general/messages", url.Values{"body": {"cheap pills here"}}).Expect(http.StatusSeeOther)
	msg := testdb.Scalar[int64](t, app.DB, `SELECT id FROM chat_messages WHERE body = 'cheap pills here'`)
	flag(reader, "message", msg, "Spam.", "/chat/general").RedirectsTo("/chat/general")
	mod.PostForm("/mod/chat/messages/"+strconv.FormatInt(msg, 10)+"/hide", url.Values{"next": {"/chat/general"}}).
		RedirectsTo("/chat/general")
	mod.PostForm("/mod/flags/"+strconv.FormatInt(openFlag(t, app, "message", msg), 10)+"/resolve",
		url.Values{"action": {"hide"}}).RedirectsTo("/mod/flags")
	hidden := url.Values{"target_type": {"message"}, "target_id": {strconv.FormatInt(msg, 10)}, "action": {"hide"}}
	mod.PostForm("/mod/hidden", hidden).Expect(http.StatusConflict).Contains("hidden already")
	hidden.Set("action", "restore")
	mod.PostForm("/mod/hidden", hidden).RedirectsTo("/mod/flags")
	mod.PostForm("/mod/hidden", hidden).Expect(http.StatusConflict).Contains("not hidden")
	hidden.Set("target_type", "poem")
	mod.PostForm("/mod/hidden", hidden).Expect(http.StatusNotFound)
	reader.Get("/chat/general").Expect(http.StatusOK).Contains("cheap pills here")
}

// Suspending the author of an anonymous post tells the flagging member only
// that a moderator acted: who was suspended would say who wrote it.
func TestSuspensionOverAnAnonymousPostNamesNobody(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	author, _ := app.Verified("cardiology")
	reader, readerAcct := app.Verified("neurology")
	mod, _ := app.As(identity.StatusVerified, identity.RoleModerator, "")
	id := postCase(t, author, "Anonymous rant about a hospital", true)
	flag(reader, "case", id, "Defamatory.", "/cases").RedirectsTo("/cases")
	mod.PostForm("/mod/flags/"+strconv.FormatInt(openFlag(t, app, "case", id), 10)+"/resolve",
		url.Values{"action": {"suspend"}, "note": {"Defamation."}}).RedirectsTo("/mod/flags")
	told := testdb.Scalar[string](t, app.DB, `SELECT body FROM notifications WHERE user_id = ? AND kind = 'flag_resolved'`, readerAcct.ID)
	if !strings.Contains(told, "acted on what you flagged") || strings.Contains(told, "suspend") {
		t.Fatalf("the flagging member was told %q", told)
	}
}

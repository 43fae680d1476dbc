package notify_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"curbside/app/identity"
	"curbside/app/web/webtest"
)

// sendDigests runs a digest pass on each instance at once and returns how
// many digests went to the outbox in all.
func sendDigests(t *testing.T, instances ...*webtest.App) int {
	t.Helper()
	var wg sync.WaitGroup
	counts := make([]int, len(instances))
	for i, a := range instances {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := a.Core.Notify.SendDigests(context.Background())
			if err != nil {
				t.Errorf("send digests: %v", err)
			}
			counts[i] = n
		}()
	}
	wg.Wait()
	total := 0
	for _, n := range counts {
		total += n
	}
	return total
}

// A day passes for every digest.
func dayPasses(t *testing.T, app *webtest.App) {
	t.Helper()
	count(t, app, "WITH moved AS (UPDATE notification_digests SET last_sent_at = last_sent_at - interval '25 hours' RETURNING 1) SELECT count(*) FROM moved")
}

func TestDigest(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	twin := app.Twin()
	reader, readerAcct := app.Verified("cardiology")
	poster, posterAcct := app.Verified("cardiology")
	pending, pendingAcct := app.As(identity.StatusPending, identity.RoleMember, "cardiology")
	choose(t, reader, "digest", "daily")
	choose(t, pending, "digest", "daily")
	own := postCase(t, reader, "Own case: AF and anticoagulation", "Which agent for this one?")
	dayPasses(t, app)

	// Nothing new since the last digest: nothing sent.
	if n := sendDigests(t, app, twin); n != 0 {
		t.Fatalf("%d digests with nothing new", n)
	}
	dayPasses(t, app)
	postCase(t, poster, "Wide-complex tachycardia in a teen", "BODY-TEXT-PANGOLIN: the strip shows…", "anonymous", "1")
	replyTo(t, poster, own, "REPLY-TEXT-OKAPI: apixaban, given the kidneys.", "anonymous", "1")
	replyTo(t, poster, own, "REPLY-TEXT-OKAPI again.")

	// Two instances, one digest.
	if n := sendDigests(t, app, twin); n != 1 {
		t.Fatalf("%d digests from two instances, want 1", n)
	}
	if n := sendDigests(t, app, twin); n != 0 {
		t.Fatalf("%d digests again straight away, want 0", n)
	}
	if n := count(t, app, "SELECT count(*) FROM email_outbox WHERE to_address = ?", pendingAcct.Email); n != 0 {
		t.Fatal("a member who is not verified got a digest")
	}
	var subject, body, unsubscribe string
	row := app.DB.Raw("SELECT subject, body, list_unsubscribe FROM email_outbox WHERE to_address = ?", readerAcct.Email).Row()
	if err := row.Scan(&subject, &body, &unsubscribe); err != nil {
		t.Fatal(err)
	}
	base := app.Config.BaseURL.String()
	if subject != "Curbside: your daily digest" {
		t.Errorf("subject %q", subject)
	}
	for _, want := range []string{"New cases in Cardiology: 1", "Wide-complex tachycardia in a teen", base + "/cases/",
		"Own case: AF and anticoagulation (2 new replies)", fmt.Sprintf("%s/cases/%d", base, own), unsubscribe} {
		if !strings.Contains(body, want) {
			t.Errorf("digest lacks %q:\n%s", want, body)
		}
	}
	// Never the text, never an author; the member's own case is no news as a new case.
	for _, never := range []string{"PANGOLIN", "OKAPI", posterAcct.DisplayName, "Own case: AF and anticoagulation\n"} {
		if strings.Contains(body, never) {
			t.Errorf("digest holds %q:\n%s", never, body)
		}
	}
	if !strings.HasPrefix(unsubscribe, base+"/notifications/unsubscribe?token=") {
		t.Fatalf("List-Unsubscribe %q", unsubscribe)
	}
	path := strings.TrimPrefix(unsubscribe, base)

	// The link needs no login; opening it changes nothing.
	stranger := app.Client()
	stranger.Get(path).Expect(http.StatusOK).Contains("Unsubscribe", `name="_csrf"`)
	if n := count(t, app, "SELECT count(*) FROM notification_digests WHERE user_id = ?", readerAcct.ID); n != 1 {
		t.Fatal("opening the unsubscribe link unsubscribed")
	}
	// A forged or cut token: a clear page, no change.
	token := strings.TrimPrefix(path, "/notifications/unsubscribe?token=")
	forged := regexp.MustCompile(`^\d+`).ReplaceAllString(token, fmt.Sprint(pendingAcct.ID))
	for _, bad := range []string{forged, token[:len(token)-3], "", "abc"} {
		stranger.Get("/notifications/unsubscribe?token=" + url.QueryEscape(bad)).Expect(http.StatusBadRequest).Contains("does not work")
		stranger.PostForm("/notifications/unsubscribe", url.Values{"token": {bad}}).Expect(http.StatusBadRequest)
	}
	if n := count(t, app, "SELECT count(*) FROM notification_digests"); n != 2 {
		t.Fatalf("%d digests left after bad tokens, want 2", n)
	}
	// The button unsubscribes.
	stranger.PostForm("/notifications/unsubscribe", url.Values{"token": {token}}).RedirectsTo(path)
	if n := count(t, app, "SELECT count(*) FROM notification_digests WHERE user_id = ?", readerAcct.ID); n != 0 {
		t.Fatal("the button did not unsubscribe")
	}
	stranger.Get(path).Expect(http.StatusOK).Contains("You no longer receive the digest")
}

// A mail client's own unsubscribe button posts once, with no cookie and no
// CSRF token (RFC 8058); without the one-click body the token is needed.
func TestOneClickUnsubscribe(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	reader, readerAcct := app.Verified("cardiology")
	poster, _ := app.Verified("cardiology")
	choose(t, reader, "digest", "weekly")
	count(t, app, "UPDATE notification_digests SET last_sent_at = now() - interval '8 days' RETURNING 1")
	postCase(t, poster, "Hypertension in pregnancy", "Labetalol or nifedipine?")
	if n := sendDigests(t, app); n != 1 {
		t.Fatalf("%d weekly digests, want 1", n)
	}
	path := strings.TrimPrefix(text(t, app, "SELECT list_unsubscribe FROM email_outbox WHERE to_address = ?", readerAcct.Email), app.Config.BaseURL.String())

	mailClient := app.Client()
	mailClient.PostRaw(path, "application/x-www-form-urlencoded", strings.NewReader("")).Expect(http.StatusForbidden)
	mailClient.PostRaw("/notifications/unsubscribe?token=1.abc", "application/x-www-form-urlencoded",
		strings.NewReader("List-Unsubscribe=One-Click")).Expect(http.StatusForbidden)
	if n := count(t, app, "SELECT count(*) FROM notification_digests WHERE user_id = ?", readerAcct.ID); n != 1 {
		t.Fatal("unsubscribed without the one-click body or with a bad token")
	}
	mailClient.PostRaw(path, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click")).Expect(http.StatusSeeOther)
	if n := count(t, app, "SELECT count(*) FROM notification_digests WHERE user_id = ?", readerAcct.ID); n != 0 {
		t.Fatal("one-click did not unsubscribe")
	}
}

// text reads one string.
func text(t *testing.T, app *webtest.App, sql string, args ...any) string {
	t.Helper()
	var s string
	if err := app.DB.Raw(sql, args...).Row().Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

package accounts_test

import (
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"curbside/app/accounts"
	"curbside/app/identity"
	"curbside/app/web/webtest"
)

// endings records the session endings announced on the bus.
type endings struct {
	mu     sync.Mutex
	seen   []accounts.SessionsEnded
	resync chan struct{}
}

func watchEndings(t *testing.T, app *webtest.App) *endings {
	t.Helper()
	e := &endings{resync: make(chan struct{}, 1)}
	stop := accounts.WatchSessionEnds(app.Core.Bus, func(se accounts.SessionsEnded) {
		e.mu.Lock()
		e.seen = append(e.seen, se)
		e.mu.Unlock()
	}, func() {
		select {
		case e.resync <- struct{}{}:
		default:
		}
	})
	t.Cleanup(stop)
	app.StartRunners()
	select {
	case <-e.resync: // listening
	case <-time.After(5 * time.Second):
		t.Fatal("the bus never started listening")
	}
	return e
}

// covered waits up to a second for an announcement covering the session.
func (e *endings) covered(t *testing.T, userID, sessionID int64) {
	t.Helper()
	deadline := time.Now().Add(time.Second)
	for time.Now().Before(deadline) {
		e.mu.Lock()
		for _, se := range e.seen {
			if se.Covers(userID, sessionID) {
				e.mu.Unlock()
				return
			}
		}
		e.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no announcement that session %d of member %d ended within a second", sessionID, userID)
}

func sessionIDs(t *testing.T, app *webtest.App, userID int64) []int64 {
	t.Helper()
	var ids []int64
	if err := app.DB.Raw("SELECT id FROM sessions WHERE user_id = ? ORDER BY id", userID).Scan(&ids).Error; err != nil {
		t.Fatal(err)
	}
	return ids
}

// Every way a session ends is announced to every instance, so that open
// connections of that session can close.
func TestSessionEndingsAreAnnounced(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	e := watchEndings(t, app)

	t.Run("logout", func(t *testing.T) {
		c, acct := app.Verified("cardiology")
		id := sessionIDs(t, app, acct.ID)[0]
		c.PostForm("/logout", url.Values{}).Expect(http.StatusSeeOther)
		e.covered(t, acct.ID, id)
	})
	t.Run("revoked from another browser", func(t *testing.T) {
		acct := app.Member(identity.StatusVerified, identity.RoleMember, "")
		phone, laptop := app.SignedIn(acct), app.SignedIn(acct)
		ids := sessionIDs(t, app, acct.ID)
		laptop.PostForm("/settings/security/sessions/"+strconv.FormatInt(ids[0], 10)+"/revoke", url.Values{}).Expect(http.StatusSeeOther)
		e.covered(t, acct.ID, ids[0])
		phone.Get("/settings/security").RedirectsTo("/login?next=%2Fsettings%2Fsecurity")
	})
	t.Run("suspension", func(t *testing.T) {
		acct := app.Member(identity.StatusVerified, identity.RoleMember, "")
		app.SignedIn(acct)
		id := sessionIDs(t, app, acct.ID)[0]
		if err := app.Server.Accounts().Suspend(t.Context(), 0, acct.ID, "Impersonation", identity.Meta{}); err != nil {
			t.Fatal(err)
		}
		e.covered(t, acct.ID, id)
	})
	t.Run("password change ends the others", func(t *testing.T) {
		acct := app.Member(identity.StatusVerified, identity.RoleMember, "")
		other, current := app.SignedIn(acct), app.SignedIn(acct)
		ids := sessionIDs(t, app, acct.ID)
		current.PostForm("/settings/security/password", url.Values{"current_password": {acct.Password},
			"new_password": {"a brand new passphrase"}}).Expect(http.StatusSeeOther)
		e.covered(t, acct.ID, ids[0])
		other.Get("/settings/security").Expect(http.StatusSeeOther)
		current.Get("/settings/security").Expect(http.StatusOK)
	})
}

// A signed-in request does not write its last use; the batch that does
// moves it forward, and never back.
func TestLastUseIsWrittenInBatches(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, acct := app.Verified("cardiology")
	if err := app.DB.Exec("UPDATE sessions SET last_seen_at = now() - interval '5 minutes' WHERE user_id = ?", acct.ID).Error; err != nil {
		t.Fatal(err)
	}
	c.Get("/settings/security").Expect(http.StatusOK)
	var stale bool
	if err := app.DB.Raw("SELECT last_seen_at < now() - interval '4 minutes' FROM sessions WHERE user_id = ?", acct.ID).
		Row().Scan(&stale); err != nil || !stale {
		t.Fatalf("the request wrote its last use itself (stale=%v, err=%v)", stale, err)
	}
	if err := app.Server.Accounts().FlushLastSeen(t.Context()); err != nil {
		t.Fatal(err)
	}
	var fresh bool
	if err := app.DB.Raw("SELECT last_seen_at > now() - interval '1 minute' FROM sessions WHERE user_id = ?", acct.ID).
		Row().Scan(&fresh); err != nil || !fresh {
		t.Fatalf("the flush did not record the last use (fresh=%v, err=%v)", fresh, err)
	}
}

package accounts_test

import (
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"curbside/app/db/testdb"
	"curbside/app/identity"
	"curbside/app/web/webtest"
)

// Guessing from many addresses cannot lock a member out of a browser they
// have signed in from before; a new browser has to wait.
func TestAccountLockSparesKnownDevices(t *testing.T) {
	t.Parallel()
	app := webtest.New(t, "CURBSIDE_TRUSTED_PROXIES=127.0.0.1")
	victim := app.Member(identity.StatusVerified, identity.RoleMember, "")
	own := app.Client()
	loginFrom(own, victim.Email, victim.Password, "198.51.100.7").Expect(http.StatusSeeOther)
	own.PostForm("/logout", url.Values{}).Expect(http.StatusSeeOther)

	attacker := app.Client()
	for i := 0; i < 25; i++ {
		loginFrom(attacker, victim.Email, "guess number "+fmt.Sprint(i), fmt.Sprintf("203.0.113.%d", i+1))
	}
	loginFrom(app.Client(), victim.Email, victim.Password, "192.0.2.50").Expect(http.StatusTooManyRequests)
	loginFrom(own, victim.Email, victim.Password, "198.51.100.7").Expect(http.StatusSeeOther)
}

// Parallel guesses cannot slip past the limit together.
func TestConcurrentGuessesAreCounted(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	victim := app.Member(identity.StatusVerified, identity.RoleMember, "")
	c := app.Client()
	c.CSRF()
	var wg sync.WaitGroup
	statuses := make([]int, 20)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = c.Login(victim.Email, fmt.Sprintf("parallel guess %d", i)).Status
		}()
	}
	wg.Wait()
	checked := 0
	for _, s := range statuses {
		if s == http.StatusUnauthorized {
			checked++
		} else if s != http.StatusTooManyRequests {
			t.Fatalf("unexpected status %d", s)
		}
	}
	if checked > 5 {
		t.Fatalf("%d of 20 parallel guesses reached the password check, want at most 5", checked)
	}
}

// Second-factor codes are limited per account across logins: a right
// password does not buy more guesses.
func TestSecondFactorGuessesAreLimited(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	acct := app.Member(identity.StatusVerified, identity.RoleMember, "")
	secret, _, _ := enableTwoFactor(t, app.SignedIn(acct), acct.Password)
	limited := false
	for login := 0; login < 4 && !limited; login++ {
		c := app.Client()
		c.Login(acct.Email, acct.Password).Expect(http.StatusSeeOther)
		for i := 0; i < 4; i++ {
			res := c.PostForm("/login/2fa", url.Values{"code": {"000000"}})
			if res.Status == http.StatusTooManyRequests {
				limited = true
				res.Contains("Too many wrong codes")
				break
			}
		}
	}
	if !limited {
		t.Fatal("16 wrong codes over 4 logins were never limited")
	}
	c := app.Client()
	c.Login(acct.Email, acct.Password).Expect(http.StatusSeeOther)
	c.PostForm("/login/2fa", url.Values{"code": {code(t, secret, time.Now().Add(30*time.Second))}}).Expect(http.StatusTooManyRequests)
}

// Attempts refused by one lock count against nothing else: a locked-out
// guesser cannot push the member's account into a lock of its own.
func TestRefusedAttemptsCountNowhere(t *testing.T) {
	t.Parallel()
	app := webtest.New(t, "CURBSIDE_TRUSTED_PROXIES=127.0.0.1")
	victim := app.Member(identity.StatusVerified, identity.RoleMember, "")
	attacker := app.Client()
	for i := 0; i < 30; i++ {
		loginFrom(attacker, victim.Email, "guess "+fmt.Sprint(i), "203.0.113.66")
	}
	failures := testdb.Scalar[int](t, app.DB, "SELECT failures FROM login_throttle WHERE key = ?", "acct:"+victim.Email)
	if failures > 5 {
		t.Fatalf("the account counted %d attempts, though only 5 were let through", failures)
	}
	if n := countAudit(t, app, "account.login_throttled"); n != 1 {
		t.Fatalf("%d throttled audit rows for one lock, want 1", n)
	}
	loginFrom(app.Client(), victim.Email, victim.Password, "192.0.2.80").RedirectsTo("/cases")
}

// A lock outlives the counting window it was set in.
func TestLockOutlivesItsWindow(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	victim := app.Member(identity.StatusVerified, identity.RoleMember, "")
	c := app.Client()
	for i := 0; i < 5; i++ {
		c.Login(victim.Email, "wrong guess "+fmt.Sprint(i)).Expect(http.StatusUnauthorized)
	}
	if n := testdb.Exec(t, app.DB, "UPDATE login_throttle SET window_start = now() - interval '16 minutes', locked_until = now() + interval '10 minutes' WHERE key LIKE 'acct-ip:%'"); n != 1 {
		t.Fatalf("moved %d account-address counters back, want 1", n)
	}
	c.Login(victim.Email, victim.Password).Expect(http.StatusTooManyRequests)
}

// Logins that share some throttle keys but not others, at once, queue
// rather than deadlock: good ones (which forgive their keys) among bad ones
// (which count on them), over two accounts and three addresses.
func TestOverlappingAttemptsDoNotDeadlock(t *testing.T) {
	t.Parallel()
	app := webtest.New(t, "CURBSIDE_TRUSTED_PROXIES=127.0.0.1")
	a := app.Member(identity.StatusVerified, identity.RoleMember, "")
	b := app.Member(identity.StatusVerified, identity.RoleMember, "")
	// Cheap hashes let the logins overlap in the throttle rather than queue
	// for the password hasher.
	cheapenPassword(t, app, a)
	cheapenPassword(t, app, b)
	var wg sync.WaitGroup
	statuses := make(chan int, 40)
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			acct := []webtest.Account{a, b}[i%2]
			ip := fmt.Sprintf("198.51.100.%d", i%3)
			pw := "wrong " + fmt.Sprint(i)
			if i%5 == 0 {
				pw = acct.Password
			}
			statuses <- loginFrom(app.Client(), acct.Email, pw, ip).Status
		}()
	}
	wg.Wait()
	close(statuses)
	for s := range statuses {
		if s >= 500 {
			t.Fatalf("a concurrent login got %d", s)
		}
	}
}

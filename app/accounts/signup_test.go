package accounts_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"curbside/app/accounts"
	"curbside/app/db/testdb"
	"curbside/app/web/webtest"
)

func TestSignup(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)

	// Valid sign-up creates an unverified member and signs it in.
	{
		c := app.Client()
		c.PostForm("/signup", url.Values{"email": {"ana.ruiz@clinic.org"}, "password": {"a long enough passphrase"}, "display_name": {"Dr. Ana Ruiz"}}).
			RedirectsTo("/verification")
		var status, role, handle string
		testdb.Row(t, app.DB, "SELECT status, role, handle FROM users WHERE email = ?", "ana.ruiz@clinic.org")(&status, &role, &handle)
		if status != "unverified" || role != "member" || handle != "ana-ruiz" {
			t.Fatalf("stored status=%s role=%s handle=%s", status, role, handle)
		}
		c.Get("/verification").Expect(http.StatusOK).Contains("@ana-ruiz", "unverified")
		if audits := testdb.Scalar[int64](t, app.DB, "SELECT count(*) FROM audit_log WHERE action = 'account.signup'"); audits != 1 {
			t.Fatalf("%d signup audit rows, want 1", audits)
		}
	}

	cases := []struct {
		name, email, password, display, field, message string
	}{
		{"short password", "b@clinic.org", "short", "Dr. B", "password", "at least 12 characters"},
		{"bad email", "not-an-email", "a long enough passphrase", "Dr. C", "email", "Enter an email address like"},
		{"missing name", "d@clinic.org", "a long enough passphrase", "  ", "display_name", "Enter the name"},
		{"overlong password", "e@clinic.org", strings.Repeat("p", 1025), "Dr. E", "password", "at most 1024"},
		{"duplicate email in another case", "ANA.RUIZ@clinic.org", "a long enough passphrase", "Dr. Ana Two", "email", "already exists"},
		// Look-alikes: a Cyrillic а in a Latin address, a Greek ο in a domain,
		// and names that reorder or hide what they show.
		{"mixed-script address", "\u0430na.ruiz@clinic.org", "a long enough passphrase", "Dr. Ana Three", "email", "mixes alphabets"},
		{"mixed-script domain", "ana@clinic.\u03bfrg", "a long enough passphrase", "Dr. Ana Four", "email", "mixes alphabets"},
		{"bidi override in a name", "f@clinic.org", "a long enough passphrase", "Dr. \u202eziuR anA", "display_name", "no invisible or direction-changing"},
		{"zero-width joiner in a name", "g@clinic.org", "a long enough passphrase", "Dr. A\u200dna", "display_name", "no invisible or direction-changing"},
	}
	for _, tc := range cases {
		{
			res := app.Client().PostForm("/signup", url.Values{"email": {tc.email}, "password": {tc.password}, "display_name": {tc.display}}).
				Expect(http.StatusUnprocessableEntity).Contains(tc.message, `id="`+tc.field+`-error"`, `aria-invalid="true"`)
			if tc.field != "email" {
				res.Contains(`value="` + tc.email + `"`) // input kept
			}
			res.Lacks(`value="` + tc.password + `"`) // passwords are never echoed
		}
	}
	if n := testdb.Scalar[int64](t, app.DB, "SELECT count(*) FROM users"); n != 1 {
		t.Fatalf("%d accounts after one valid sign-up, want 1", n)
	}
}

func TestSignupsPerAddressAreLimited(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	for i := 0; i < 10; i++ {
		app.Client().PostForm("/signup", url.Values{"email": {fmt.Sprintf("n%d@clinic.org", i)}, "password": {"a long enough passphrase"},
			"display_name": {"Dr. N"}}).RedirectsTo("/verification")
	}
	res := app.Client().PostForm("/signup", url.Values{"email": {"n10@clinic.org"}, "password": {"a long enough passphrase"},
		"display_name": {"Dr. N"}}).Expect(http.StatusTooManyRequests).Contains("Too many accounts", `value="n10@clinic.org"`)
	if res.Header.Get("Retry-After") == "" {
		t.Fatal("no Retry-After")
	}
}

// Members with the same name signing up at once each get a handle of their own.
func TestConcurrentSignupsWithOneName(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := app.Server.Accounts().Create(t.Context(), accounts.NewAccount{Email: fmt.Sprintf("same%d@clinic.org", i),
				Password: "a long enough passphrase", DisplayName: "Dr. Sam Same"}, 0, accounts.Meta{})
			if err != nil {
				t.Errorf("sign-up %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if handles := testdb.Scalar[int64](t, app.DB, "SELECT count(DISTINCT handle) FROM users WHERE handle LIKE 'sam-same%'"); handles != 6 {
		t.Fatalf("%d distinct handles for 6 members", handles)
	}
}

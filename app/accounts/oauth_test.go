package accounts_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/markbates/goth/providers/openidConnect"

	"curbside/app"
	"curbside/app/accounts"
	"curbside/app/db/testdb"
	"curbside/app/identity"
	"curbside/app/web/webtest"
)

// fakeGitHub stands in for GitHub's token and profile endpoints.
type fakeGitHub struct {
	mu      sync.Mutex
	profile map[string]any
	// verifiers are the PKCE code verifiers the token requests carried.
	verifiers []string
}

func (f *fakeGitHub) set(id int, name, email string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.profile = map[string]any{"id": id, "login": "user" + name, "name": name, "email": email}
}

func (f *fakeGitHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	f.mu.Lock()
	defer f.mu.Unlock()
	switch r.URL.Path {
	case "/token":
		_ = r.ParseForm()
		f.verifiers = append(f.verifiers, r.PostForm.Get("code_verifier"))
		_ = json.NewEncoder(w).Encode(map[string]string{"access_token": "tok", "token_type": "bearer"})
	case "/user":
		_ = json.NewEncoder(w).Encode(f.profile)
	default:
		_ = json.NewEncoder(w).Encode([]any{})
	}
}

func oauthApp(t *testing.T) (*webtest.App, *fakeGitHub) {
	fake := &fakeGitHub{}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	p := accounts.GitHub("key", "secret", "http://localhost/auth/github/callback",
		srv.URL+"/authorize", srv.URL+"/token", srv.URL+"/user", srv.URL+"/emails")
	p.SetName("github")
	return webtest.NewWith(t, []app.Option{app.WithProviders(accounts.Providers{"github": p})}), fake
}

// signInWithGitHub follows the round trip as the browser would and returns the callback's answer.
func signInWithGitHub(t *testing.T, c *webtest.Client) *webtest.Response {
	t.Helper()
	res := c.Get("/auth/github?next=%2Fsettings%2Fsecurity").Expect(http.StatusSeeOther)
	loc, err := url.Parse(res.Location())
	if err != nil || loc.Query().Get("state") == "" || loc.Query().Get("client_id") != "key" {
		t.Fatalf("redirect to provider: %q", res.Location())
	}
	return c.Get("/auth/github/callback?code=abc&state=" + url.QueryEscape(loc.Query().Get("state")))
}

func TestOAuthSignIn(t *testing.T) {
	t.Parallel()
	app, fake := oauthApp(t)
	app.Client().Get("/login").Expect(http.StatusOK).Contains(`href="/auth/github"`)

	fake.set(4242, "Ana Ruiz", "ana@clinic.org")
	c := app.Client()
	signInWithGitHub(t, c).RedirectsTo("/settings/security")
	c.Get("/settings/security").Expect(http.StatusOK).Contains("@ana-ruiz", "unverified")
	var provider, subject string
	testdb.Row(t, app.DB, "SELECT provider, subject FROM oauth_identities")(&provider, &subject)
	if provider != "github" || subject != "4242" {
		t.Fatalf("identity %s/%s, want github/4242", provider, subject)
	}
	// The second time, the same account signs in.
	signInWithGitHub(t, app.Client()).RedirectsTo("/settings/security")
	if users := testdb.Scalar[int64](t, app.DB, "SELECT count(*) FROM users"); users != 1 {
		t.Fatalf("%d accounts, want 1", users)
	}

	// An existing account is never taken over through a provider's e-mail.
	member := app.Member(identity.StatusVerified, identity.RoleMember, "")
	fake.set(777, "Mallory", member.Email)
	signInWithGitHub(t, app.Client()).Expect(http.StatusConflict).Contains("already exists")

	// A forged or stale state is refused.
	app.Client().Get("/auth/github/callback?code=abc&state=forged").Expect(http.StatusForbidden).Contains("Sign-in expired")
	c2 := app.Client()
	c2.Get("/auth/github").Expect(http.StatusSeeOther)
	c2.Get("/auth/github/callback?code=abc&state=wrong").Expect(http.StatusForbidden)
	app.Client().Get("/auth/nosuch").Expect(http.StatusNotFound)

	// A suspended account sees why.
	anaID := testdb.Scalar[int64](t, app.DB, "SELECT id FROM users WHERE email = 'ana@clinic.org'")
	if err := app.Server.Accounts().Suspend(t.Context(), member.ID, anaID, "Impersonation", accountsMeta()); err != nil {
		t.Fatal(err)
	}
	fake.set(4242, "Ana Ruiz", "ana@clinic.org")
	signInWithGitHub(t, app.Client()).Expect(http.StatusForbidden).Contains("Impersonation")
}

// An address the provider has not verified makes no account.
func TestOAuthNeedsAVerifiedEmail(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	_, err := app.Server.Accounts().OAuthLogin(t.Context(), accounts.ExternalUser{Provider: "okta", Subject: "s1",
		Email: "someone@clinic.org", Name: "Some\x07one", EmailVerified: false}, accounts.Meta{IP: "192.0.2.1"})
	if !errors.Is(err, accounts.ErrOAuthNoEmail) {
		t.Fatalf("unverified address: %v", err)
	}
	res, err := app.Server.Accounts().OAuthLogin(t.Context(), accounts.ExternalUser{Provider: "okta", Subject: "s1",
		Email: "someone@clinic.org", Name: "Some\x07one", EmailVerified: true}, accounts.Meta{IP: "192.0.2.1"})
	if err != nil || res.User.DisplayName != "Some one" || res.Session == "" || res.User.EmailConfirmedAt == nil {
		t.Fatalf("verified address: %v %+v", err, res)
	}
}

// An account made through a provider proves itself before setting a first
// password or turning on two-factor: by a recent sign-in.
func TestProviderAccountsConfirmBeforeSensitiveChanges(t *testing.T) {
	t.Parallel()
	app, fake := oauthApp(t)
	fake.set(99, "Pat Quinn", "pat@clinic.org")
	c := app.Client()
	signInWithGitHub(t, c).RedirectsTo("/settings/security")
	c.Get("/settings/security").Expect(http.StatusOK).Contains("Set a password").Lacks(`name="current_password"`)
	// A session that signed in long ago (perhaps stolen since) may not.
	testdb.Exec(t, app.DB, "UPDATE sessions SET created_at = now() - interval '1 hour'")
	c.PostForm("/settings/security/password", url.Values{"new_password": {"a brand new passphrase"}}).
		Expect(http.StatusForbidden).Contains("Confirm it is you")
	c.PostForm("/settings/security/2fa/setup", url.Values{}).RedirectsTo("/settings/security#two-factor")
	c.PostForm("/settings/security/2fa/enable", url.Values{"code": {"123456"}}).Expect(http.StatusForbidden)
	// Fresh from signing in, it may.
	fresh := app.Client()
	signInWithGitHub(t, fresh).RedirectsTo("/settings/security")
	fresh.PostForm("/settings/security/password", url.Values{"new_password": {"a brand new passphrase"}}).RedirectsTo("/settings/security")
	app.Client().Login("pat@clinic.org", "a brand new passphrase").Expect(http.StatusSeeOther)
}

// Sign-in through a provider uses PKCE (S256) and never asks for offline
// access: the GitHub round trip sends the verifier matching the challenge,
// and neither Google's nor an OpenID Connect provider's authorisation link
// asks for a refresh token.
func TestOAuthUsesPKCEAndNoOfflineAccess(t *testing.T) {
	t.Parallel()
	fake := &fakeGitHub{}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	gh := accounts.GitHub("key", "secret", "http://localhost/auth/github/callback",
		srv.URL+"/authorize", srv.URL+"/token", srv.URL+"/user", srv.URL+"/emails")
	gh.SetName("github")
	oidc, err := openidConnect.NewCustomisedURL("key", "secret", "http://localhost/auth/okta/callback",
		srv.URL+"/authorize", srv.URL+"/token", srv.URL, srv.URL+"/userinfo", "", "openid", "email", "profile", "offline_access")
	if err != nil {
		t.Fatal(err)
	}
	oidc.SetName("okta")
	google := accounts.Google("key", "secret", "http://localhost/auth/google/callback")
	google.SetName("google")
	app := webtest.NewWith(t, []app.Option{app.WithProviders(accounts.Providers{"github": gh, "okta": oidc, "google": google})})

	for _, name := range []string{"github", "google", "okta"} {
		loc, err := url.Parse(app.Client().Get("/auth/" + name).Expect(http.StatusSeeOther).Location())
		if err != nil {
			t.Fatal(err)
		}
		q := loc.Query()
		if q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43 {
			t.Errorf("%s: no S256 challenge in %s", name, loc)
		}
		if q.Has("access_type") || strings.Contains(q.Get("scope"), "offline_access") {
			t.Errorf("%s asks for offline access: %s", name, loc)
		}
	}

	fake.set(5150, "Lee Park", "lee@clinic.org")
	c := app.Client()
	loc, _ := url.Parse(c.Get("/auth/github").Expect(http.StatusSeeOther).Location())
	c.Get("/auth/github/callback?code=abc&state=" + url.QueryEscape(loc.Query().Get("state"))).Expect(http.StatusSeeOther)
	fake.mu.Lock()
	defer fake.mu.Unlock()
	if len(fake.verifiers) != 1 {
		t.Fatalf("%d token requests, want 1", len(fake.verifiers))
	}
	sum := sha256.Sum256([]byte(fake.verifiers[0]))
	if got := base64.RawURLEncoding.EncodeToString(sum[:]); got != loc.Query().Get("code_challenge") {
		t.Fatalf("the token request's verifier %q does not match the challenge %q", fake.verifiers[0], loc.Query().Get("code_challenge"))
	}
}

package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }

func TestDefaults(t *testing.T) {
	cfg, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != ":8080" || cfg.BaseURL.String() != "http://localhost:8080" || cfg.Mod2FA != Mod2FARequired ||
		cfg.DatabaseURL != "" || cfg.Secure() || len(cfg.TrustedProxies) != 0 {
		t.Fatalf("defaults: %+v", cfg)
	}
}

func TestInvalidValuesAreReported(t *testing.T) {
	_, err := Load(env(map[string]string{
		"CURBSIDE_BASE_URL":        "ftp://x",
		"CURBSIDE_MOD_2FA":         "sometimes",
		"CURBSIDE_TRUSTED_PROXIES": "10.0.0.0/8, not-an-ip",
		"CURBSIDE_SECRET":          "short",
	}))
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"CURBSIDE_BASE_URL", "CURBSIDE_MOD_2FA", "not-an-ip", "CURBSIDE_SECRET"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

func TestTrustedProxiesAndHTTPS(t *testing.T) {
	cfg, err := Load(env(map[string]string{
		"CURBSIDE_TRUSTED_PROXIES":  "10.0.0.0/8, 192.0.2.7, ::1",
		"CURBSIDE_BASE_URL":         "https://curbside.example.org/",
		"CURBSIDE_OAUTH_GOOGLE_KEY": "k", "CURBSIDE_OAUTH_GOOGLE_SECRET": "GOCSPX-4fQ9zL2mW8xR1vT7kB3n",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.TrustedProxies) != 3 || cfg.TrustedProxies[1].String() != "192.0.2.7/32" || cfg.TrustedProxies[2].String() != "::1/128" {
		t.Fatalf("proxies %v", cfg.TrustedProxies)
	}
	if !cfg.Secure() || cfg.BaseURL.String() != "https://curbside.example.org" {
		t.Fatalf("secure=%v base URL=%s", cfg.Secure(), cfg.BaseURL)
	}
	if len(cfg.OAuth) != 1 || cfg.OAuth[0].Name != "google" {
		t.Fatalf("oauth %+v", cfg.OAuth)
	}
}

func TestGeneratedSecretIsKept(t *testing.T) {
	dir := t.TempDir()
	a := Config{DataDir: filepath.Join(dir, "data")}
	if err := a.EnsureSecret(); err != nil || len(a.Secret) < 32 {
		t.Fatalf("secret %q, err %v", a.Secret, err)
	}
	st, err := os.Stat(filepath.Join(dir, "data", "secret"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("secret file: %v %v", st, err)
	}
	b := Config{DataDir: a.DataDir}
	if err := b.EnsureSecret(); err != nil || string(b.Secret) != string(a.Secret) {
		t.Fatal("the secret was not kept across restarts")
	}
}

func TestAnyProviderByName(t *testing.T) {
	vars := map[string]string{"CURBSIDE_OAUTH_OKTA_KEY": "k", "CURBSIDE_OAUTH_OKTA_SECRET": "q8Zr2LwX5mN1vB7kT4yH9cJ0",
		"CURBSIDE_OAUTH_OKTA_DISCOVERY_URL": "https://okta.example/.well-known/openid-configuration"}
	cfg, err := Load(env(vars))
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.AddOAuth(env(vars), OAuthNames([]string{"PATH=/bin", "CURBSIDE_OAUTH_OKTA_KEY=k"})...); err != nil {
		t.Fatal(err)
	}
	if len(cfg.OAuth) != 1 || cfg.OAuth[0].Name != "okta" || cfg.OAuth[0].DiscoveryURL == "" {
		t.Fatalf("providers %+v", cfg.OAuth)
	}
}

// A secret that would be guessed is refused at start, with one line saying
// why: too short, the example's placeholder, or too few characters to be random.
func TestWeakSecretsAreRefused(t *testing.T) {
	for secret, why := range map[string]string{
		"short": "at least 32 characters",
		"change-me-to-a-long-random-string-0123456789": "placeholder",
		strings.Repeat("ab", 20):                       "not random enough",
		strings.Repeat("password", 5):                  "placeholder",
		strings.Repeat("q7", 20):                       "not random enough",
	} {
		_, err := Load(func(k string) string { return map[string]string{"CURBSIDE_SECRET": secret}[k] })
		if err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("secret %q: err %v, want %q", secret, err, why)
		}
	}
	if _, err := Load(func(k string) string {
		return map[string]string{"CURBSIDE_SECRET": "9f2c41d7e08b6a35c1f4e97d20a8b3c6"}[k]
	}); err != nil {
		t.Errorf("a random secret refused: %v", err)
	}
}

// The other secrets are refused at start too, each with one line naming its
// variable: OAuth client secrets and the SMTP password left as placeholders
// or too short to be real.
func TestWeakOtherSecretsAreRefused(t *testing.T) {
	for _, tc := range []struct{ name, value, variable string }{
		{"CURBSIDE_OAUTH_GOOGLE_SECRET", "changeme", "CURBSIDE_OAUTH_GOOGLE_SECRET is a placeholder"},
		{"CURBSIDE_OAUTH_GOOGLE_SECRET", "your-client-secret-here", "CURBSIDE_OAUTH_GOOGLE_SECRET is a placeholder"},
		{"CURBSIDE_OAUTH_GOOGLE_SECRET", "s3Kq9", "CURBSIDE_OAUTH_GOOGLE_SECRET is too short"},
		{"CURBSIDE_OAUTH_GOOGLE_SECRET", "", "CURBSIDE_OAUTH_GOOGLE_SECRET is missing"},
		{"CURBSIDE_SMTP_URL", "smtp://curbside:password@mail.example.org:587?from=a@example.org", "CURBSIDE_SMTP_URL has a placeholder"},
		{"CURBSIDE_SMTP_URL", "smtp://curbside:changeme@mail.example.org:587", "CURBSIDE_SMTP_URL has a placeholder"},
	} {
		vars := map[string]string{"CURBSIDE_OAUTH_GOOGLE_KEY": "client-id", tc.name: tc.value}
		if tc.name == "CURBSIDE_SMTP_URL" {
			delete(vars, "CURBSIDE_OAUTH_GOOGLE_KEY")
		}
		_, err := Load(env(vars))
		if err == nil || !strings.Contains(err.Error(), tc.variable) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s=%q: err %v, want one line with %q", tc.name, tc.value, err, tc.variable)
		}
	}
	// A provider configured by name only at serving time is checked the same way.
	var cfg Config
	if err := cfg.AddOAuth(env(map[string]string{"CURBSIDE_OAUTH_OKTA_KEY": "k", "CURBSIDE_OAUTH_OKTA_SECRET": "secret"}), "OKTA"); err == nil ||
		!strings.Contains(err.Error(), "CURBSIDE_OAUTH_OKTA_SECRET") || len(cfg.OAuth) != 0 {
		t.Errorf("okta placeholder: err %v, providers %+v", err, cfg.OAuth)
	}
	if _, err := Load(env(map[string]string{"CURBSIDE_SMTP_URL": "smtp://curbside:Zq8v2Lw5mN1xB7kT@mail.example.org:587"})); err != nil {
		t.Errorf("a real SMTP password refused: %v", err)
	}
}

// "Keep me signed in" lasts 30 days unless the operator says otherwise; 0
// turns it off, and nonsense is refused.
func TestSessionRemember(t *testing.T) {
	for raw, want := range map[string]time.Duration{"": 30 * 24 * time.Hour, "0": 0, "168h": 168 * time.Hour} {
		cfg, err := Load(env(map[string]string{"CURBSIDE_SESSION_REMEMBER": raw}))
		if err != nil || cfg.SessionRemember != want {
			t.Errorf("%q: %v, %v; want %v", raw, cfg.SessionRemember, err, want)
		}
	}
	if _, err := Load(env(map[string]string{"CURBSIDE_SESSION_REMEMBER": "forever"})); err == nil ||
		!strings.Contains(err.Error(), "CURBSIDE_SESSION_REMEMBER") {
		t.Errorf("nonsense accepted: %v", err)
	}
	// Remembered sessions idle out as the others do, unless raised; never
	// shorter lived or quicker to idle than the rest.
	if cfg, err := Load(env(map[string]string{"CURBSIDE_SESSION_IDLE": "15m"})); err != nil || cfg.SessionRememberIdle != 15*time.Minute {
		t.Errorf("remembered idle limit %v (%v), want the idle limit", cfg.SessionRememberIdle, err)
	}
	for _, bad := range []map[string]string{{"CURBSIDE_SESSION_REMEMBER": "1h"}, {"CURBSIDE_SESSION_REMEMBER_IDLE": "5m"}} {
		if _, err := Load(env(bad)); err == nil || !strings.Contains(err.Error(), "at least") {
			t.Errorf("%v accepted: %v", bad, err)
		}
	}
}

package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
		"CURBSIDE_OAUTH_GOOGLE_KEY": "k", "CURBSIDE_OAUTH_GOOGLE_SECRET": "s",
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
	vars := map[string]string{"CURBSIDE_OAUTH_OKTA_KEY": "k", "CURBSIDE_OAUTH_OKTA_SECRET": "s",
		"CURBSIDE_OAUTH_OKTA_DISCOVERY_URL": "https://okta.example/.well-known/openid-configuration"}
	cfg, err := Load(env(vars))
	if err != nil {
		t.Fatal(err)
	}
	cfg.AddOAuth(env(vars), OAuthNames([]string{"PATH=/bin", "CURBSIDE_OAUTH_OKTA_KEY=k", "CURBSIDE_OAUTH_OKTA_SECRET=s"})...)
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
		strings.Repeat("password", 5):                  "not random enough",
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

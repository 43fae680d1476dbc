// Package config loads Curbside's typed configuration from the environment.
package config

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Two-factor policies for moderators and admins.
const (
	Mod2FARequired = "required"
	Mod2FAOptional = "optional"
)

// OAuthProvider holds the credentials of one OAuth2/OpenID Connect provider.
type OAuthProvider struct {
	Name         string
	Key          string
	Secret       string
	DiscoveryURL string
}

// Config is everything the server and the command line need from outside.
type Config struct {
	// DatabaseURL is empty when the local private cluster under DataDir should be used.
	DatabaseURL     string
	Addr            string
	BaseURL         *url.URL
	Secret          []byte
	TrustedProxies  []*net.IPNet
	SMTPURL         string
	Mod2FA          string
	OAuth           []OAuthProvider
	DataDir         string
	SessionIdle     time.Duration
	SessionLifetime time.Duration
	// SessionRemember is how long "keep me signed in on this device" keeps
	// a session (its cookie, and its lifetime); 0 offers no such box.
	// SessionRememberIdle is how long such a session may go unused: the
	// idle limit unless the operator says otherwise, since automatic logoff
	// is theirs to relax, not the member's.
	SessionRemember     time.Duration
	SessionRememberIdle time.Duration
	// MetricsToken, when set, lets a scraper from elsewhere read /metrics
	// with "Authorization: Bearer <token>"; otherwise only local requests may.
	MetricsToken string
	// PprofAddr, when set, serves Go's profiler there (keep it on loopback).
	PprofAddr string
}

// Secure reports whether the site is served over https, which decides cookie flags.
func (c Config) Secure() bool { return c.BaseURL.Scheme == "https" }

// Load reads the configuration through getenv (os.Getenv in production).
// The secret is not loaded here: see EnsureSecret.
func Load(getenv func(string) string) (Config, error) {
	cfg := Config{
		DatabaseURL:     getenv("DATABASE_URL"),
		Addr:            orDefault(getenv("CURBSIDE_ADDR"), ":8080"),
		SMTPURL:         getenv("CURBSIDE_SMTP_URL"),
		Mod2FA:          orDefault(getenv("CURBSIDE_MOD_2FA"), Mod2FARequired),
		DataDir:         orDefault(getenv("CURBSIDE_DATA_DIR"), ".data"),
		SessionIdle:     30 * time.Minute,
		SessionLifetime: 12 * time.Hour,
		SessionRemember: 30 * 24 * time.Hour,
		MetricsToken:    getenv("CURBSIDE_METRICS_TOKEN"),
		PprofAddr:       getenv("CURBSIDE_PPROF_ADDR"),
	}
	var errs []error
	base, err := parseBaseURL(orDefault(getenv("CURBSIDE_BASE_URL"), "http://localhost"+portOf(cfg.Addr)))
	if err != nil {
		errs = append(errs, err)
	}
	cfg.BaseURL = base
	if cfg.Mod2FA != Mod2FARequired && cfg.Mod2FA != Mod2FAOptional {
		errs = append(errs, fmt.Errorf("CURBSIDE_MOD_2FA must be %q or %q, not %q", Mod2FARequired, Mod2FAOptional, cfg.Mod2FA))
	}
	if cfg.TrustedProxies, err = parseCIDRs(getenv("CURBSIDE_TRUSTED_PROXIES")); err != nil {
		errs = append(errs, err)
	}
	if cfg.SessionIdle, err = parseDuration(getenv, "CURBSIDE_SESSION_IDLE", cfg.SessionIdle); err != nil {
		errs = append(errs, err)
	}
	if cfg.SessionLifetime, err = parseDuration(getenv, "CURBSIDE_SESSION_LIFETIME", cfg.SessionLifetime); err != nil {
		errs = append(errs, err)
	}
	if cfg.SessionRemember, err = parseOptionalDuration(getenv, "CURBSIDE_SESSION_REMEMBER", cfg.SessionRemember); err != nil {
		errs = append(errs, err)
	} else if cfg.SessionRemember > 0 && cfg.SessionRemember < cfg.SessionLifetime {
		errs = append(errs, errors.New("CURBSIDE_SESSION_REMEMBER must be 0 (off) or at least CURBSIDE_SESSION_LIFETIME: keeping a session would shorten it"))
	}
	if cfg.SessionRememberIdle, err = parseDuration(getenv, "CURBSIDE_SESSION_REMEMBER_IDLE", cfg.SessionIdle); err != nil {
		errs = append(errs, err)
	} else if cfg.SessionRememberIdle < cfg.SessionIdle {
		errs = append(errs, errors.New("CURBSIDE_SESSION_REMEMBER_IDLE must be at least CURBSIDE_SESSION_IDLE"))
	}
	if err := smtpPassword(cfg.SMTPURL); err != nil {
		errs = append(errs, err)
	}
	if s := getenv("CURBSIDE_SECRET"); s != "" {
		if msg := weakSecret(s); msg != "" {
			errs = append(errs, errors.New("CURBSIDE_SECRET "+msg))
		}
		cfg.Secret = []byte(s)
	}
	errs = append(errs, cfg.AddOAuth(getenv, "GOOGLE", "GITHUB"))
	return cfg, errors.Join(errs...)
}

// AddOAuth adds the providers of the given names that have a key set, and
// refuses a client secret that is a placeholder or too short to be one a
// provider issued.
func (c *Config) AddOAuth(getenv func(string) string, names ...string) error {
	var errs []error
	for _, name := range names {
		p := OAuthProvider{
			Name:         strings.ToLower(name),
			Key:          getenv("CURBSIDE_OAUTH_" + name + "_KEY"),
			Secret:       getenv("CURBSIDE_OAUTH_" + name + "_SECRET"),
			DiscoveryURL: getenv("CURBSIDE_OAUTH_" + name + "_DISCOVERY_URL"),
		}
		if p.Key == "" || slices.ContainsFunc(c.OAuth, func(q OAuthProvider) bool { return q.Name == p.Name }) {
			continue
		}
		if msg := weakClientSecret(p.Secret); msg != "" {
			errs = append(errs, errors.New("CURBSIDE_OAUTH_"+name+"_SECRET "+msg))
			continue
		}
		c.OAuth = append(c.OAuth, p)
	}
	return errors.Join(errs...)
}

// OAuthNames finds every CURBSIDE_OAUTH_<NAME>_KEY in an environment
// (os.Environ()), so any OpenID Connect provider can be configured by name.
func OAuthNames(environ []string) []string {
	var names []string
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		if name, ok := strings.CutPrefix(k, "CURBSIDE_OAUTH_"); ok {
			if name, ok = strings.CutSuffix(name, "_KEY"); ok && name != "" {
				names = append(names, name)
			}
		}
	}
	return names
}

// EnsureSecret fills in Secret when CURBSIDE_SECRET was unset, generating one
// on first use and keeping it under DataDir so restarts keep working cookies.
func (c *Config) EnsureSecret() error {
	if len(c.Secret) > 0 {
		return nil
	}
	path := filepath.Join(c.DataDir, "secret")
	if b, err := os.ReadFile(path); err == nil && len(b) >= 32 {
		c.Secret = b
		return nil
	}
	if err := os.MkdirAll(c.DataDir, 0o711); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return err
	}
	secret := []byte(hex.EncodeToString(raw))
	if err := os.WriteFile(path, secret, 0o600); err != nil {
		return fmt.Errorf("keep generated secret: %w", err)
	}
	c.Secret = secret
	return nil
}

func parseDuration(getenv func(string) string, name string, def time.Duration) (time.Duration, error) {
	raw := getenv(name)
	if raw == "" {
		return def, nil
	}
	d, err := time.ParseDuration(raw)
	if err != nil || d < time.Minute {
		return def, fmt.Errorf("%s must be a duration of at least 1m, such as 30m or 12h, not %q", name, raw)
	}
	return d, nil
}

// parseOptionalDuration is parseDuration where 0 turns the feature off.
func parseOptionalDuration(getenv func(string) string, name string, def time.Duration) (time.Duration, error) {
	if raw := getenv(name); raw == "0" {
		return 0, nil
	}
	d, err := parseDuration(getenv, name, def)
	if err != nil {
		return def, fmt.Errorf("%s must be 0 (off) or a duration of at least 1m, such as 720h, not %q", name, getenv(name))
	}
	return d, nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func portOf(addr string) string {
	if i := strings.LastIndex(addr, ":"); i >= 0 {
		return addr[i:]
	}
	return ""
}

func parseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &url.URL{Scheme: "http", Host: "localhost:8080"}, fmt.Errorf("CURBSIDE_BASE_URL must be an http(s) URL, not %q", raw)
	}
	return u, nil
}

func parseCIDRs(raw string) ([]*net.IPNet, error) {
	var nets []*net.IPNet
	for _, part := range strings.Split(raw, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !strings.Contains(part, "/") {
			if ip := net.ParseIP(part); ip != nil && ip.To4() != nil {
				part += "/32"
			} else {
				part += "/128"
			}
		}
		_, n, err := net.ParseCIDR(part)
		if err != nil {
			return nil, fmt.Errorf("CURBSIDE_TRUSTED_PROXIES: %q is not an address or CIDR range", part)
		}
		nets = append(nets, n)
	}
	return nets, nil
}

// placeholders are the values examples and templates leave for a secret.
var placeholders = []string{"change-me", "changeme", "change_me", "replace-me", "replaceme", "your-secret", "yoursecret",
	"secret", "password", "example", "placeholder", "todo", "xxxx"}

func isPlaceholder(s string) bool {
	lower := strings.ToLower(s)
	return slices.ContainsFunc(placeholders, func(p string) bool { return strings.Contains(lower, p) })
}

// weakClientSecret says why an OAuth client secret cannot be one a provider
// issued (they are 20 characters or more), or "".
func weakClientSecret(s string) string {
	switch {
	case s == "":
		return "is missing"
	case isPlaceholder(s):
		return "is a placeholder: paste the client secret your provider issued"
	case len(s) < 16:
		return "is too short to be a client secret a provider issued"
	}
	return ""
}

// smtpPassword refuses a CURBSIDE_SMTP_URL whose password is a placeholder
// left from the example; the URL's shape is the mailer's to check.
func smtpPassword(raw string) error {
	u, err := url.Parse(raw)
	if raw == "" || err != nil || u.User == nil {
		return nil
	}
	if pw, ok := u.User.Password(); ok && (isPlaceholder(pw) || len(pw) < 8) {
		return errors.New("CURBSIDE_SMTP_URL has a placeholder or too short password: use the mail provider's real one")
	}
	return nil
}

// weakSecret says why a secret would be guessed, or "": too short, a
// placeholder copied from an example, or too few different characters to
// be random (a word repeated, a run of one key).
func weakSecret(s string) string {
	lower := strings.ToLower(s)
	distinct := map[rune]bool{}
	for _, r := range s {
		distinct[r] = true
	}
	switch {
	case len(s) < 32:
		return "must be at least 32 characters"
	case isPlaceholder(lower):
		return "is the example's placeholder: generate one, e.g. with `openssl rand -hex 32`"
	case len(distinct) < 12:
		return "is not random enough: generate one, e.g. with `openssl rand -hex 32`"
	}
	return ""
}

package accounts

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/markbates/goth"
	"github.com/markbates/goth/providers/github"
	"github.com/markbates/goth/providers/google"
	"github.com/markbates/goth/providers/openidConnect"
	"golang.org/x/oauth2"

	"curbside/config"
)

// Providers are the configured OAuth2 / OpenID Connect providers by name.
type Providers map[string]goth.Provider

// Names lists the providers in a stable order, for the login page.
func (p Providers) Names() []string {
	names := make([]string, 0, len(p))
	for n := range p {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// NewProviders builds the providers named in the configuration. GOOGLE and
// GITHUB are known; any other name needs a discovery URL and is treated as
// OpenID Connect. A provider whose discovery fails is left out and logged, so
// one unreachable identity provider does not keep the site down.
func NewProviders(list []config.OAuthProvider, baseURL string, log *slog.Logger) Providers {
	out := Providers{}
	for _, c := range list {
		callback := baseURL + "/auth/" + c.Name + "/callback"
		var p goth.Provider
		switch {
		case c.DiscoveryURL != "":
			oidc, err := openidConnect.New(c.Key, c.Secret, callback, c.DiscoveryURL, "openid", "email", "profile")
			if err != nil {
				log.Error("OpenID Connect provider left out", slog.String("provider", c.Name), slog.String("error", err.Error()))
				continue
			}
			oidc.HTTPClient = providerClient
			p = oidc
		case c.Name == "google":
			p = Google(c.Key, c.Secret, callback)
		case c.Name == "github":
			p = GitHub(c.Key, c.Secret, callback, github.AuthURL, github.TokenURL, github.ProfileURL, github.EmailURL)
		default:
			log.Error("OAuth provider left out: set its _DISCOVERY_URL", slog.String("provider", c.Name))
			continue
		}
		p.SetName(c.Name)
		out[c.Name] = p
	}
	return out
}

// codeExchange is a goth provider whose code Curbside trades for a token
// itself, so that the PKCE verifier goes along: goth's GitHub and Google
// sessions exchange the code without one. fill puts the token where the
// provider's FetchUser reads it.
type codeExchange struct {
	goth.Provider
	config *oauth2.Config
	fill   func(goth.Session, *oauth2.Token) error
}

// GitHub is GitHub's provider (at the given endpoints) with PKCE.
func GitHub(key, secret, callback, authURL, tokenURL, profileURL, emailURL string) goth.Provider {
	scopes := []string{"read:user", "user:email"}
	p := github.NewCustomisedURL(key, secret, callback, authURL, tokenURL, profileURL, emailURL, scopes...)
	p.HTTPClient = providerClient
	return &codeExchange{
		Provider: p,
		config: &oauth2.Config{ClientID: key, ClientSecret: secret, RedirectURL: callback, Scopes: scopes,
			Endpoint: oauth2.Endpoint{AuthURL: authURL, TokenURL: tokenURL}},
		fill: func(s goth.Session, t *oauth2.Token) error {
			gs, ok := s.(*github.Session)
			if !ok {
				return fmt.Errorf("github: unexpected session %T", s)
			}
			gs.AccessToken = t.AccessToken
			return nil
		},
	}
}

// Google is Google's provider with PKCE and without the offline access
// (a refresh token) goth asks for by default: Curbside reads the profile
// once, at sign-in.
func Google(key, secret, callback string) goth.Provider {
	scopes := []string{"openid", "email", "profile"}
	p := google.New(key, secret, callback, scopes...)
	p.SetAccessType("online")
	p.HTTPClient = providerClient
	return &codeExchange{
		Provider: p,
		config:   &oauth2.Config{ClientID: key, ClientSecret: secret, RedirectURL: callback, Scopes: scopes, Endpoint: google.Endpoint},
		fill: func(s goth.Session, t *oauth2.Token) error {
			gs, ok := s.(*google.Session)
			if !ok {
				return fmt.Errorf("google: unexpected session %T", s)
			}
			gs.AccessToken, gs.ExpiresAt = t.AccessToken, t.Expiry
			if id, ok := t.Extra("id_token").(string); ok {
				gs.IDToken = id
			}
			return nil
		},
	}
}

// supportsPKCE reports whether the code exchange of p sends a verifier:
// OpenID Connect through goth, GitHub and Google through codeExchange.
func supportsPKCE(p goth.Provider) bool {
	switch p.(type) {
	case *codeExchange, *openidConnect.Provider:
		return true
	}
	return false
}

// authURL is where the browser goes to sign in at p: with the PKCE
// challenge of verifier where p supports it, and never asking for offline
// access (a refresh token Curbside would have to keep safe, for nothing).
func authURL(p goth.Provider, raw, verifier string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("provider's auth URL: %w", err)
	}
	q := u.Query()
	q.Del("access_type")
	if scope := q.Get("scope"); scope != "" {
		q.Set("scope", strings.Join(slices.DeleteFunc(strings.Fields(scope), func(s string) bool { return s == "offline_access" }), " "))
	}
	if supportsPKCE(p) {
		sum := sha256.Sum256([]byte(verifier))
		q.Set("code_challenge", base64.RawURLEncoding.EncodeToString(sum[:]))
		q.Set("code_challenge_method", "S256")
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// exchangeTimeout bounds each call to a provider (the token exchange, the
// profile): one that hangs must not hold the member's sign-in, or a
// connection, for ever.
const exchangeTimeout = 15 * time.Second

// providerClient is the client goth's providers call with.
var providerClient = &http.Client{Timeout: exchangeTimeout}

// authorize trades the callback's code for a token in sess, sending the
// PKCE verifier along and nothing else of the callback's query.
func authorize(ctx context.Context, p goth.Provider, sess goth.Session, callback url.Values, verifier string) error {
	ctx, cancel := context.WithTimeout(ctx, exchangeTimeout)
	defer cancel()
	if x, ok := p.(*codeExchange); ok {
		t, err := x.config.Exchange(ctx, callback.Get("code"), oauth2.VerifierOption(verifier))
		if err != nil {
			return err
		}
		return x.fill(sess, t)
	}
	params := url.Values{"code": {callback.Get("code")}}
	if supportsPKCE(p) {
		params.Set("code_verifier", verifier)
	}
	_, err := sess.Authorize(p, params)
	return err
}

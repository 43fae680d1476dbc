package accounts

import (
	"log/slog"
	"sort"

	"github.com/markbates/goth"
	"github.com/markbates/goth/providers/github"
	"github.com/markbates/goth/providers/google"
	"github.com/markbates/goth/providers/openidConnect"

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
			p = oidc
		case c.Name == "google":
			p = google.New(c.Key, c.Secret, callback, "openid", "email", "profile")
		case c.Name == "github":
			p = github.New(c.Key, c.Secret, callback, "read:user", "user:email")
		default:
			log.Error("OAuth provider left out: set its _DISCOVERY_URL", slog.String("provider", c.Name))
			continue
		}
		p.SetName(c.Name)
		out[c.Name] = p
	}
	return out
}

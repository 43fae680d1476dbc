package accounts_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A provider's refusal reaches the member as one plain message, and the
// operator's log as what the provider said.
func TestOAuthFailuresAreLoggedForTheOperator(t *testing.T) {
	t.Parallel()
	app, _ := oauthApp(t)
	c := app.Client()
	loc, err := url.Parse(c.Get("/auth/github").Expect(http.StatusSeeOther).Location())
	if err != nil {
		t.Fatal(err)
	}
	c.Get("/auth/github/callback?error=access_denied&state=" + url.QueryEscape(loc.Query().Get("state"))).
		Expect(http.StatusUnauthorized).Contains("did not work").Lacks("access_denied")
	logs := app.Logs.String()
	if !strings.Contains(logs, "oauth sign-in failed") || !strings.Contains(logs, "access_denied") || !strings.Contains(logs, `"provider":"github"`) {
		t.Fatalf("the failure was not logged:\n%s", logs)
	}
}

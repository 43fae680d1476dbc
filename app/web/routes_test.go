package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"curbside/app/identity"
	"curbside/app/web/webtest"
)

func TestUnverifiedMemberIsToldHowToGetIn(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, _ := app.As(identity.StatusUnverified, identity.RoleMember, "")
	c.Get("/cases").Expect(http.StatusForbidden).Contains("Verification needed", `href="/verification"`).Lacks("Cardiology")
	pending, _ := app.As(identity.StatusPending, identity.RoleMember, "")
	pending.Get("/cases").Expect(http.StatusForbidden).Contains("being reviewed")
	verified, _ := app.Verified("cardiology")
	verified.Get("/cases").Expect(http.StatusOK).Contains("Cardiology", `<option value="cardiology"`)
	app.Client().Get("/cases?specialty=cardiology").RedirectsTo("/login?next=%2Fcases%3Fspecialty%3Dcardiology")
}

// Every form the site renders that posts carries the CSRF field.
func TestEveryPostFormCarriesCSRF(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	mod, _ := app.As(identity.StatusVerified, identity.RoleModerator, "")
	anon := app.Client()
	form := regexp.MustCompile(`(?s)<form[^>]*method="post"[^>]*>.*?</form>`)
	csrfField := regexp.MustCompile(`name="_csrf" value="([^"]*)"`)
	param := regexp.MustCompile(`:[a-z_]+|\*`)
	seen := 0
	for _, rt := range app.Server.Routes() {
		if rt.Method != http.MethodGet || strings.Contains(rt.Path, "document") {
			continue
		}
		path := param.ReplaceAllString(rt.Path, "1")
		for _, c := range []*webtest.Client{anon, mod} {
			res := c.Get(path)
			for _, f := range form.FindAllString(res.Body, -1) {
				seen++
				// The field holds the cookie's token masked (against BREACH), never the token itself.
				m := csrfField.FindStringSubmatch(f)
				if m == nil {
					t.Errorf("GET %s: a form lacks the CSRF field:\n%s", path, f)
				} else if raw, ok := webtest.UnmaskCSRF(m[1]); !ok || raw != c.CSRF() {
					t.Errorf("GET %s: a form's _csrf %q is not this browser's token masked:\n%s", path, m[1], f)
				}
			}
		}
	}
	if seen < 5 {
		t.Fatalf("only %d forms seen; the walk is not reaching the pages", seen)
	}
}

// The home page tells each kind of member what comes next: a pending
// member that their license is under review, not to verify it again.
func TestHomeSaysWhatComesNext(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	pending, _ := app.As(identity.StatusPending, identity.RoleMember, "")
	pending.Get("/").Expect(http.StatusOK).Contains("under review", "See your request").Lacks("Verify your license")
	unverified, _ := app.As(identity.StatusUnverified, identity.RoleMember, "")
	unverified.Get("/").Expect(http.StatusOK).Contains("Verify your license").Lacks("under review")
	rejected, _ := app.As(identity.StatusRejected, identity.RoleMember, "")
	rejected.Get("/").Expect(http.StatusOK).Contains("See why, and submit again")
	verified, _ := app.Verified("cardiology")
	verified.Get("/").Expect(http.StatusOK).Lacks("Verify your license", "under review") // their dashboard
}

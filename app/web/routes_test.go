package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"curbside/app/identity"
	"curbside/app/web/kit"
	"curbside/app/web/webtest"
)

// TestRouteTableLevels walks every route in the table with a visitor at each
// level and checks that the guard lets in exactly those at or above it.
func TestRouteTableLevels(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	type visitor struct {
		level  kit.Level
		status string
		role   string
	}
	visitors := []visitor{
		{kit.SignedIn, identity.StatusUnverified, identity.RoleMember},
		{kit.SignedIn, identity.StatusPending, identity.RoleMember},
		{kit.SignedIn, identity.StatusRejected, identity.RoleMember},
		{kit.Verified, identity.StatusVerified, identity.RoleMember},
		{kit.Moderator, identity.StatusVerified, identity.RoleModerator},
		{kit.Admin, identity.StatusVerified, identity.RoleAdmin},
	}
	param := regexp.MustCompile(`:[a-z_]+|\*`)
	for _, rt := range app.Server.Routes() {
		path := param.ReplaceAllString(rt.Path, "1")
		send := func(c *webtest.Client) *webtest.Response {
			if rt.Method == http.MethodGet {
				return c.Get(path)
			}
			return c.PostForm(path, url.Values{})
		}
		anon := send(app.Client())
		if rt.Level == kit.Public {
			if anon.Status == http.StatusForbidden || strings.HasPrefix(anon.Location(), "/login?next=") {
				t.Errorf("%s %s is public but an anonymous visitor got %d %s", rt.Method, rt.Path, anon.Status, anon.Location())
			}
			continue
		}
		if anon.Status != http.StatusSeeOther || !strings.HasPrefix(anon.Location(), "/login?next=") {
			t.Errorf("%s %s (%s): anonymous got %d %q, want 303 to /login?next=", rt.Method, rt.Path, rt.Level, anon.Status, anon.Location())
		}
		for _, v := range visitors {
			c, _ := app.As(v.status, v.role, "")
			res := send(c)
			denied := res.Status == http.StatusForbidden || strings.HasPrefix(res.Location(), "/login")
			if want := v.level < rt.Level; denied != want {
				t.Errorf("%s %s (%s): %s %s got %d %q; denied=%v, want %v",
					rt.Method, rt.Path, rt.Level, v.status, v.role, res.Status, res.Location(), denied, want)
			}
		}
	}
}

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

package web_test

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"curbside/app/db/testdb"
	"curbside/app/identity"
	"curbside/app/web/webtest"
)

// Who may reach a route, as the matrix says it.
const (
	pub = iota // anyone
	in         // any account that is not suspended
	ver        // verified members, moderators, admins
	mod        // moderators (with their second factor where it is required) and admins
	adm        // admins
)

// accessMatrix is every route the server serves and who may reach it,
// written out here on its own rather than read from the route table, so
// that the two must agree. A route missing here fails TestAccessMatrix:
// adding a route means deciding, in this list, who reaches it.
type matrixRow struct {
	method, path string
	level        int
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

var accessMatrix = []matrixRow{
	{"GET", "/healthz", pub},
	{"GET", "/readyz", pub},
	{"GET", "/metrics", pub},
	{"GET", "/signup", pub},
	{"POST", "/signup", pub},
	{"GET", "/login", pub},
	{"POST", "/login", pub},
	{"GET", "/login/2fa", pub},
	{"POST", "/login/2fa", pub},
	{"GET", "/password/forgot", pub},
	{"POST", "/password/forgot", pub},
	{"GET", "/password/reset", pub},
	{"POST", "/password/reset", pub},
	{"GET", "/confirm", pub},
	{"POST", "/confirm/resend", in},
	{"GET", "/auth/:provider", pub},
	{"GET", "/auth/:provider/callback", pub},
	{"POST", "/logout", in},
	{"GET", "/settings", in},
	{"GET", "/settings/security", in},
	{"POST", "/settings/security/sessions/:id/revoke", in},
	{"POST", "/settings/security/sessions/revoke-others", in},
	{"POST", "/settings/security/devices/:id/forget", in},
	{"POST", "/settings/security/devices/forget-all", in},
	{"POST", "/settings/security/password", in},
	{"POST", "/settings/security/2fa/setup", in},
	{"POST", "/settings/security/2fa/enable", in},
	{"POST", "/settings/security/2fa/disable", in},
	{"POST", "/settings/security/2fa/recovery", in},
	{"POST", "/settings/security/2fa/recovery/download", in},
	{"POST", "/settings/security/2fa/recovery/saved", in},
	{"GET", "/", pub},
	{"GET", "/cases", ver},
	{"GET", "/cases/new", ver},
	{"POST", "/cases", ver},
	{"GET", "/cases/:id", ver},
	{"GET", "/cases/:id/edit", ver},
	{"POST", "/cases/:id/edit", ver},
	{"POST", "/cases/:id/delete", ver},
	{"POST", "/cases/:id/replies", ver},
	{"POST", "/cases/:id/outcome", ver},
	{"POST", "/cases/:id/accept", ver},
	{"POST", "/cases/:id/follow", ver},
	{"GET", "/cases/:id/images/:pos", ver},
	{"GET", "/cases/:id/history", mod},
	{"POST", "/replies/:id/helpful", ver},
	{"GET", "/replies/:id/edit", ver},
	{"POST", "/replies/:id/edit", ver},
	{"POST", "/replies/:id/delete", ver},
	{"GET", "/drafts", ver},
	{"POST", "/drafts", ver},
	{"POST", "/drafts/:id/delete", ver},
	{"GET", "/search", ver},
	{"GET", "/consults", ver},
	{"GET", "/consults/new", ver},
	{"POST", "/consults", ver},
	{"GET", "/consults/:id", ver},
	{"POST", "/consults/:id/claim", ver},
	{"POST", "/consults/:id/release", ver},
	{"POST", "/consults/:id/decline", ver},
	{"POST", "/consults/:id/withdraw", ver},
	{"POST", "/consults/:id/messages", ver},
	{"GET", "/consults/:id/attachments/:file", ver},
	{"POST", "/consults/:id/close", ver},
	{"GET", "/mod/consults", mod},
	{"GET", "/chat", ver},
	{"GET", "/chat/dm", ver},
	{"GET", "/chat/dm/:handle", ver},
	{"GET", "/chat/:room", ver},
	{"POST", "/chat/:room/messages", ver},
	{"POST", "/mod/chat/messages/:id/hide", mod},
	{"GET", "/ws", ver},
	{"GET", "/verification", in},
	{"POST", "/verification", in},
	{"GET", "/verification/requests/:id/document", in},
	{"GET", "/mod/verifications", mod},
	{"GET", "/mod/verifications/:id", mod},
	{"GET", "/mod/verifications/:id/document", mod},
	{"POST", "/mod/verifications/:id/approve", mod},
	{"POST", "/mod/verifications/:id/reject", mod},
	{"GET", "/notifications", in},
	{"POST", "/notifications/read", in},
	{"GET", "/notifications/:id", in},
	{"GET", "/settings/notifications", in},
	{"POST", "/settings/notifications", in},
	{"GET", "/notifications/unsubscribe", pub},
	{"POST", "/notifications/unsubscribe", pub},
	{"GET", "/mod/audit", mod},
	{"GET", "/mod", mod},
	{"GET", "/mod/users", mod},
	{"GET", "/mod/users/:id", mod},
	{"POST", "/mod/users/:id/suspend", mod},
	{"POST", "/mod/users/:id/unsuspend", mod},
	{"POST", "/admin/users/:id/role", adm},
	{"GET", "/flags/new", ver},
	{"POST", "/flags", ver},
	{"GET", "/u/:handle", ver},
	{"GET", "/settings/profile", in},
	{"POST", "/settings/profile", in},
	{"GET", "/mod/flags", mod},
	{"POST", "/mod/flags/:id/resolve", mod},
	{"POST", "/mod/hidden", mod},
}

// An account kind of the matrix, and the most it may reach.
type accountKind struct {
	name string
	// reaches is the widest level open to the kind; -1: none (no session).
	reaches int
	// make signs the kind in (nil: anonymous).
	make func(t *testing.T, app *webtest.App) *webtest.Client
}

// signedIn makes a member of status and role with a session; second, when
// set, gives the session its second factor.
func signedIn(status, role string, second bool) func(t *testing.T, app *webtest.App) *webtest.Client {
	return signedInAs(status, role, "cardiology", second)
}

func signedInAs(status, role, specialty string, second bool) func(t *testing.T, app *webtest.App) *webtest.Client {
	return func(t *testing.T, app *webtest.App) *webtest.Client {
		c, acct := app.As(status, role, specialty)
		if second {
			testdb.Exec(t, app.DB, "UPDATE users SET totp_enabled_at = now() WHERE id = ?", acct.ID)
			testdb.Exec(t, app.DB, "UPDATE sessions SET second_factor_at = now() WHERE user_id = ?", acct.ID)
		}
		return c
	}
}

var accountKinds = []accountKind{
	{"anonymous", pub, func(t *testing.T, app *webtest.App) *webtest.Client { return app.Client() }},
	{"unverified", in, signedIn(identity.StatusUnverified, identity.RoleMember, false)},
	{"pending", in, signedIn(identity.StatusPending, identity.RoleMember, false)},
	{"rejected", in, signedIn(identity.StatusRejected, identity.RoleMember, false)},
	{"verified member", ver, signedIn(identity.StatusVerified, identity.RoleMember, false)},
	// Objects of one specialty (an open consult) are tried by another's
	// members in TestOthersPrivateThingsAreNotFound; here, the routes.
	{"verified member of another specialty", ver, signedInAs(identity.StatusVerified, identity.RoleMember, "neurology", false)},
	{"moderator without a second factor", ver, signedIn(identity.StatusVerified, identity.RoleModerator, false)},
	{"moderator", mod, signedIn(identity.StatusVerified, identity.RoleModerator, true)},
	{"admin", adm, signedIn(identity.StatusVerified, identity.RoleAdmin, true)},
	{"suspended", pub, func(t *testing.T, app *webtest.App) *webtest.Client {
		c, acct := app.Verified("cardiology")
		if err := app.Server.Accounts().Suspend(context.Background(), 0, acct.ID, "testing the matrix", identity.Meta{}); err != nil {
			t.Fatal(err)
		}
		return c
	}},
}

// Every route, for every kind of account, under CURBSIDE_MOD_2FA=required:
// those below the route's level are sent to log in (no session) or refused
// with 403; the others get through, to whatever the route answers (a page,
// a redirect, a 404 for an id that does not exist, a 422 for an empty
// form), and nobody ever gets a 500.
func TestAccessMatrix(t *testing.T) {
	t.Parallel()
	app := webtest.New(t, "CURBSIDE_MOD_2FA=required")
	served := map[string]bool{}
	for _, rt := range app.Server.Routes() {
		served[rt.Method+" "+rt.Path] = true
	}
	listed := map[string]bool{}
	for _, row := range accessMatrix {
		key := row.method + " " + row.path
		listed[key] = true
		if !served[key] {
			t.Errorf("%s is in the access matrix but not served: remove it", key)
		}
	}
	for key := range served {
		if !listed[key] {
			t.Errorf("%s is served but not in the access matrix: decide who may reach it", key)
		}
	}
	param := regexp.MustCompile(`:[a-z_]+|\*`)
	for _, kind := range accountKinds {
		c := kind.make(t, app)
		// Logging out goes last: it ends the session the others need.
		rows := slices.Clone(accessMatrix)
		slices.SortStableFunc(rows, func(a, b matrixRow) int {
			return cmp.Compare(b2i(a.path == "/logout"), b2i(b.path == "/logout"))
		})
		for _, row := range rows {
			// Ids that name nothing, so that no request changes what the
			// others find.
			path := param.ReplaceAllString(row.path, "999999")
			var res *webtest.Response
			if row.method == http.MethodGet {
				res = c.Get(path)
			} else {
				res = c.PostForm(path, url.Values{})
			}
			toLogin := res.Status == http.StatusSeeOther && strings.HasPrefix(res.Location(), "/login?next=")
			switch {
			case res.Status >= 500:
				t.Errorf("%s %s as %s: %d", row.method, path, kind.name, res.Status)
			case row.level <= kind.reaches && (toLogin || res.Status == http.StatusForbidden):
				t.Errorf("%s %s as %s: %d %s, want it let through", row.method, path, kind.name, res.Status, res.Location())
			case row.level > kind.reaches && kind.reaches == pub && row.level > pub && !toLogin:
				t.Errorf("%s %s as %s: %d %s, want 303 to /login?next=", row.method, path, kind.name, res.Status, res.Location())
			case row.level > kind.reaches && kind.reaches > pub && res.Status != http.StatusForbidden:
				t.Errorf("%s %s as %s: %d %s, want 403", row.method, path, kind.name, res.Status, res.Location())
			}
		}
	}
}

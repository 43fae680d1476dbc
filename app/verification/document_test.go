package verification_test

import (
	"fmt"
	"net/http"
	"testing"

	"curbside/app/identity"
	"curbside/app/web/webtest"
)

// Looking at a document is audited; a HEAD (a link checker, a scanner)
// shows nothing and writes nothing.
func TestOnlyDocumentViewsAreAudited(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	owner, acct := app.As(identity.StatusUnverified, identity.RoleMember, "")
	id := submit(t, app, owner, acct.ID, knownNPI)
	mod, _ := app.As(identity.StatusVerified, identity.RoleModerator, "")
	doc := fmt.Sprintf("/mod/verifications/%d/document", id)
	views := "SELECT count(*) FROM audit_log WHERE action = 'verification.document_viewed' AND target_id = ?"

	for range 3 {
		req, err := http.NewRequest(http.MethodHead, doc, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res := mod.DoPath(req); res.Status != http.StatusOK || res.Body != "" || res.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("HEAD: %d %q %v", res.Status, res.Body, res.Header)
		}
	}
	if n := count(t, app, views, id); n != 0 {
		t.Fatalf("%d views audited after HEAD requests only", n)
	}
	mod.Get(doc).Expect(http.StatusOK)
	if n := count(t, app, views, id); n != 1 {
		t.Fatalf("%d views audited after one GET", n)
	}
}

// Whether a member may see a document is decided from who they are and
// whose document it is, whichever address they use: a moderator who may
// moderate sees it by either, a member who is not its owner by neither.
func TestDocumentPolicyIsTheObjectsNotTheRoutes(t *testing.T) {
	t.Parallel()
	app := webtest.New(t, "CURBSIDE_MOD_2FA=required")
	owner, acct := app.As(identity.StatusUnverified, identity.RoleMember, "")
	id := submit(t, app, owner, acct.ID, knownNPI)
	own := fmt.Sprintf("/verification/requests/%d/document", id)
	modWithoutCode, _ := app.As(identity.StatusVerified, identity.RoleModerator, "")
	modWithoutCode.Get(own).Expect(http.StatusNotFound).Lacks("%PDF")
	app.Client().Get(fmt.Sprintf("/verification/requests/%d/document", id+1000)).Expect(http.StatusSeeOther)
	owner.Get(fmt.Sprintf("/verification/requests/%d/document", id+1000)).Expect(http.StatusNotFound)
	owner.Get(own).Expect(http.StatusOK).Contains("%PDF")
	if got := owner.Get(own).Header.Get("X-Frame-Options"); got != "DENY" {
		t.Fatalf("the owner's copy may be framed: X-Frame-Options %q", got)
	}
}

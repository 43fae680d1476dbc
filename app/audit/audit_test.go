package audit_test

import (
	"encoding/csv"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"curbside/app/db/testdb"
	"curbside/app/identity"
	"curbside/app/web/webtest"
)

// The application's own connection can add to the log but neither change
// nor remove a row, not even all of them at once.
func TestAuditLogIsAppendOnly(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	id := testdb.Scalar[int64](t, app.DB, `INSERT INTO audit_log (action, ip) VALUES ('test.kept', '10.0.0.1') RETURNING id`)
	for _, stmt := range []string{
		`UPDATE audit_log SET action = 'test.changed' WHERE id = ?`,
		`DELETE FROM audit_log WHERE id = ?`,
		`UPDATE audit_log SET ip = '' WHERE id > ? - 1`,
	} {
		if err := app.DB.Exec(stmt, id).Error; err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v, want the append-only refusal", stmt, err)
		}
	}
	if err := app.DB.Exec(`TRUNCATE audit_log`).Error; err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("TRUNCATE: err = %v, want the append-only refusal", err)
	}
	if got := testdb.Scalar[string](t, app.DB, `SELECT action || ' ' || ip FROM audit_log WHERE id = ?`, id); got != "test.kept 10.0.0.1" {
		t.Fatalf("the row reads %q after the attempts", got)
	}
}

// event inserts an audit row minutes ago and returns its id.
func event(t *testing.T, app *webtest.App, actor int64, action, targetType string, targetID int64, minutesAgo int) int64 {
	t.Helper()
	var actorArg, targetArg any
	if actor != 0 {
		actorArg = actor
	}
	if targetID != 0 {
		targetArg = targetID
	}
	return testdb.Scalar[int64](t, app.DB, `INSERT INTO audit_log (actor_id, action, target_type, target_id, created_at)
		VALUES (?, ?, ?, ?, now() - make_interval(mins => ?)) RETURNING id`, actorArg, action, targetType, targetArg, minutesAgo)
}

// The log filters by who, what, target and time, and says at the field
// what it cannot use.
func TestAuditLogFilters(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	mod, modAcct := app.As(identity.StatusVerified, identity.RoleModerator, "")
	_, other := app.As(identity.StatusVerified, identity.RoleModerator, "")
	event(t, app, modAcct.ID, "test.mine_approved", "verification_request", 7, 10)
	event(t, app, other.ID, "test.theirs_hidden", "case", 5, 20)
	event(t, app, other.ID, "other.theirs_viewed", "consult", 9, 3*24*60)

	mod.Get("/mod/audit?actor=@"+modAcct.Handle).Expect(http.StatusOK).
		Contains("test.mine_approved", `href="/mod/verifications/7"`).Lacks("test.theirs_hidden", "other.theirs_viewed")
	mod.Get("/mod/audit?action=test.").Expect(http.StatusOK).
		Contains("test.mine_approved", "test.theirs_hidden").Lacks("other.theirs_viewed")
	mod.Get("/mod/audit?action=test_").Expect(http.StatusOK).Lacks("test.mine_approved", "test.theirs_hidden") // "_" is no wildcard
	mod.Get("/mod/audit?target_type=case&target_id=5").Expect(http.StatusOK).
		Contains("test.theirs_hidden", `href="/cases/5"`).Lacks("test.mine_approved")
	today := testdb.Scalar[string](t, app.DB, `SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD')`)
	twoDaysAgo := testdb.Scalar[string](t, app.DB, `SELECT to_char((now() - interval '2 days') AT TIME ZONE 'UTC', 'YYYY-MM-DD')`)
	mod.Get("/mod/audit?from=" + twoDaysAgo + "&to=" + today).Expect(http.StatusOK).
		Contains("test.theirs_hidden").Lacks("other.theirs_viewed")
	mod.Get("/mod/audit?actor=@"+other.Handle+"&action=test.&from="+twoDaysAgo).Expect(http.StatusOK).
		Contains("test.theirs_hidden").Lacks("test.mine_approved", "other.theirs_viewed")
	mod.Get("/mod/audit?action=nothing.like.this").Expect(http.StatusOK).Contains("No events match these filters.")

	for query, message := range map[string]string{
		"actor=@no-such-member":         "No member has the handle @no-such-member.",
		"from=30/11/2026":               "A date such as 2026-11-30.",
		"target_id=abc":                 "A target is a number, such as 42.",
		"target_id=5":                   "Say what kind of target the number is.",
		"from=2026-11-30&to=2026-11-01": "The end comes on or after the start.",
	} {
		mod.Get("/mod/audit?"+query).Expect(http.StatusUnprocessableEntity).
			Contains(html.EscapeString(message), "Please correct the filters").Lacks("test.mine_approved")
	}
	member, _ := app.Verified("")
	member.Get("/mod/audit").Expect(http.StatusForbidden).Lacks("test.mine_approved")
}

var olderLink = regexp.MustCompile(`href="(/mod/audit\?[^"]*before=[^"]*)">Older`)

// Pages follow each other by keyset: what is written while a moderator
// reads does not shift the next page, and the filters stay on.
func TestAuditLogPagesByKeyset(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	mod, _ := app.As(identity.StatusVerified, identity.RoleModerator, "")
	for i := range 60 {
		event(t, app, 0, fmt.Sprintf("test.event_%02d", i), "", 0, i)
		event(t, app, 0, fmt.Sprintf("noise.event_%02d", i), "", 0, i)
	}
	page1 := mod.Get("/mod/audit?action=test.").Expect(http.StatusOK).Contains("test.event_00", "test.event_49").
		Lacks("test.event_50", "noise.", "← Newest")
	if strings.Index(page1.Body, "test.event_00") > strings.Index(page1.Body, "test.event_01") {
		t.Fatal("not newest first")
	}
	m := olderLink.FindStringSubmatch(page1.Body)
	if m == nil {
		t.Fatal("no link to older entries")
	}
	event(t, app, 0, "test.event_new", "", 0, 0) // written meanwhile
	page2 := mod.Get(html.UnescapeString(m[1])).Expect(http.StatusOK).Contains("test.event_50", "test.event_59", "← Newest").
		Lacks("test.event_49", "test.event_new", "noise.")
	if olderLink.MatchString(page2.Body) {
		t.Fatal("the last page links to older entries")
	}
	mod.Get("/mod/audit?before=garbage").Expect(http.StatusNotFound)
}

// The export is the filtered log as CSV, newest first, with cells a
// spreadsheet would run as formulas defused; taking it is itself recorded.
func TestAuditLogExportsCSV(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	mod, modAcct := app.As(identity.StatusVerified, identity.RoleModerator, "")
	event(t, app, modAcct.ID, "test.older", "case", 3, 5)
	if n := testdb.Exec(t, app.DB, `INSERT INTO audit_log (action, ip, detail) VALUES ('test.newer', '=HYPERLINK("x")', '{"reason": "spam", "count": 2}')`); n != 1 {
		t.Fatalf("inserted %d rows, want 1", n)
	}
	event(t, app, modAcct.ID, "other.left_out", "", 0, 1)

	res := mod.Get("/mod/audit?action=test.&format=csv").Expect(http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Fatalf("Content-Type = %q", ct)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="curbside-audit-`) {
		t.Fatalf("Content-Disposition = %q", cd)
	}
	rows, err := csv.NewReader(strings.NewReader(res.Body)).ReadAll()
	if err != nil {
		t.Fatalf("the export is not CSV: %v\n%s", err, res.Body)
	}
	if len(rows) != 3 || rows[0][0] != "id" || rows[1][4] != "test.newer" || rows[2][4] != "test.older" {
		t.Fatalf("export rows = %q", rows)
	}
	if rows[1][7] != `'=HYPERLINK("x")` || rows[1][8] != "count=2; reason=spam" {
		t.Fatalf("newer row = %q", rows[1])
	}
	if rows[2][3] != modAcct.Handle || rows[2][5] != "case" || rows[2][6] != "3" {
		t.Fatalf("older row = %q", rows[2])
	}
	if n := testdb.Scalar[int64](t, app.DB, `SELECT count(*) FROM audit_log WHERE action = 'audit.exported' AND actor_id = ?
		AND detail->>'filters' = 'action=test.'`, modAcct.ID); n != 1 {
		t.Fatalf("%d export events recorded, want 1", n)
	}
	mod.Get("/mod/audit?actor=@nobody-here&format=csv").Expect(http.StatusUnprocessableEntity).Contains("No member has the handle")
	if n := testdb.Scalar[int64](t, app.DB, `SELECT count(*) FROM audit_log WHERE action = 'audit.exported'`); n != 1 {
		t.Fatalf("%d export events after a refused export, want still 1", n)
	}
}

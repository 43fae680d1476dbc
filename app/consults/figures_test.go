package consults_test

import (
	"net/http"
	"strings"
	"testing"

	"curbside/app/db/testdb"
	"curbside/app/identity"
	"curbside/app/web/webtest"
)

// The moderators' turnaround page agrees with figures worked out by hand.
func TestTurnaroundFigures(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	member, asker := app.Verified("family-medicine")
	mod, _ := app.As(identity.StatusVerified, identity.RoleModerator, "neurology")
	_, specialist := app.Verified("cardiology")
	// consult inserts a cardiology consult asked daysAgo, claimed and
	// answered so many minutes later (0: not yet), with a survey answer.
	consult := func(daysAgo, claimMin, answerMin int, status, referral string) {
		t.Helper()
		var ref any
		if referral != "" {
			ref = referral
		}
		var consultant any
		if status == "claimed" || status == "answered" || status == "closed" {
			consultant = specialist.ID
		}
		testdb.Exec(t, app.DB.DB, `INSERT INTO consults (requester_id, specialty_id, urgency, question, status, consultant_id,
			created_at, first_claimed_at, answered_at, referral)
			SELECT ?, s.id, 'routine', 'Q', ?, ?, c.at,
				c.at + make_interval(mins => NULLIF(?, 0)), c.at + make_interval(mins => NULLIF(?, 0)), ?
			FROM specialties s, (SELECT now() - make_interval(days => ?) AS at) c WHERE s.slug = 'cardiology'`,
			asker.ID, status, consultant, claimMin, answerMin, ref, daysAgo)
	}
	consult(10, 10, 60, "closed", "avoided")
	consult(10, 20, 120, "closed", "avoided")
	consult(10, 30, 180, "closed", "still_needed")
	consult(10, 40, 0, "claimed", "")
	consult(10, 0, 0, "withdrawn", "") // left out
	consult(60, 100, 0, "claimed", "") // in the 90 days only

	member.Get("/mod/consults").Expect(http.StatusForbidden)
	page := strings.Join(strings.Fields(mod.Get("/mod/consults").Expect(http.StatusOK).Body), " ")
	last30, last90, _ := strings.Cut(page, "Last 90 days")
	// 30 days: four asked (the withdrawn one left out), all claimed, at 10,
	// 20, 30 and 40 minutes: median 25, 90th 37 (30 + 0.7 × 10); three
	// answered, at 1, 2 and 3 hours: median 2 h, 90th 2 h 48 min (2 h + 0.8 ×
	// 1 h); a referral avoided in 2 of the 3 where one was considered.
	want30 := `<th scope="row">Cardiology</th> <td>4</td> <td>4</td> <td>25 minutes · 37 minutes</td> <td>3</td> ` +
		`<td>2 hours · 2 hours 48 minutes</td> <td>67 % <span class="muted small">(2 of 3)</span></td>`
	if !strings.Contains(last30, want30) {
		t.Errorf("30-day figures lack the row %s", want30)
	}
	// 90 days adds the claim at 100 minutes: median 30, 90th 76 (40 + 0.6 × 60).
	want90 := `<th scope="row">Cardiology</th> <td>5</td> <td>5</td> <td>30 minutes · 1 hour 16 minutes</td> <td>3</td>`
	if !strings.Contains(last90, want90) {
		t.Errorf("90-day figures lack the row %s", want90)
	}
}

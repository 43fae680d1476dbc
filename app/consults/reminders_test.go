package consults_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"curbside/app"
	"curbside/app/db/testdb"
	"curbside/app/web/webtest"
)

// An urgent consult unclaimed for 30 minutes is marked overdue and its
// specialty reminded once, however many instances run the reminder.
func TestOverdueReminderIsSentOnceAcrossInstances(t *testing.T) {
	t.Parallel()
	first := webtest.New(t)
	second, err := app.New(first.Config, first.DB.DB, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	gp, asker := first.Verified("family-medicine")
	cardio, specialist := first.Verified("cardiology")
	overdue := ask(t, gp, url.Values{"urgency": {"urgent"}, "question": {"Chest pain, troponin rising: transfer?"}})
	recent := ask(t, gp, url.Values{"urgency": {"urgent"}, "question": {"Asked a minute ago"}})
	routine := ask(t, gp, url.Values{"question": {"Routine and old"}})
	testdb.Exec(t, first.DB.DB, "UPDATE consults SET created_at = now() - interval '31 minutes' WHERE id IN (?, ?)", overdue, routine)
	testdb.Exec(t, first.DB.DB, "UPDATE consults SET created_at = now() - interval '5 minutes' WHERE id = ?", recent)

	var wg sync.WaitGroup
	marked := make([]int, 4)
	for i := range marked {
		svc := first.Core.Consults
		if i%2 == 1 {
			svc = second.Consults
		}
		wg.Go(func() {
			n, err := svc.RemindOverdue(context.Background())
			if err != nil {
				t.Error(err)
			}
			marked[i] = n
		})
	}
	wg.Wait()
	if total := marked[0] + marked[1] + marked[2] + marked[3]; total != 1 {
		t.Fatalf("%v consults marked across the passes, want 1 in all", marked)
	}
	if n := scalar[int](t, first, "SELECT count(*) FROM notifications WHERE user_id = ? AND title LIKE 'Urgent: Overdue consult%'", specialist.ID); n != 1 {
		t.Fatalf("the specialist was reminded %d times", n)
	}
	if n := scalar[int](t, first, "SELECT count(*) FROM email_outbox WHERE to_address = ? AND subject LIKE '%Overdue%'", specialist.Email); n != 1 {
		t.Fatalf("%d reminder mails", n)
	}
	if n := scalar[int](t, first, "SELECT count(*) FROM notifications WHERE user_id = ? AND title LIKE '%Overdue%'", asker.ID); n != 0 {
		t.Fatal("the requester was reminded of their own consult")
	}
	if n := scalar[int](t, first, "SELECT count(*) FROM consults WHERE overdue_at IS NOT NULL"); n != 1 {
		t.Fatalf("%d consults marked overdue, want only the old urgent one", n)
	}
	if n := scalar[int](t, first, "SELECT count(*) FROM consult_events WHERE consult_id = ? AND action = 'overdue' AND actor_id IS NULL", overdue); n != 1 {
		t.Fatal("the reminder is not on the timeline")
	}
	cardio.Get("/consults").Expect(http.StatusOK).Contains("overdue")
	cardio.Get(consultURL(overdue)).Expect(http.StatusOK).Contains("overdue", "by Curbside")
	// Once claimed, an overdue consult is no longer shown as overdue.
	post(cardio, consultURL(overdue, "claim")).Expect(http.StatusSeeOther)
	gp.Get(consultURL(overdue)).Expect(http.StatusOK).Lacks("badge-rejected\">overdue")
}

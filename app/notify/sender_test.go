package notify_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"curbside/app/db/testdb"
	"curbside/app/notify"
)

type recordingMailer struct {
	mu   sync.Mutex
	sent []notify.Email
	fail error
}

func (m *recordingMailer) Deliver(_ context.Context, e notify.Email) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	m.sent = append(m.sent, e)
	return nil
}

func TestOutboxDelivery(t *testing.T) {
	t.Parallel()
	tdb := testdb.New(t)
	ctx := context.Background()
	member := testdb.Member(t, tdb)
	userID := member.ID
	svc := notify.NewService(tdb.DB, notify.Settings{BaseURL: "https://curbside.example"})
	err := svc.Send(ctx, notify.Notice{UserID: userID, Email: member.Email, Kind: "test", Title: "Hello",
		Body: "Something happened.", Link: "/verification", BaseURL: "https://curbside.example"})
	if err != nil {
		t.Fatal(err)
	}
	if n := testdb.Scalar[int64](t, tdb, "SELECT count(*) FROM notifications WHERE user_id = ? AND read_at IS NULL", userID); n != 1 {
		t.Fatalf("unread %d, want 1", n)
	}

	failing := &recordingMailer{fail: errors.New("connection refused")}
	sent, err := notify.NewSender(tdb.DB, failing, slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil))).DeliverDue(ctx)
	if err != nil || sent != 0 {
		t.Fatalf("failing mailer: sent %d, err %v", sent, err)
	}
	var attempts int
	var lastError string
	testdb.Row(t, tdb, "SELECT attempts, last_error FROM email_outbox")(&attempts, &lastError)
	if attempts != 1 || lastError != "connection refused" {
		t.Fatalf("after a failure: attempts %d, last error %q", attempts, lastError)
	}
	// Not due again until the back-off passes.
	ok := &recordingMailer{}
	sender := notify.NewSender(tdb.DB, ok, slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)))
	if sent, err := sender.DeliverDue(ctx); err != nil || sent != 0 {
		t.Fatalf("retried before the back-off: sent %d, err %v", sent, err)
	}
	if n := testdb.Exec(t, tdb, "UPDATE email_outbox SET next_attempt_at = now()"); n != 1 {
		t.Fatalf("%d messages made due, want 1", n)
	}
	if sent, err := sender.DeliverDue(ctx); sent != 1 || err != nil {
		t.Fatalf("sent %d, err %v", sent, err)
	}
	if len(ok.sent) != 1 || ok.sent[0].ToAddress != member.Email || ok.sent[0].Subject != "Curbside: Hello" || !strings.Contains(ok.sent[0].Body, "https://curbside.example/verification") {
		t.Fatalf("delivered %+v", ok.sent)
	}
	if sent, err := sender.DeliverDue(ctx); err != nil || sent != 0 {
		t.Fatalf("a sent message went out twice: sent %d, err %v", sent, err)
	}
	var log bytes.Buffer
	if err := (notify.LogMailer{Log: slog.New(slog.NewTextHandler(&log, nil))}).Deliver(ctx, ok.sent[0]); err != nil || !strings.Contains(log.String(), member.Email) {
		t.Fatalf("log mailer: %v %q", err, log.String())
	}
}

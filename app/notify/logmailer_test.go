package notify_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"curbside/app/notify"
)

// Without an SMTP server, mail goes to the log as recipient and subject
// only: a body may hold a moderator's reason or a link with a token.
func TestLoggedMailKeepsItsBodyOutOfTheLog(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	m := notify.LogMailer{Log: slog.New(slog.NewJSONHandler(&buf, nil))}
	err := m.Deliver(t.Context(), notify.Email{ToAddress: "ana@clinic.org", Subject: "Curbside: your request",
		Body: "Reason: the license number belongs to someone else.\nhttps://curbside.example/confirm?token=SECRET"})
	if err != nil {
		t.Fatal(err)
	}
	logged := buf.String()
	if !strings.Contains(logged, "ana@clinic.org") || !strings.Contains(logged, "Curbside: your request") {
		t.Fatalf("recipient or subject missing: %s", logged)
	}
	if strings.Contains(logged, "license number") || strings.Contains(logged, "SECRET") {
		t.Fatalf("the body reached the log: %s", logged)
	}
}

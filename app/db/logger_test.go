package db_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"curbside/app/db/testdb"
)

// Query parameters may hold clinical text: they must never reach the log.
func TestLogOmitsQueryParameters(t *testing.T) {
	var buf bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	defer slog.SetDefault(prev)
	tdb := testdb.New(t)
	var n int
	if err := tdb.Raw("SELECT no_such_column FROM users WHERE email = ?", "secret-patient-name").Scan(&n).Error; err == nil {
		t.Fatal("a query naming a missing column succeeded")
	}
	if !strings.Contains(buf.String(), "no_such_column") {
		t.Fatalf("the failing query was not logged: %q", buf.String())
	}
	if strings.Contains(buf.String(), "secret-patient-name") {
		t.Fatalf("a query parameter reached the log: %s", buf.String())
	}
}

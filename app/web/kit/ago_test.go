package kit

import (
	"testing"
	"time"
)

// Past a month a time is a date, and the date is the member's: late on New
// Year's Eve in Chicago is already New Year's Day in UTC.
func TestAgoDatesInTheZone(t *testing.T) {
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2020, 1, 1, 3, 0, 0, 0, time.UTC)
	if got := Ago(at, time.UTC); got != "1 Jan 2020" {
		t.Errorf("in UTC: %q, want 1 Jan 2020", got)
	}
	if got := Ago(at, chicago); got != "31 Dec 2019" {
		t.Errorf("in Chicago: %q, want 31 Dec 2019", got)
	}
	if got := Ago(time.Now().Add(-3*time.Hour), chicago); got != "3 hours ago" {
		t.Errorf("three hours back: %q", got)
	}
}

package ratelimit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"curbside/app/apperr"
	"curbside/app/db/testdb"
	"curbside/app/ratelimit"
)

func TestAllow(t *testing.T) {
	t.Parallel()
	tdb := testdb.New(t)
	l := ratelimit.New(tdb.DB)
	ctx := context.Background()
	rule := ratelimit.Rule{Limit: 3, Window: time.Hour}
	for i := 0; i < 3; i++ {
		if err := l.Allow(ctx, "signup:192.0.2.1", rule); err != nil {
			t.Fatalf("action %d refused: %v", i+1, err)
		}
	}
	var limited *apperr.RateLimited
	if err := l.Allow(ctx, "signup:192.0.2.1", rule); !errors.As(err, &limited) || limited.RetryAfter <= 0 || limited.RetryAfter > time.Hour {
		t.Fatalf("fourth action: %v", err)
	}
	if err := l.Allow(ctx, "signup:192.0.2.2", rule); err != nil {
		t.Fatalf("another key was limited: %v", err)
	}
	if n := testdb.Exec(t, tdb, "UPDATE rate_limits SET window_start = window_start - interval '2 hours'"); n != 2 {
		t.Fatalf("moved %d windows back, want 2", n)
	}
	if err := l.Allow(ctx, "signup:192.0.2.1", rule); err != nil {
		t.Fatalf("a new window is still limited: %v", err)
	}
	if err := l.Prune(ctx, 0); err != nil {
		t.Fatal(err)
	}
}

package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"curbside/app/db/testdb"
	"curbside/config"
)

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func init() { firstRestartDelay, maxRestartDelay = time.Millisecond, 4*time.Millisecond }

// A runner that fails or panics is started again; one that keeps failing
// stops with an error that names it, instead of dying silently.
func TestSupervisorRestartsThenGivesUp(t *testing.T) {
	t.Parallel()
	var runs atomic.Int32
	r := Runner{Name: "flaky", Run: func(ctx context.Context) error {
		n := runs.Add(1)
		switch n {
		case 1:
			return errors.New("database went away")
		case 2:
			panic("nil map")
		case 3:
			<-ctx.Done() // healthy now, until stopped
			return nil
		}
		return nil
	}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- supervise(ctx, quietLog(), r) }()
	deadline := time.Now().Add(5 * time.Second)
	for runs.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil || runs.Load() != 3 {
		t.Fatalf("after a failure and a panic: runs %d, err %v; want 3 runs and a clean stop", runs.Load(), err)
	}

	broken := Runner{Name: "broken", Run: func(context.Context) error { return errors.New("bad config") }}
	err := supervise(context.Background(), quietLog(), broken)
	if err == nil || !strings.Contains(err.Error(), "broken") || !strings.Contains(err.Error(), "bad config") {
		t.Fatalf("a runner failing for good: %v", err)
	}
}

// Shutdown goes in order: the web server has stopped taking requests before
// the runners are told to stop, and a runner that gives up stops the server.
func TestServeStopsTheWebServerFirst(t *testing.T) {
	t.Parallel()
	tdb := testdb.New(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"CURBSIDE_SECRET": "kT4q9Zw2LmX7vR1pN8sB3yH6cJ0fD5gA-test", "CURBSIDE_ADDR": addr}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg.DatabaseURL = tdb.URL
	a, err := New(cfg, tdb.DB, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	webDownAtStop := make(chan bool, 1)
	a.runners = append(a.runners, Runner{Name: "probe", Run: func(ctx context.Context) error {
		<-ctx.Done()
		_, err := http.Get("http://" + addr + "/healthz")
		webDownAtStop <- err != nil
		return nil
	}})
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx) }()
	waitForHealth(t, addr)
	cancel()
	if err := <-served; err != nil {
		t.Fatalf("serve: %v", err)
	}
	if !<-webDownAtStop {
		t.Fatal("the runners were stopped while the web server still answered")
	}

	b, err := New(cfg, tdb.DB, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	b.runners = []Runner{{Name: "doomed", Run: func(context.Context) error { return errors.New("cannot go on") }}}
	go func() { served <- b.Serve(context.Background()) }()
	select {
	case err := <-served:
		if err == nil || !strings.Contains(err.Error(), "doomed") {
			t.Fatalf("serve ended with %v, want the runner's error", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a runner gave up but the instance kept serving")
	}
}

func waitForHealth(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get("http://" + addr + "/healthz"); err == nil {
			res.Body.Close()
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the server never answered")
}

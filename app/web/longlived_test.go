package web_test

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"curbside/app/accounts"
	"curbside/app/audit"
	"curbside/app/db/testdb"
	"curbside/app/ratelimit"
	"curbside/app/web"
	"curbside/app/web/kit"
	"curbside/config"
)

// A long-lived route (a websocket) outlives the write timeout of ordinary
// requests, and a graceful shutdown asks it to close, then waits for it.
func TestLongLivedConnectionsEscapeTimeoutsAndCloseOnShutdown(t *testing.T) {
	t.Parallel()
	tdb := testdb.New(t)
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"CURBSIDE_SECRET": "kT4q9Zw2LmX7vR1pN8sB3yH6cJ0fD5gA-test"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	acct := accounts.NewService(tdb.DB, audit.New(tdb.DB), ratelimit.New(tdb.DB), accounts.Settings{Idle: time.Hour, Lifetime: time.Hour})
	const timeout = 300 * time.Millisecond
	slow := func(c echo.Context) error { // an ordinary route that takes too long
		time.Sleep(2 * timeout)
		return c.String(http.StatusOK, "too late")
	}
	// A streamed answer, like server-sent events: not hijacked, so only the
	// route's own timeouts keep the server from cutting it.
	stream := func(c echo.Context) error {
		closing := make(chan struct{})
		done := kit.TrackConn(c, func() { close(closing) })
		defer done()
		w := c.Response()
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, "hello\n")
		w.Flush()
		<-closing
		time.Sleep(2 * timeout) // still writable well past the write timeout
		io.WriteString(w, "going away\n")
		w.Flush()
		return nil
	}
	srv, err := web.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), web.Deps{DB: tdb.DB, Accounts: acct,
		Routes: []kit.Route{
			{Method: http.MethodGet, Path: "/test/slow", Level: kit.Public, Handler: slow},
			{Method: http.MethodGet, Path: "/test/stream", Level: kit.Public, Handler: stream, LongLived: true},
		}}, web.WithTimeouts(timeout, timeout))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()

	if res, err := http.Get("http://" + ln.Addr().String() + "/test/slow"); err == nil {
		body, _ := io.ReadAll(res.Body) // a cut-off answer fails to read: that is the point
		res.Body.Close()
		if string(body) == "too late" {
			t.Fatal("an ordinary request outlived the write timeout")
		}
	}

	res, err := http.Get("http://" + ln.Addr().String() + "/test/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	r := bufio.NewReader(res.Body)
	if first, err := r.ReadString('\n'); err != nil || first != "hello\n" {
		t.Fatalf("the stream began with %q, %v", first, err)
	}
	time.Sleep(2 * timeout) // past both timeouts, the connection is still open
	cancel()
	last, err := r.ReadString('\n')
	if err != nil || strings.TrimSpace(last) != "going away" {
		t.Fatalf("at shutdown the connection got %q, %v; want its closing words", last, err)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("shutdown: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("shutdown did not finish")
	}
}

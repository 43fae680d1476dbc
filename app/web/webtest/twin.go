package webtest

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"os"

	"curbside/app"
)

// Twin starts a second instance of the server on the same database, as a
// second process behind a load balancer would be, with its own runners
// when the test starts them.
func (a *App) Twin() *App {
	a.T.Helper()
	logs := &Logs{}
	var sink io.Writer = logs
	if os.Getenv("CURBSIDE_TEST_LOGS") != "" {
		sink = io.MultiWriter(logs, os.Stderr)
	}
	core, err := app.New(a.Config, a.DB.DB, slog.New(slog.NewJSONHandler(sink, nil)))
	if err != nil {
		a.T.Fatalf("app.New (twin): %v", err)
	}
	hs := httptest.NewServer(core.Web.Echo)
	a.T.Cleanup(hs.Close)
	return &App{T: a.T, DB: a.DB, Core: core, Server: core.Web, HTTP: hs, Config: a.Config, Logs: logs}
}

// On returns a browser of the other instance holding this browser's session.
func (c *Client) On(other *App) *Client {
	o := other.Client()
	o.SetCookie("curbside_session", c.Cookie("curbside_session"))
	return o
}

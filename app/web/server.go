// Package web is Curbside's HTTP layer: the Echo server, its middleware, the
// route table, the renderer and the one error handler.
package web

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"curbside/app/accounts"
	"curbside/app/db"
	"curbside/app/web/kit"
	"curbside/config"
	"curbside/static"
	"curbside/templates"
)

// Server is one Curbside instance's web layer.
type Server struct {
	Echo     *echo.Echo
	cfg      config.Config
	db       *gorm.DB
	log      *slog.Logger
	metrics  *metrics
	routes   []kit.Route
	accounts *accounts.Service
	static   *staticFiles
	// bodyLimits holds the routes that accept larger bodies than the default;
	// holds, the routes that keep a form sent with a lapsed session.
	bodyLimits map[string]int64
	holds      map[string]kit.Route
	// csrfSkips holds the routes that may take some requests without a
	// CSRF token (kit.Route.SkipCSRF), by method and path.
	csrfSkips map[string]func(echo.Context) bool
	// levels holds every route's access level, by method and path.
	levels map[string]kit.Level
	// noSession holds the routes that need no session and set no cookies.
	noSession map[string]bool
	// riders holds the pages' reads sent with the session lookup
	// (kit.Route.Rider), by method and path.
	riders map[string]func(echo.Context) db.Rider
	// http is the server Run starts; conns are the long-lived connections
	// (websockets) it must close itself, since Shutdown does not.
	http  *http.Server
	conns *kit.Conns
}

// Deps is what the web layer takes from the capabilities.
type Deps struct {
	DB       *gorm.DB
	Accounts *accounts.Service
	// Routes are the capabilities' route tables.
	Routes []kit.Route
}

// Option adjusts a server at construction.
type Option func(*Server)

// WithTimeouts replaces the read and write timeouts of ordinary requests
// (tests use short ones to show that long-lived routes escape them).
func WithTimeouts(read, write time.Duration) Option {
	return func(s *Server) { s.http.ReadTimeout, s.http.WriteTimeout = read, write }
}

// New wires the capabilities' routes onto one Echo instance.
func New(cfg config.Config, log *slog.Logger, deps Deps, opts ...Option) (*Server, error) {
	s := &Server{cfg: cfg, db: deps.DB, log: log, metrics: newMetrics(deps.DB), accounts: deps.Accounts,
		conns: kit.NewConns()}
	s.http = &http.Server{
		Addr:              cfg.Addr,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	s.http.RegisterOnShutdown(s.conns.CloseAll)
	for _, opt := range opts {
		opt(s)
	}

	assets, err := fs.Sub(static.FS, ".")
	if err != nil {
		return nil, err
	}
	if s.static, err = newStaticFiles(assets); err != nil {
		return nil, err
	}
	r, err := newRenderer(templates.FS, s.static)
	if err != nil {
		return nil, err
	}

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Renderer = r
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = s.ipExtractor()
	e.Pre(cleanQuery)
	e.Use(s.compress) // first, so it also wraps the error pages accessLog renders
	e.Use(requestID, s.metrics.middleware, s.accessLog, s.recoverer(), s.securityHeaders)
	e.GET("/static/*", s.serveStatic(assets))
	e.HEAD("/static/*", s.serveStatic(assets))
	e.Use(s.session, s.readForm, s.csrf, s.restoreHeld, s.renderPages)

	s.routes = slices.Concat(s.operationsRoutes(), deps.Routes)
	s.bodyLimits, s.holds, s.csrfSkips, s.levels = map[string]int64{}, map[string]kit.Route{}, map[string]func(echo.Context) bool{},
		map[string]kit.Level{}
	s.noSession = map[string]bool{"/static/*": true}
	s.riders = map[string]func(echo.Context) db.Rider{}
	for _, rt := range s.routes {
		if rt.NoSession {
			s.noSession[rt.Path] = true
		}
		mw := []echo.MiddlewareFunc{s.guard(rt)}
		if rt.LongLived {
			mw = append(mw, s.longLived)
		}
		e.Add(rt.Method, rt.Path, rt.Handler, mw...)
		if rt.Method == http.MethodGet && !rt.LongLived {
			e.Add(http.MethodHead, rt.Path, rt.Handler, mw...)
		}
		if rt.MaxBody > 0 {
			s.bodyLimits[rt.Method+" "+rt.Path] = rt.MaxBody
		}
		if rt.SkipCSRF != nil {
			s.csrfSkips[rt.Method+" "+rt.Path] = rt.SkipCSRF
		}
		if rt.Hold != nil || rt.Keep != nil {
			s.holds[rt.Method+" "+rt.Path] = rt
		}
		s.levels[rt.Method+" "+rt.Path] = rt.Level
		if rt.Rider != nil {
			if rt.Method != http.MethodGet { // a form's request must not be read before its check
				return nil, fmt.Errorf("route %s %s: a rider goes on a GET route only", rt.Method, rt.Path)
			}
			s.riders[rt.Method+" "+rt.Path] = rt.Rider
		}
	}
	s.Echo = e
	s.http.Handler = e
	return s, nil
}

// Routes returns the route table.
func (s *Server) Routes() []kit.Route { return slices.Clone(s.routes) }

// Accounts exposes the account rules, for the command line and tests.
func (s *Server) Accounts() *accounts.Service { return s.accounts }

// isStatic reports a request for an asset: no session, no cookies, so a
// shared cache may keep the answer.
func isStatic(c echo.Context) bool { return c.Path() == "/static/*" }

// sessionless reports a request that loads no session and sets no cookies:
// an asset, or a route marked NoSession.
func (s *Server) sessionless(c echo.Context) bool { return s.noSession[c.Path()] }

func (s *Server) serveStatic(assets fs.FS) echo.HandlerFunc {
	files := http.StripPrefix("/static/", http.FileServer(http.FS(assets)))
	return func(c echo.Context) error {
		h, ok := s.static.hashes[c.Param("*")] // files only: no directory listings
		if !ok {
			return echo.ErrNotFound
		}
		// Only a URL naming the file's current content may be cached for good.
		if c.QueryParam("v") == h {
			c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			c.Response().Header().Set("Cache-Control", "public, max-age=300")
		}
		return s.static.serve(c, files) // precompressed text when the client takes gzip
	}
}

// Run listens on the configured address and serves until ctx ends.
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Addr, err)
	}
	return s.Serve(ctx, ln)
}

// shutdownGrace bounds how long requests in flight and long-lived
// connections may take to finish once the server is told to stop.
const shutdownGrace = 20 * time.Second

// Serve serves on ln until ctx ends, then shuts down gracefully: no new
// requests, those in flight finish, long-lived connections are told to close.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- s.http.Serve(ln) }()
	s.log.Info("serving", slog.String("addr", ln.Addr().String()), slog.String("url", s.cfg.BaseURL.String()))
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	err := s.http.Shutdown(shutdownCtx)
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return errors.Join(err, s.conns.Wait(shutdownCtx))
}

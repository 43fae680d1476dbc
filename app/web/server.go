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
	"github.com/labstack/echo/v4/middleware"
	"gorm.io/gorm"

	"curbside/app/accounts"
	"curbside/app/audit"
	"curbside/app/cases"
	"curbside/app/notify"
	"curbside/app/verification"
	"curbside/app/web/kit"
	"curbside/config"
	"curbside/static"
	"curbside/templates"
)

// Server is one Curbside instance.
type Server struct {
	Echo      *echo.Echo
	cfg       config.Config
	db        *gorm.DB
	log       *slog.Logger
	metrics   *metrics
	routes    []kit.Route
	accounts  *accounts.Service
	providers accounts.Providers
	static    *staticFiles
	// bodyLimits holds the routes that accept larger bodies than the default.
	bodyLimits map[string]int64
}

// Option adjusts a server at construction.
type Option func(*Server)

// WithProviders adds sign-in providers to those built from the configuration
// (tests use it to point one at a local stand-in).
func WithProviders(p accounts.Providers) Option {
	return func(s *Server) {
		for name, provider := range p {
			s.providers[name] = provider
		}
	}
}

// New wires every capability onto one Echo instance.
func New(cfg config.Config, gdb *gorm.DB, log *slog.Logger, opts ...Option) (*Server, error) {
	s := &Server{cfg: cfg, db: gdb, log: log, metrics: newMetrics(gdb),
		providers: accounts.NewProviders(cfg.OAuth, cfg.BaseURL.String(), log)}
	for _, opt := range opts {
		opt(s)
	}
	auditLog := audit.New(gdb)
	s.accounts = accounts.NewService(gdb, auditLog, cfg.SessionIdle, cfg.SessionLifetime, cfg.Secret)
	notices := notify.NewService(gdb)
	verifications := verification.NewService(gdb, s.accounts, auditLog, notices, cfg.BaseURL.String())

	assets, err := fs.Sub(static.FS, ".")
	if err != nil {
		return nil, err
	}
	if s.static, err = newStaticFiles(assets); err != nil {
		return nil, err
	}
	r, err := newRenderer(templates.FS, s.static, notices.UnreadCount)
	if err != nil {
		return nil, err
	}

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Renderer = r
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = s.ipExtractor()
	e.Use(middleware.RequestID(), s.metrics.middleware, s.accessLog, s.recoverer(), s.securityHeaders)
	e.GET("/static/*", s.serveStatic(assets))
	e.HEAD("/static/*", s.serveStatic(assets))
	e.Use(s.session, s.readForm, s.csrf)

	s.routes = slices.Concat(
		s.operationsRoutes(),
		accounts.NewHandlers(s.accounts, s.providers).Routes(),
		cases.NewHandlers(s.accounts).Routes(),
		verification.NewHandlers(verifications, s.accounts).Routes(),
		notices.Routes(),
		auditLog.Routes(),
	)
	s.bodyLimits = map[string]int64{}
	for _, rt := range s.routes {
		e.Add(rt.Method, rt.Path, rt.Handler, s.guard(rt.Level))
		if rt.Method == http.MethodGet {
			e.Add(http.MethodHead, rt.Path, rt.Handler, s.guard(rt.Level))
		}
		if rt.MaxBody > 0 {
			s.bodyLimits[rt.Method+" "+rt.Path] = rt.MaxBody
		}
	}
	s.Echo = e
	return s, nil
}

// Routes returns the route table.
func (s *Server) Routes() []kit.Route { return slices.Clone(s.routes) }

// Accounts exposes the account rules, for the command line and tests.
func (s *Server) Accounts() *accounts.Service { return s.accounts }

// isStatic reports a request for an asset: no session, no cookies, so a
// shared cache may keep the answer.
func isStatic(c echo.Context) bool { return c.Path() == "/static/*" }

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
		files.ServeHTTP(c.Response(), c.Request())
		return nil
	}
}

// Run serves until ctx ends, then shuts down gracefully.
func (s *Server) Run(ctx context.Context) error {
	srv := &http.Server{
		Addr:              s.cfg.Addr,
		Handler:           s.Echo,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Addr, err)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.log.Info("serving", slog.String("addr", ln.Addr().String()), slog.String("url", s.cfg.BaseURL.String()))
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

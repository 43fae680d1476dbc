package web

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"curbside/app/db"
	"curbside/app/web/kit"
)

func (s *Server) healthz(c echo.Context) error { return c.String(http.StatusOK, "ok\n") }

func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := db.SQL(s.db).PingContext(ctx); err != nil {
		return c.String(http.StatusServiceUnavailable, "database unavailable\n")
	}
	return c.String(http.StatusOK, "ready\n")
}

func (s *Server) operationsRoutes() []kit.Route {
	return []kit.Route{
		{Method: http.MethodGet, Path: "/healthz", Level: kit.Public, Handler: s.healthz, NoSession: true},
		{Method: http.MethodGet, Path: "/readyz", Level: kit.Public, Handler: s.readyz, NoSession: true},
		{Method: http.MethodGet, Path: "/metrics", Level: kit.Public, Handler: s.metrics.handler(s.cfg.MetricsToken, s.cfg.TrustedProxies), NoSession: true},
	}
}

package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"curbside/app/web/kit"
)

// contentSecurityPolicy names object-src and base-uri itself rather than
// leaving them to default-src: no plug-in content at all (PDFs are framed),
// and no <base> that could re-point every relative link.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"object-src 'none'; frame-src 'self'; connect-src 'self'; font-src 'self'; form-action 'self'; " +
	"base-uri 'none'; frame-ancestors 'none'"

func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	secure := s.cfg.Secure()
	return func(c echo.Context) error {
		kit.MarkSecure(c, secure)
		h := c.Response().Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		// Pages may hold clinical content: keep them out of shared caches and the back-forward cache.
		h.Set("Cache-Control", "no-store")
		if secure {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		return next(c)
	}
}

// accessLog writes one structured line per request. It logs the path without
// its query string and never a body: both may hold patient data.
func (s *Server) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		attrs := []any{
			slog.String("method", c.Request().Method),
			slog.String("path", c.Request().URL.Path),
			slog.String("route", c.Path()),
			slog.Int("status", c.Response().Status),
			slog.Duration("duration", time.Since(start)),
			slog.Bool("long_lived", kit.IsLongLived(c)),
			slog.String("ip", c.RealIP()),
			slog.String("request_id", c.Response().Header().Get(echo.HeaderXRequestID)),
		}
		if v := kit.ViewerOf(c); v != nil {
			attrs = append(attrs, slog.Int64("user_id", v.UserID))
		}
		s.log.Info("request", attrs...)
		return nil
	}
}

func (s *Server) recoverer() echo.MiddlewareFunc {
	return middleware.RecoverWithConfig(middleware.RecoverConfig{
		DisablePrintStack: true,
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.log.Error("panic", slog.String("error", err.Error()), slog.String("stack", string(stack)),
				slog.String("request_id", c.Response().Header().Get(echo.HeaderXRequestID)))
			return err
		},
	})
}

// ipExtractor trusts X-Forwarded-For only from the configured proxies; by
// default the connection's own address counts.
func (s *Server) ipExtractor() echo.IPExtractor {
	if len(s.cfg.TrustedProxies) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range s.cfg.TrustedProxies {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

var safeMethods = map[string]bool{http.MethodGet: true, http.MethodHead: true, http.MethodOptions: true}

// requestID names each request for the logs and the error page. The id is
// always made here: one taken from the client could forge log lines or
// point support at someone else's request.
func requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		b := make([]byte, 12)
		_, _ = rand.Read(b)
		id := hex.EncodeToString(b)
		c.Request().Header.Del(echo.HeaderXRequestID)
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		return next(c)
	}
}

// longLived lifts the server's read and write deadlines, which would cut a
// streamed answer after 60 seconds (net/http clears them itself when a
// websocket hijacks the connection), and hands the handler the set of
// connections that shutdown must close, since Shutdown neither closes nor
// waits for hijacked ones.
func (s *Server) longLived(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		rc := http.NewResponseController(c.Response().Writer)
		if err := errors.Join(rc.SetReadDeadline(time.Time{}), rc.SetWriteDeadline(time.Time{})); err != nil {
			return err
		}
		kit.SetConns(c, s.conns)
		return next(c)
	}
}

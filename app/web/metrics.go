package web

import (
	"crypto/subtle"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"gorm.io/gorm"

	"curbside/app/db"
	"curbside/app/web/kit"
)

// metrics is one server's Prometheus registry: request counts and latencies
// by route, and the database pool's statistics.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(gdb *gorm.DB) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "curbside_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "curbside_http_request_duration_seconds", Help: "HTTP request latency by route and method.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "method"}),
	}
	m.reg.MustRegister(m.requests, m.latency,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(db.SQL(gdb), "curbside"))
	return m
}

// middleware counts each request under its route pattern, never its raw
// path, so ids do not explode the label set.
func (m *metrics) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		status := c.Response().Status
		if he, ok := err.(*echo.HTTPError); ok && !c.Response().Committed {
			status = he.Code
		}
		method := c.Request().Method
		if !knownMethods[method] {
			method = "other" // the label set must not grow with what clients send
		}
		m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
		if !kit.IsLongLived(c) { // a websocket's lifetime is not a latency
			m.latency.WithLabelValues(route, method).Observe(time.Since(start).Seconds())
		}
		return err
	}
}

var knownMethods = map[string]bool{http.MethodGet: true, http.MethodHead: true, http.MethodPost: true}

// handler serves the metrics to a local scraper that no proxy forwarded, or
// to one presenting the configured token.
func (m *metrics) handler(token string, proxies []*net.IPNet) echo.HandlerFunc {
	prom := echo.WrapHandler(promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	return func(c echo.Context) error {
		r := c.Request()
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		ip := net.ParseIP(host)
		// A proxy on this host makes every visitor look local: requests through
		// a trusted proxy, or carrying forwarding headers, are not local.
		local := ip.IsLoopback() && !slices.ContainsFunc(proxies, func(n *net.IPNet) bool { return n.Contains(ip) }) &&
			r.Header.Get("X-Forwarded-For") == "" && r.Header.Get("Forwarded") == "" && r.Header.Get("X-Real-IP") == ""
		bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !local && (token == "" || !ok || subtle.ConstantTimeCompare([]byte(bearer), []byte(token)) != 1) {
			return &kit.Denied{Title: "Not for you", Message: "Metrics are served to local scrapers, or to those with the metrics token."}
		}
		return prom(c)
	}
}

package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// The compressing writer on its own, without a database: what it compresses
// and what it leaves alone.
func TestCompressChoosesWhatToCompress(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("Curbside case notes. ", 200)
	e := echo.New()
	e.Use((&Server{}).compress)
	e.GET("/html", func(c echo.Context) error { return c.HTML(http.StatusOK, big) })
	e.GET("/chunks", func(c echo.Context) error {
		c.Response().Header().Set("Content-Type", "text/plain; charset=utf-8")
		for range 4 { // crosses the threshold part-way
			if _, err := c.Response().Write([]byte(big[:400])); err != nil {
				return err
			}
		}
		return nil
	})
	e.GET("/small", func(c echo.Context) error { return c.HTML(http.StatusOK, "<p>short</p>") })
	e.GET("/png", func(c echo.Context) error { return c.Blob(http.StatusOK, "image/png", []byte(big)) })
	e.GET("/pdf", func(c echo.Context) error { return c.Blob(http.StatusOK, "application/pdf", []byte(big)) })
	e.GET("/redirect", func(c echo.Context) error { return c.Redirect(http.StatusSeeOther, "/html") })
	e.GET("/ws", func(c echo.Context) error {
		if _, wrapped := c.Response().Writer.(*gzipResponseWriter); wrapped {
			t.Error("an upgrade request got the compressing writer: hijacking would bypass it")
		}
		return c.HTML(http.StatusOK, big)
	})

	for _, tc := range []struct {
		path, upgrade string
		gzipped       bool
		want          string
		status        int
	}{
		{"/html", "", true, big, 200},
		{"/chunks", "", true, strings.Repeat(big[:400], 4), 200},
		{"/small", "", false, "<p>short</p>", 200},
		{"/png", "", false, big, 200},
		{"/pdf", "", false, big, 200},
		{"/redirect", "", false, "", 303},
		{"/ws", "websocket", false, big, 200},
	} {
		req := httptest.NewRequest(http.MethodGet, tc.path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		if tc.upgrade != "" {
			req.Header.Set("Connection", "Upgrade")
			req.Header.Set("Upgrade", tc.upgrade)
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		body := rec.Body.Bytes()
		if got := rec.Header().Get("Content-Encoding") == "gzip"; got != tc.gzipped {
			t.Errorf("%s: gzipped=%v, want %v", tc.path, got, tc.gzipped)
		}
		if tc.gzipped {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("%s: %v", tc.path, err)
			}
			if body, err = io.ReadAll(zr); err != nil {
				t.Fatalf("%s: %v", tc.path, err)
			}
		}
		if rec.Code != tc.status || string(body) != tc.want {
			t.Errorf("%s: status %d, body %.40q…, want %d %.40q…", tc.path, rec.Code, body, tc.status, tc.want)
		}
	}
}

func TestAcceptsGzip(t *testing.T) {
	t.Parallel()
	for ae, want := range map[string]bool{
		"": false, "gzip": true, "deflate, gzip;q=0.8": true, "GZIP": true,
		"gzip;q=0": false, "gzip; q=0.0": false, "identity": false, "br, x-gzip": false,
	} {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Set("Accept-Encoding", ae)
		if got := acceptsGzip(req); got != want {
			t.Errorf("Accept-Encoding %q: %v, want %v", ae, got, want)
		}
	}
}

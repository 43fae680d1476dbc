package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
)

// Curbside is used from clinics on slow links, where text shrinks four- to
// tenfold under gzip. Static assets are compressed once at start; pages are
// compressed per response. Pages carry the CSRF token only masked afresh per
// render (see csrf.go), which is what keeps compression safe from BREACH.

// minCompressSize is below what gzip's header and framing stop paying off.
const minCompressSize = 1024

// pageGzipLevel trades a little size for CPU: every page pays it.
const pageGzipLevel = 5

var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(io.Discard, pageGzipLevel) // the level is valid, so no error
	return w
}}

// compressible reports a text media type worth compressing; images and
// documents are mostly compressed already, and gzip only costs time there.
func compressible(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	switch mt {
	case "application/javascript", "application/json", "application/xml", "image/svg+xml":
		return true
	}
	return strings.HasPrefix(mt, "text/")
}

// acceptsGzip reads Accept-Encoding, honouring an explicit "gzip;q=0".
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(part, ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q=")
		if !ok {
			return true
		}
		v, err := strconv.ParseFloat(q, 64)
		return err == nil && v > 0
	}
	return false
}

// addVary adds Accept-Encoding to Vary once, so shared caches keep the two
// encodings apart.
func addVary(h http.Header) {
	for _, v := range h.Values("Vary") {
		if strings.Contains(strings.ToLower(v), "accept-encoding") {
			return
		}
	}
	h.Add("Vary", "Accept-Encoding")
}

// compress gzips dynamic responses. It must sit outside accessLog, which
// renders error pages, so that those are compressed too.
func (s *Server) compress(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		// Static assets come precompressed from serveStatic. A connection
		// taken over by an upgrade (a websocket) must reach the handler
		// unwrapped, or the hijacked stream would bypass or corrupt the gzip.
		if isStatic(c) || r.Header.Get("Upgrade") != "" {
			return next(c)
		}
		res := c.Response()
		addVary(res.Header())
		// HEAD has no body to compress.
		if r.Method == http.MethodHead || !acceptsGzip(r) {
			return next(c)
		}
		w := &gzipResponseWriter{ResponseWriter: res.Writer}
		res.Writer = w
		defer func() {
			w.finish()
			res.Writer = w.ResponseWriter
		}()
		return next(c)
	}
}

// gzipResponseWriter holds back the status and the first KiB of body: only
// then does it know whether the response is text and large enough to compress.
type gzipResponseWriter struct {
	http.ResponseWriter
	status  int
	buf     []byte
	decided bool
	gz      *gzip.Writer // nil while undecided, and when not compressing
}

func (w *gzipResponseWriter) WriteHeader(code int) {
	if w.status == 0 && !w.decided {
		w.status = code
	}
}

func (w *gzipResponseWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if !w.decided {
		if len(w.buf)+len(b) < minCompressSize {
			w.buf = append(w.buf, b...)
			return len(b), nil
		}
		w.decide(true)
		if err := w.writeBuffered(); err != nil {
			return 0, err
		}
	}
	if w.gz != nil {
		return w.gz.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// decide sends the header, compressing if the body is (or may grow) large
// enough and nothing upstream has encoded it already (the metrics handler does).
func (w *gzipResponseWriter) decide(large bool) {
	w.decided = true
	h := w.Header()
	if large && h.Get("Content-Encoding") == "" && compressible(h.Get("Content-Type")) && bodyAllowed(w.status) {
		h.Set("Content-Encoding", "gzip")
		h.Del("Content-Length")
		w.gz = gzipWriters.Get().(*gzip.Writer)
		w.gz.Reset(w.ResponseWriter)
	}
	w.ResponseWriter.WriteHeader(w.status)
}

func (w *gzipResponseWriter) writeBuffered() error {
	buf := w.buf
	w.buf = nil
	if len(buf) == 0 {
		return nil
	}
	var err error
	if w.gz != nil {
		_, err = w.gz.Write(buf)
	} else {
		_, err = w.ResponseWriter.Write(buf)
	}
	return err
}

// Flush sends what is held back: a handler that flushes is streaming, so the
// size is not known and the response is compressed if it is text.
func (w *gzipResponseWriter) Flush() {
	if w.status == 0 {
		return
	}
	if !w.decided {
		w.decide(true)
		_ = w.writeBuffered()
	}
	if w.gz != nil {
		_ = w.gz.Flush()
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the connection's own writer.
func (w *gzipResponseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// finish ends the response: a small body goes out as it is.
func (w *gzipResponseWriter) finish() {
	if w.status != 0 && !w.decided {
		w.decide(false)
		_ = w.writeBuffered()
	}
	if w.gz != nil {
		_ = w.gz.Close()
		w.gz.Reset(io.Discard) // drop the reference to this response
		gzipWriters.Put(w.gz)
		w.gz = nil
	}
}

func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}

// gzipAsset is one static file compressed at start.
type gzipAsset struct {
	data        []byte
	contentType string
}

// precompress gzips a text asset at the best level, once for the life of the
// process; it reports false for images and for files gzip would not shrink.
func (s *staticFiles) precompress(name string, b []byte) (gzipAsset, bool) {
	ctype := mime.TypeByExtension(path.Ext(name))
	if !compressible(ctype) {
		return gzipAsset{}, false
	}
	s.compressions.Add(1)
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // the level is valid, so no error
	_, _ = zw.Write(b)                                       // writes to a bytes.Buffer do not fail
	_ = zw.Close()
	if buf.Len() >= len(b) {
		return gzipAsset{}, false
	}
	return gzipAsset{data: buf.Bytes(), contentType: ctype}, true
}

// serve answers an asset request from the gzip cache when the client takes
// gzip, and from the files themselves otherwise.
func (s *staticFiles) serve(c echo.Context, files http.Handler) error {
	name := c.Param("*")
	asset, ok := s.gzipped[name]
	if !ok {
		files.ServeHTTP(c.Response(), c.Request())
		return nil
	}
	h := c.Response().Header()
	addVary(h)
	// The ETag names the content and the encoding: the two bodies differ.
	etag := `"` + s.hashes[name] + `"`
	if !acceptsGzip(c.Request()) {
		h.Set("ETag", etag) // http.FileServer answers If-None-Match with it
		files.ServeHTTP(c.Response(), c.Request())
		return nil
	}
	etag = `"` + s.hashes[name] + `-gz"`
	h.Set("ETag", etag)
	if inm := c.Request().Header.Get("If-None-Match"); inm != "" && (inm == "*" || strings.Contains(inm, etag)) {
		return c.NoContent(http.StatusNotModified)
	}
	h.Set("Content-Type", asset.contentType)
	h.Set("Content-Encoding", "gzip")
	h.Set("Content-Length", strconv.Itoa(len(asset.data)))
	c.Response().WriteHeader(http.StatusOK)
	if c.Request().Method == http.MethodHead {
		return nil
	}
	_, err := c.Response().Write(asset.data)
	return err
}

package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"curbside/app/web"
	"curbside/app/web/webtest"
	"curbside/static"
)

// plainClient sends no Accept-Encoding of its own and never decompresses, so
// each test says exactly what it accepts and sees the bytes on the wire.
var plainClient = &http.Client{Transport: &http.Transport{DisableCompression: true}}

func fetch(t *testing.T, method, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := plainClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("bad gzip: %v", err)
	}
	return out
}

func TestStaticAssetsArePrecompressed(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	css, err := fs.ReadFile(static.FS, "css/site.css")
	if err != nil {
		t.Fatal(err)
	}
	url := app.HTTP.URL + "/static/css/site.css"
	compressions := web.StaticCompressions(app.Server)
	if compressions == 0 {
		t.Fatal("no asset was compressed at start")
	}

	res, first := fetch(t, http.MethodGet, url, "Accept-Encoding", "gzip, deflate, br")
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("status %d, Content-Encoding %q", res.StatusCode, res.Header.Get("Content-Encoding"))
	}
	if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") {
		t.Errorf("Vary %q, Content-Type %q", res.Header.Get("Vary"), res.Header.Get("Content-Type"))
	}
	if res.Header.Get("Content-Length") != strconv.Itoa(len(first)) {
		t.Errorf("Content-Length %q for %d bytes", res.Header.Get("Content-Length"), len(first))
	}
	if len(first)*3 >= len(css) {
		t.Errorf("site.css gzipped to %d of %d bytes, want well under a third", len(first), len(css))
	}
	t.Logf("site.css: %d bytes, %d gzipped", len(css), len(first))
	if !bytes.Equal(gunzip(t, first), css) {
		t.Fatal("the gzipped stylesheet does not decompress to the file")
	}
	_, second := fetch(t, http.MethodGet, url, "Accept-Encoding", "gzip")
	if !bytes.Equal(first, second) {
		t.Error("two requests got different bytes: not served from the cache")
	}
	if n := web.StaticCompressions(app.Server); n != compressions {
		t.Errorf("serving compressed again: %d compressions, %d at start", n, compressions)
	}

	// Revalidation by ETag costs no body.
	res, body := fetch(t, http.MethodGet, url, "Accept-Encoding", "gzip", "If-None-Match", res.Header.Get("ETag"))
	if res.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Errorf("If-None-Match: status %d, %d bytes", res.StatusCode, len(body))
	}

	// HEAD tells the size of what GET would send.
	res, body = fetch(t, http.MethodHead, url, "Accept-Encoding", "gzip")
	if res.StatusCode != http.StatusOK || len(body) != 0 || res.Header.Get("Content-Encoding") != "gzip" ||
		res.Header.Get("Content-Length") != strconv.Itoa(len(first)) {
		t.Errorf("HEAD gzip: status %d, %d bytes, %v", res.StatusCode, len(body), res.Header)
	}
	res, body = fetch(t, http.MethodHead, url)
	if res.StatusCode != http.StatusOK || len(body) != 0 || res.Header.Get("Content-Length") != strconv.Itoa(len(css)) {
		t.Errorf("HEAD plain: status %d, %v", res.StatusCode, res.Header)
	}

	// A client that does not take gzip, or refuses it, gets the file itself.
	for _, ae := range []string{"", "identity", "gzip;q=0"} {
		res, body = fetch(t, http.MethodGet, url, "Accept-Encoding", ae)
		if res.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, css) {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, %d bytes", ae, res.Header.Get("Content-Encoding"), len(body))
		}
		if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("Accept-Encoding %q: Vary %q", ae, res.Header.Get("Vary"))
		}
	}
}

var csrfField = regexp.MustCompile(`name="_csrf" value="[^"]*"`)

func TestPagesAreCompressed(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, _ := app.Verified("cardiology")
	session := c.Cookie("curbside_session")
	url := app.HTTP.URL + "/settings/security"
	cookie := "curbside_session=" + session

	res, zipped := fetch(t, http.MethodGet, url, "Accept-Encoding", "gzip", "Cookie", cookie)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("status %d, Content-Encoding %q", res.StatusCode, res.Header.Get("Content-Encoding"))
	}
	if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
		t.Errorf("Vary %q", res.Header.Get("Vary"))
	}
	page := gunzip(t, zipped)
	_, plain := fetch(t, http.MethodGet, url, "Cookie", cookie)
	t.Logf("settings page: %d bytes, %d gzipped", len(plain), len(zipped))
	// Only the masked CSRF token differs between two renders.
	if a, b := csrfField.ReplaceAll(page, nil), csrfField.ReplaceAll(plain, nil); !bytes.Equal(a, b) || !bytes.Contains(a, []byte("Change password")) {
		t.Fatalf("the gzipped page differs from the plain one:\n%s\n----\n%s", a, b)
	}

	// Error pages, rendered outside the handler, are compressed as well.
	res, zipped = fetch(t, http.MethodGet, app.HTTP.URL+"/no/such/page", "Accept-Encoding", "gzip")
	if res.StatusCode != http.StatusNotFound || res.Header.Get("Content-Encoding") != "gzip" ||
		!bytes.Contains(gunzip(t, zipped), []byte("Page not found")) {
		t.Errorf("404 page: status %d, Content-Encoding %q", res.StatusCode, res.Header.Get("Content-Encoding"))
	}

	// Left alone: small bodies, HEAD, websocket upgrades, and what is encoded already.
	for _, tc := range []struct {
		method, path string
		header       []string
	}{
		{http.MethodGet, "/healthz", nil},
		{http.MethodHead, "/settings/security", []string{"Cookie", cookie}},
		{http.MethodGet, "/settings/security", []string{"Cookie", cookie, "Connection", "Upgrade", "Upgrade", "websocket"}},
	} {
		res, body := fetch(t, tc.method, app.HTTP.URL+tc.path, append([]string{"Accept-Encoding", "gzip"}, tc.header...)...)
		if res.Header.Get("Content-Encoding") != "" || (tc.method == http.MethodGet && bytes.HasPrefix(body, []byte{0x1f, 0x8b})) {
			t.Errorf("%s %s %v: Content-Encoding %q", tc.method, tc.path, tc.header, res.Header.Get("Content-Encoding"))
		}
	}
	res, zipped = fetch(t, http.MethodGet, app.HTTP.URL+"/metrics", "Accept-Encoding", "gzip")
	if strings.Join(res.Header.Values("Content-Encoding"), ",") != "gzip" ||
		!bytes.Contains(gunzip(t, zipped), []byte("curbside_http_requests_total")) {
		t.Errorf("metrics, which gzips itself, came back %v", res.Header.Values("Content-Encoding"))
	}
}

package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"curbside/app/identity"
	"curbside/app/web/kit"
)

// View is what every template receives: the page's own data under .Page, and
// what the layout needs around it.
type View struct {
	Page   any
	Viewer *identity.Viewer
	CSRF   string
	Flash  string
	Path   string
	Unread int64
	// Section is the first segment of the path ("cases", "mod"), for the
	// navigation; Assets are the layout's asset URLs. Both are worked out
	// once here rather than by template calls on every page.
	Section string
	Assets  *layoutAssets
	// Header is the bar atop the page (siteHeader), kept per member and
	// section; HeadLinks and Footer are kept too (chrome).
	Header, HeadLinks, Footer template.HTML
}

// headLinks is what the head-links partial shows.
type headLinks struct {
	Assets  *layoutAssets
	Scripts bool
}

// chrome fills the parts of the layout that differ only by kind of member.
func (r *renderer) chrome(v *View) (err error) {
	scripts := v.Viewer != nil && v.Viewer.IsVerified()
	key := "head-plain"
	if scripts {
		key = "head-scripts"
	}
	if v.HeadLinks, err = r.chromeParts.Keep(key, func() (template.HTML, error) {
		return r.RenderFragment("head-links", headLinks{Assets: r.assets, Scripts: scripts})
	}); err != nil {
		return err
	}
	v.Footer, err = r.chromeParts.Keep("footer", func() (template.HTML, error) {
		return r.RenderFragment("site-footer", r.assets)
	})
	return err
}

// siteHeader is what the site-header partial shows.
type siteHeader struct {
	Viewer  *identity.Viewer
	Section string
	// ModPage is the moderators' page shown ("home", "verifications",
	// "users", "audit", "consults"), or "".
	ModPage    string
	Unread     int64
	CSRF, Logo string
}

// flagForm is the argument of the flag-form and hide-form partials: what is
// flagged or hidden, the form token, the page to go back to, and (for
// moderators) whether it is hidden now.
type flagForm struct {
	Type   string
	ID     int64
	CSRF   string
	Next   string
	Hidden bool
}

// modPages are the moderators' pages the header marks as current.
var modPages = map[string]bool{"verifications": true, "audit": true, "consults": true, "users": true, "flags": true}

// navSections are the sections the header marks as current.
var navSections = map[string]bool{"cases": true, "consults": true, "chat": true, "search": true, "verification": true, "notifications": true, "settings": true}

// header renders the bar atop a page, kept per member, section and the
// counts it shows (unread, waiting consults, pending verifications), with
// this response's form token in its logout form.
func (r *renderer) header(c echo.Context, v *View) (template.HTML, error) {
	h := siteHeader{Viewer: v.Viewer, Unread: v.Unread, Logo: r.assets.Logo}
	if v.Path == "/mod" {
		h.ModPage = "home"
	} else if rest, ok := strings.CutPrefix(v.Path, "/mod/"); ok {
		if page, _, _ := strings.Cut(rest, "/"); modPages[page] {
			h.ModPage = page
		}
	}
	if navSections[v.Section] {
		h.Section = v.Section
	}
	var key kit.KeyBuilder
	key.Str(h.Section)
	if who := h.Viewer; who != nil {
		key.Str(who.Handle, who.Status, who.Role).Int(h.Unread, who.WaitingConsults, who.PendingVerifications).Str(h.ModPage)
	}
	return r.headers.Render(c, "site-header", key.String(), func() any {
		h.CSRF = kit.Hole(0)
		return h
	}, template.HTML(v.CSRF)) // base64url: safe in the attribute it fills
}

// layoutAssets are the asset URLs every page links to.
type layoutAssets struct{ CSS, Logo, DraftsJS, ChatJS, UploadJS string }

func newLayoutAssets(s *staticFiles) (*layoutAssets, error) {
	var a layoutAssets
	for _, f := range []struct {
		dst  *string
		name string
	}{{&a.CSS, "css/site.css"}, {&a.Logo, "img/logo.svg"}, {&a.DraftsJS, "js/drafts.js"}, {&a.ChatJS, "js/chat.js"}, {&a.UploadJS, "js/upload.js"}} {
		u, err := s.url(f.name)
		if err != nil {
			return nil, err
		}
		*f.dst = u
	}
	return &a, nil
}

// renderer holds one template set per page (layout + partials + the page),
// parsed and checked at start, and parsed again for each time zone that a
// member's pages show times in (pagesIn).
type renderer struct {
	pages  pageSet // in UTC
	assets *layoutAssets
	// partials renders the shared partials alone, for kit.Fragment. They
	// take their times ready-made from handlers (kit.Ago with the member's
	// zone), so one set serves every zone.
	partials    *template.Template
	headers     *kit.Kept
	fields      *kit.Kept
	chromeParts *kit.Kept
	// templates is where the pages are parsed from; zones holds the page
	// sets of zones other than UTC, parsed on first use: at most one per
	// zone that app/timezones offers.
	templates fs.FS
	zones     sync.Map // *time.Location → pageSet
	parsing   sync.Mutex
}

// pageSet is each page's template set, by page name.
type pageSet map[string]*template.Template

func newRenderer(templates fs.FS, static *staticFiles) (*renderer, error) {
	assets, err := newLayoutAssets(static)
	if err != nil {
		return nil, err
	}
	r := &renderer{assets: assets, headers: kit.NewKept(10000), fields: kit.NewKept(1000), chromeParts: kit.NewKept(10),
		templates: templates}
	if r.partials, err = template.New("partials").Funcs(r.funcs(time.UTC)).ParseFS(templates, "partials/*.html"); err != nil {
		return nil, fmt.Errorf("parse partials: %w", err)
	}
	if r.pages, err = r.parsePages(time.UTC); err != nil {
		return nil, err
	}
	return r, nil
}

// funcs are the templates' functions, with times shown in loc.
func (r *renderer) funcs(loc *time.Location) template.FuncMap {
	return template.FuncMap{
		"ago":   func(t time.Time) string { return kit.Ago(t, loc) },
		"took":  kit.Took,
		"since": func(t time.Time) string { return kit.Took(time.Since(t)) },
		"date":  func(t time.Time) string { return t.In(loc).Format("2 Jan 2006") },
		"datetime": func(t time.Time) string {
			return t.In(loc).Format("2 Jan 2006, 15:04 MST")
		},
		"iso":       func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"hasPrefix": strings.HasPrefix,
		"device":    device,
		"field":     r.fieldHTML,
		"attr":      attr,
		"add":       func(a, b int) int { return a + b },
		"flag":      func(kind string, id int64, csrf, next string) flagForm { return flagForm{kind, id, csrf, next, false} },
		"moderate": func(kind string, id int64, hidden bool, csrf, next string) flagForm {
			return flagForm{kind, id, csrf, next, hidden}
		},
		"pngData": pngData,
		"size":    humanSize,
		"providerName": func(name string) string {
			if display, ok := providerNames[name]; ok {
				return display
			}
			return capitalize(name)
		},
		"title": capitalize,
	}
}

func (r *renderer) parsePages(loc *time.Location) (pageSet, error) {
	names, err := fs.Glob(r.templates, "pages/*.html")
	if err != nil {
		return nil, err
	}
	set := pageSet{}
	funcs := r.funcs(loc)
	for _, file := range names {
		name := strings.TrimSuffix(path.Base(file), ".html")
		t, err := template.New(name).Funcs(funcs).ParseFS(r.templates, "layout.html", "partials/*.html", file)
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
		set[name] = t
	}
	return set, nil
}

// pagesIn returns the pages that show times in loc.
func (r *renderer) pagesIn(loc *time.Location) (pageSet, error) {
	if loc == time.UTC {
		return r.pages, nil
	}
	if set, ok := r.zones.Load(loc); ok {
		return set.(pageSet), nil
	}
	r.parsing.Lock() // one parse per zone, however many requests wait for it
	defer r.parsing.Unlock()
	if set, ok := r.zones.Load(loc); ok {
		return set.(pageSet), nil
	}
	set, err := r.parsePages(loc)
	if err != nil {
		return nil, err
	}
	r.zones.Store(loc, set)
	return set, nil
}

// RenderFragment renders one partial on its own, escaped as in a page, for
// handlers that keep parts of a page which are the same for every member.
func (r *renderer) RenderFragment(name string, data any) (template.HTML, error) {
	var b strings.Builder
	if err := r.partials.ExecuteTemplate(&b, name, data); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil // html/template has escaped it
}

// Render implements echo.Renderer. The page is rendered into a buffer
// (pooled: renderPages), so a failing template never sends half a page.
func (r *renderer) Render(w io.Writer, name string, data any, c echo.Context) error {
	viewer := kit.ViewerOf(c)
	pages, err := r.pagesIn(viewer.Location())
	if err != nil {
		return err
	}
	t, ok := pages[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	// The form token is masked afresh per response (csrf.go), against BREACH.
	path := c.Request().URL.Path
	section, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	v := View{Page: data, Viewer: viewer, CSRF: kit.FormToken(c), Path: path, Flash: flashFor(c),
		Section: section, Assets: r.assets}
	if v.Viewer != nil {
		v.Unread = v.Viewer.UnreadNotifications
	}
	if v.Header, err = r.header(c, &v); err != nil {
		return err
	}
	if err := r.chrome(&v); err != nil {
		return err
	}
	if err := t.ExecuteTemplate(w, "layout", v); err != nil {
		return err
	}
	if buf, _ := w.(*bytes.Buffer); buf != nil {
		// The buffer is sent as the whole body: with its length known,
		// the page goes out in one piece rather than in chunks (compress
		// drops the length when it gzips).
		c.Response().Header().Set(echo.HeaderContentLength, strconv.Itoa(buf.Len()))
	}
	return nil
}

// pageBuffers hold pages while they are rendered. Echo's own Render takes a
// fresh buffer for every page and grows it from nothing: for a 20 KB page,
// clearing and copying the growing buffer was a tenth of the server's time.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledPage: a buffer grown past it (a rare huge page) is left to the
// collector rather than held.
const maxPooledPage = 256 << 10

// renderPages makes the handlers' c.Render render into a pooled buffer.
func (s *Server) renderPages(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error { return next(pageContext{c}) }
}

// pageContext is Echo's context with Render taking a pooled buffer.
type pageContext struct{ echo.Context }

func (c pageContext) Render(code int, name string, data any) error {
	buf := pageBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= maxPooledPage {
			pageBuffers.Put(buf)
		}
	}()
	if err := c.Echo().Renderer.Render(buf, name, data, c); err != nil {
		return err
	}
	// HTMLBlob has written the page when it returns: the buffer may go back.
	return c.HTMLBlob(code, buf.Bytes())
}

// staticFiles serves the embedded assets under /static/, with URLs that carry
// a content hash so browsers may cache them for good.
type staticFiles struct {
	fsys   fs.FS
	hashes map[string]string
	// gzipped holds the text assets compressed once at start (compress.go).
	gzipped map[string]gzipAsset
	// compressions counts precompress runs, so tests can see none happen per request.
	compressions atomic.Int64
}

func newStaticFiles(fsys fs.FS) (*staticFiles, error) {
	s := &staticFiles{fsys: fsys, hashes: map[string]string{}, gzipped: map[string]gzipAsset{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		s.hashes[p] = hex.EncodeToString(sum[:5])
		if gz, ok := s.precompress(p, b); ok {
			s.gzipped[p] = gz
		}
		return nil
	})
	return s, err
}

func (s *staticFiles) url(name string) (string, error) {
	h, ok := s.hashes[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return "/static/" + name + "?v=" + h, nil
}

// pngData lets a generated PNG (a QR code) through as a data: URL; anything
// else becomes an inert URL.
func pngData(s string) template.URL {
	if strings.HasPrefix(s, "data:image/png;base64,") && !strings.ContainsAny(s, "\"'<> ") {
		return template.URL(s)
	}
	return "about:invalid"
}

var providerNames = map[string]string{"github": "GitHub", "google": "Google", "gitlab": "GitLab", "okta": "Okta"}

func humanSize(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// capitalize upper-cases the first letter, for words such as "approved".
func capitalize(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

// flashFor is the page's one-line message: that the form holds again what
// the member typed before their session ended, else the pending flash.
func flashFor(c echo.Context) string {
	if kit.Held(c) != nil {
		kit.TakeFlash(c) // the login's message said so already; this says it is done
		return "What you typed before your session ended is back in the form. Check it, then send it."
	}
	return kit.TakeFlash(c)
}

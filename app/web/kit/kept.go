package kit

import (
	"crypto/rand"
	"encoding/hex"
	"html/template"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
)

// Kept keeps rendered partials, each under a key that holds everything the
// partial shows, so that a busy page renders a repeated part (a reply, a row
// of a list) once per version rather than once per request: every action of
// html/template is a reflected call, and a reply holds thirty of them.
//
// A kept partial may have holes for what differs per request but is already
// safe HTML, such as the form token or a post's sanitised body (kept once
// per post rather than once per variant). The partial is rendered with a
// placeholder in each hole; the placeholder is random per process, so text a
// member wrote cannot contain it, and plain letters and digits, so every
// escaper leaves it as it is.
type Kept struct {
	mu    sync.Mutex
	parts map[string][]keptPart
	limit int
}

// keptPart is literal text followed by hole number hole (-1: none).
type keptPart struct {
	text string
	hole int
}

var holePrefix = func() string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic("kit: no randomness for the kept partials' placeholders: " + err.Error())
	}
	return "kept" + hex.EncodeToString(b) + "h"
}()

// Hole is the placeholder for hole n, to put in a kept partial's data where
// the nth fill value goes.
func Hole(n int) string { return holePrefix + strconv.Itoa(n) + "x" }

// NewKept keeps up to limit partials; past it, it starts afresh, which bounds
// the memory without bookkeeping per entry.
func NewKept(limit int) *Kept { return &Kept{limit: limit} }

// Render returns partial name for key: rendered with data() the first time,
// kept afterwards, with fill[n] in hole n. Each fill value must be safe HTML
// where its hole sits: html/template escaped the placeholder, not the value.
// The key must change whenever the data would render differently.
func (k *Kept) Render(c echo.Context, name, key string, data func() any, fill ...template.HTML) (template.HTML, error) {
	return k.Keep(key, func() (template.HTML, error) { return Fragment(c, name, data()) }, fill...)
}

// Keep is Render for HTML made by render, which must be html/template's.
func (k *Kept) Keep(key string, render func() (template.HTML, error), fill ...template.HTML) (template.HTML, error) {
	k.mu.Lock()
	parts, ok := k.parts[key]
	k.mu.Unlock()
	if !ok {
		html, err := render()
		if err != nil {
			return "", err
		}
		parts = splitHoles(string(html))
		k.mu.Lock()
		if k.parts == nil || len(k.parts) >= k.limit {
			k.parts = make(map[string][]keptPart, k.limit/4)
		}
		k.parts[key] = parts
		k.mu.Unlock()
	}
	if len(parts) == 1 && parts[0].hole < 0 {
		return template.HTML(parts[0].text), nil
	}
	n := 0
	for _, p := range parts {
		n += len(p.text)
		if p.hole >= 0 && p.hole < len(fill) {
			n += len(fill[p.hole])
		}
	}
	var b strings.Builder
	b.Grow(n)
	for _, p := range parts {
		b.WriteString(p.text)
		if p.hole >= 0 && p.hole < len(fill) {
			b.WriteString(string(fill[p.hole]))
		}
	}
	return template.HTML(b.String()), nil
}

// splitHoles cuts rendered HTML at its placeholders.
func splitHoles(html string) []keptPart {
	var parts []keptPart
	for {
		i := strings.Index(html, holePrefix)
		if i < 0 {
			return append(parts, keptPart{text: html, hole: -1})
		}
		rest := html[i+len(holePrefix):]
		j := strings.IndexByte(rest, 'x')
		n, err := strconv.Atoi(rest[:max(j, 0)])
		if j < 0 || err != nil {
			// Not a placeholder of ours after all: keep the text as it is.
			parts = append(parts, keptPart{text: html[:i+len(holePrefix)], hole: -1})
			html = rest
			continue
		}
		parts = append(parts, keptPart{text: html[:i], hole: n})
		html = rest[j+1:]
	}
}

// Key joins the parts of a kept partial's key.
func Key(parts ...string) string { return strings.Join(parts, "\x00") }

// FormToken is the request's masked CSRF token for a form's _csrf field, the
// one the page's layout uses too.
func FormToken(c echo.Context) string { s, _ := c.Get(formTokenKey).(string); return s }

// SetFormToken records the request's masked CSRF token (the web layer's
// CSRF check does).
func SetFormToken(c echo.Context, token string) { c.Set(formTokenKey, token) }

const formTokenKey = "curbside.formtoken"

// Concat joins rendered parts into one, so a page prints a whole list in
// one template action.
func Concat(parts []template.HTML) template.HTML {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	var b strings.Builder
	b.Grow(n)
	for _, p := range parts {
		b.WriteString(string(p))
	}
	return template.HTML(b.String())
}

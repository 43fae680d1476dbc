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
	kept  map[string][]keptPart
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
	parts, err := k.parts(key, render)
	if err != nil {
		return "", err
	}
	if len(parts) == 1 && parts[0].hole < 0 {
		return template.HTML(parts[0].text), nil
	}
	var b strings.Builder
	b.Grow(filledLen(parts, fill))
	writeFilled(&b, parts, fill)
	return template.HTML(b.String()), nil
}

// RenderTo is Render writing to b, for a list rendered item by item into
// one piece of HTML.
func (k *Kept) RenderTo(b *strings.Builder, c echo.Context, name, key string, data func() any, fill ...template.HTML) error {
	parts, err := k.parts(key, func() (template.HTML, error) { return Fragment(c, name, data()) })
	if err != nil {
		return err
	}
	writeFilled(b, parts, fill)
	return nil
}

// parts returns the kept parts for key, rendering and keeping them first if need be.
func (k *Kept) parts(key string, render func() (template.HTML, error)) ([]keptPart, error) {
	k.mu.Lock()
	parts, ok := k.kept[key]
	k.mu.Unlock()
	if ok {
		return parts, nil
	}
	html, err := render()
	if err != nil {
		return nil, err
	}
	parts = splitHoles(string(html))
	k.mu.Lock()
	if k.kept == nil || len(k.kept) >= k.limit {
		k.kept = make(map[string][]keptPart, k.limit/4)
	}
	k.kept[key] = parts
	k.mu.Unlock()
	return parts, nil
}

func filledLen(parts []keptPart, fill []template.HTML) int {
	n := 0
	for _, p := range parts {
		n += len(p.text)
		if p.hole >= 0 && p.hole < len(fill) {
			n += len(fill[p.hole])
		}
	}
	return n
}

func writeFilled(b *strings.Builder, parts []keptPart, fill []template.HTML) {
	for _, p := range parts {
		b.WriteString(p.text)
		if p.hole >= 0 && p.hole < len(fill) {
			b.WriteString(string(fill[p.hole]))
		}
	}
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

// KeyBuilder builds a kept partial's key part by part, reused across the
// items of a list without a string per part.
type KeyBuilder struct{ b []byte }

// Reset empties the key for the next item.
func (k *KeyBuilder) Reset() *KeyBuilder { k.b = k.b[:0]; return k }

// Str adds a string part.
func (k *KeyBuilder) Str(parts ...string) *KeyBuilder {
	for _, s := range parts {
		k.b = append(append(k.b, s...), 0)
	}
	return k
}

// Int adds number parts.
func (k *KeyBuilder) Int(ns ...int64) *KeyBuilder {
	for _, n := range ns {
		k.b = append(strconv.AppendInt(k.b, n, 10), 0)
	}
	return k
}

// Bool adds yes/no parts, one byte each.
func (k *KeyBuilder) Bool(vs ...bool) *KeyBuilder {
	for _, v := range vs {
		c := byte('0')
		if v {
			c = '1'
		}
		k.b = append(k.b, c)
	}
	k.b = append(k.b, 0)
	return k
}

// String is the key.
func (k *KeyBuilder) String() string { return string(k.b) }

// FormToken is the request's masked CSRF token for a form's _csrf field, the
// one the page's layout uses too.
func FormToken(c echo.Context) string { s, _ := c.Get(formTokenKey).(string); return s }

// SetFormToken records the request's masked CSRF token (the web layer's
// CSRF check does).
func SetFormToken(c echo.Context, token string) { c.Set(formTokenKey, token) }

const formTokenKey = "curbside.formtoken"

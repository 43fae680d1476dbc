package kit

import (
	"html/template"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// partials renders fragments the way the site's renderer does.
type partials struct{ t *template.Template }

func (p partials) RenderFragment(name string, data any) (template.HTML, error) {
	var b strings.Builder
	err := p.t.ExecuteTemplate(&b, name, data)
	return template.HTML(b.String()), err
}

func (p partials) Render(io.Writer, string, any, echo.Context) error { return nil }

func keptContext(t *testing.T) echo.Context {
	t.Helper()
	e := echo.New()
	e.Renderer = partials{template.Must(template.New("").Parse(
		`{{define "item"}}<p title="{{.Title}}">{{.Text}}</p><form><input name="_csrf" value="{{.Token}}"></form>{{.Body}}{{end}}`))}
	return e.NewContext(httptest.NewRequest("GET", "/", nil), httptest.NewRecorder())
}

type item struct {
	Title, Text, Token string
	Body               template.HTML
}

func TestKeptRendersOncePerKeyAndFillsHoles(t *testing.T) {
	c := keptContext(t)
	k := NewKept(10)
	renders := 0
	data := func(text string) func() any {
		return func() any {
			renders++
			return item{Title: `"quoted" & <b>`, Text: text, Token: Hole(0), Body: template.HTML(Hole(1))}
		}
	}
	first, err := k.Render(c, "item", "a", data("<script>x</script>"), "tok1", "<em>one</em>")
	if err != nil {
		t.Fatal(err)
	}
	want := `<p title="&#34;quoted&#34; &amp; &lt;b&gt;">&lt;script&gt;x&lt;/script&gt;</p><form><input name="_csrf" value="tok1"></form><em>one</em>`
	if string(first) != want {
		t.Fatalf("first render:\n got %s\nwant %s", first, want)
	}
	second, _ := k.Render(c, "item", "a", data("ignored: the key is kept"), "tok2", "<em>two</em>")
	if renders != 1 || !strings.Contains(string(second), `value="tok2"`) || !strings.HasSuffix(string(second), "<em>two</em>") ||
		!strings.Contains(string(second), "&lt;script&gt;") {
		t.Fatalf("a kept key rendered %d times; second: %s", renders, second)
	}
	if _, err := k.Render(c, "item", "b", data("b"), "t", ""); err != nil || renders != 2 {
		t.Fatalf("a new key rendered %d times (%v), want 2", renders, err)
	}
}

// Text a member wrote cannot open a hole: placeholders are random per
// process, and look-alikes stay text.
func TestKeptPlaceholdersCannotBeForged(t *testing.T) {
	c := keptContext(t)
	k := NewKept(10)
	forged := "kept000000000000000000000000h0x and kepth1x"
	got, err := k.Render(c, "item", "f", func() any { return item{Text: forged, Token: Hole(0)} }, "SECRET")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(got), forged) || strings.Count(string(got), "SECRET") != 1 {
		t.Fatalf("a look-alike placeholder was filled: %s", got)
	}
	if !strings.HasPrefix(Hole(0), "kept") || len(Hole(0)) < 28 || Hole(0) == Hole(1) {
		t.Fatalf("placeholders %q and %q", Hole(0), Hole(1))
	}
}

func TestKeptStartsAfreshPastItsLimit(t *testing.T) {
	c := keptContext(t)
	k := NewKept(2)
	renders := 0
	render := func(key string) {
		if _, err := k.Render(c, "item", key, func() any { renders++; return item{} }); err != nil {
			t.Fatal(err)
		}
	}
	for _, key := range []string{"a", "b", "a", "b"} {
		render(key)
	}
	if renders != 2 {
		t.Fatalf("%d renders for two keys, want 2", renders)
	}
	render("c") // past the limit: the map starts afresh with c
	render("a")
	if renders != 4 || len(k.kept) != 2 {
		t.Fatalf("%d renders and %d kept past the limit, want 4 and 2", renders, len(k.kept))
	}
}

package markdown

import (
	"regexp"
	"slices"
	"testing"
	"time"
)

var handlePattern = regexp.MustCompile(`^[a-z0-9_-]{1,40}$`)

func FuzzRenderIsInert(f *testing.F) {
	for _, s := range hostileInputs {
		f.Add(s)
	}
	f.Add(casePost)
	f.Add("@ana [@bob](/x) `@carl` ana@clinic.org ![a](/s.png) ![b](https://e/p.png)")
	f.Fuzz(func(t *testing.T, in string) {
		start := time.Now()
		r := Render(in)
		// Fuzz inputs are a few KB at most; a second means super-linear work.
		if d := time.Since(start); d > time.Second {
			t.Fatalf("Render(%q) took %v", in, d)
		}
		if err := checkInert(r.HTML); err != nil {
			t.Fatalf("Render(%q) = %q: %v", in, r.HTML, err)
		}
		if again := Render(in); again.HTML != r.HTML || !slices.Equal(again.Mentions, r.Mentions) {
			t.Fatalf("Render(%q) is not deterministic", in)
		}
		if m := Mentions(in); !slices.Equal(m, r.Mentions) {
			t.Fatalf("Mentions(%q) = %q, Render gave %q", in, m, r.Mentions)
		}
		for _, h := range r.Mentions {
			if !handlePattern.MatchString(h) {
				t.Fatalf("Render(%q) reported malformed handle %q", in, h)
			}
		}
	})
}

package markdown

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// pathologicalInputs are ~100 KB inputs aimed at known quadratic paths in
// Markdown parsers (after cmark's pathological_tests.py) and at the ones
// found in goldmark while writing this package.
func pathologicalInputs() map[string]string {
	const n = 100 << 10
	lines := func(f func(i int) string) string {
		var b strings.Builder
		for i := 0; b.Len() < n; i++ {
			b.WriteString(f(i))
		}
		return b.String()
	}
	return map[string]string{
		"nested quotes":             strings.Repeat(">", n),
		"spaced nested quotes":      strings.Repeat("> ", n/2) + "a",
		"open brackets":             strings.Repeat("[", n),
		"nested brackets":           strings.Repeat("[", n/2) + "a" + strings.Repeat("]", n/2),
		"unclosed destinations":     strings.Repeat("[a](", n/4),
		"unclosed angle links":      strings.Repeat("[a](<b", n/6),
		"unclosed links":            strings.Repeat("[a](b", n/5),
		"paren links":               strings.Repeat("[ (](", n/5),
		"link closers":              strings.Repeat("a]", n/2),
		"link openers":              strings.Repeat("[a", n/2),
		"image openers":             strings.Repeat("![", n/2),
		"mixed emphasis":            strings.Repeat("*a_", n/3),
		"mismatched emphasis":       strings.Repeat("*a_ ", n/4),
		"emphasis openers":          strings.Repeat("_a ", n/3),
		"emphasis closers":          strings.Repeat("a_ ", n/3),
		"nested strong emphasis":    strings.Repeat("*a **a ", n/14) + "b" + strings.Repeat(" a** a*", n/14),
		"nested emphasis":           strings.Repeat("*a ", n/6) + strings.Repeat(" a*", n/6),
		"multiple of three":         "a**b" + strings.Repeat("c* ", n/3),
		"link openers emph closers": strings.Repeat("[ a_", n/4),
		"one underscore run":        strings.Repeat("_", n/2) + "a" + strings.Repeat("_", n/2),
		"one tilde run":             strings.Repeat("~", n),
		"nested strikethrough":      strings.Repeat("~~a ", n/8) + strings.Repeat(" a~~", n/8),
		"backtick runs":             lines(func(i int) string { return "e" + strings.Repeat("`", i+1) }),
		"nested lists":              lines(func(i int) string { return strings.Repeat("  ", i) + "* a\n" }),
		"inline nested lists":       strings.Repeat("- ", n/2),
		"quoted lists":              strings.Repeat("> - ", n/4),
		"lazy continuation":         "> a\n" + strings.Repeat("b\n", n/2),
		"unclosed comments":         "</" + strings.Repeat("<!--", n/4),
		"html block openers":        strings.Repeat("<div ", n/5),
		"autolink openers":          strings.Repeat("<a:", n/3),
		"reference definitions":     strings.Repeat("[a]: ", n/5),
		"many references":           lines(func(i int) string { return fmt.Sprintf("[%d]: /u\n", i) })[:n/2] + "\n\n" + strings.Repeat("[0] ", n/8),
		"wide table short rows":     "|" + strings.Repeat("a|", 1000) + "\n|" + strings.Repeat("-|", 1000) + "\n" + strings.Repeat("|\n", n/2),
		"escaped pipes in tables":   strings.Repeat("|`\\|`|\n|-|\n\n", n/12),
		"www autolinks":             strings.Repeat(" www.a", n/6),
		"mentions":                  strings.Repeat("@a ", n/3),
		"at signs":                  strings.Repeat("@", n),
		"over-long handles":         strings.Repeat("@"+strings.Repeat("a", 50)+" ", n/52),
	}
}

func TestPathologicalInputFinishes(t *testing.T) {
	t.Parallel()
	// Calibrate on ordinary text of the same size so the bound holds under
	// -race and on slow machines; the quadratic cases this guards against
	// took thousands of times longer.
	ordinary := strings.Repeat(casePost, (100<<10)/len(casePost))
	start := time.Now()
	Render(ordinary)
	limit := max(50*time.Since(start), time.Second)

	for name, in := range pathologicalInputs() {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			out := Render(in)
			if d := time.Since(start); d > limit {
				t.Errorf("Render took %v, limit %v", d, limit)
			}
			if err := checkInert(out.HTML); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestLimitsDegradeToText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		check    func(out string) bool
	}{
		{"quotes capped", strings.Repeat(">", 100), func(out string) bool {
			return strings.Count(out, "<blockquote>") == maxContainerDepth
		}},
		{"small table kept", "|a|b|\n|-|-|\n|1|2|", func(out string) bool {
			return strings.Contains(out, "<table>")
		}},
		{"huge table left as text", "|" + strings.Repeat("a|", 200) + "\n|" + strings.Repeat("-|", 200) + "\n" + strings.Repeat("|\n", 100),
			func(out string) bool { return !strings.Contains(out, "<table>") }},
		{"long delimiter run literal", strings.Repeat("*", maxDelimiters+1) + "a" + strings.Repeat("*", maxDelimiters+1),
			func(out string) bool { return !strings.Contains(out, "<em>") && !strings.Contains(out, "<strong>") }},
		{"emphasis after budget literal", strings.Repeat("*a* ", maxDelimiters/2) + "*b*", func(out string) bool {
			return strings.Count(out, "<em>") == maxDelimiters/2 && strings.Contains(out, "*b*")
		}},
		{"budget is per block", strings.Repeat("*a* ", maxDelimiters/2) + "\n\n*b*", func(out string) bool {
			return strings.Contains(out, "<em>b</em>")
		}},
		{"inline links after budget literal", strings.Repeat("[a](/x) ", maxInlineLinks) + "[b](/y)", func(out string) bool {
			return strings.Count(out, "<a ") == maxInlineLinks && strings.Contains(out, "[b](/y)")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := Render(tt.in).HTML
			if !tt.check(out) {
				t.Errorf("Render(%.60q...) = %.400q", tt.in, out)
			}
		})
	}
}

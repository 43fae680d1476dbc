package markdown

import (
	"strings"
	"testing"
)

func TestRenderMarkdown(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"paragraphs", "one\n\ntwo", "<p>one</p>\n<p>two</p>\n"},
		{"soft break kept", "one\ntwo", "<p>one\ntwo</p>\n"},
		{"emphasis", "*em* **strong**", "<p><em>em</em> <strong>strong</strong></p>\n"},
		{"strikethrough", "~~gone~~", "<p><del>gone</del></p>\n"},
		{"heading", "## Exam", "<h2>Exam</h2>\n"},
		{"bullet list", "- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"},
		{"ordered list start", "3. a\n4. b", "<ol start=\"3\">\n<li>a</li>\n<li>b</li>\n</ol>\n"},
		{"code span", "`x < 1`", "<p><code>x &lt; 1</code></p>\n"},
		{"fenced code drops class", "```go\nx := 1\n```", "<pre><code>x := 1\n</code></pre>\n"},
		{"blockquote", "> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>\n"},
		{"rule", "a\n\n---", "<p>a</p>\n<hr>\n"},
		{
			"table", "| Lab | Value |\n|:--|--:|\n| Na | 131 |",
			"<table>\n<thead>\n<tr>\n<th align=\"left\">Lab</th>\n<th align=\"right\">Value</th>\n</tr>\n</thead>\n" +
				"<tbody>\n<tr>\n<td align=\"left\">Na</td>\n<td align=\"right\">131</td>\n</tr>\n</tbody>\n</table>\n",
		},
		{
			"autolink", "see https://example.org/x.",
			`<p>see <a href="https://example.org/x" rel="nofollow noopener noreferrer">https://example.org/x</a>.</p>` + "\n",
		},
		{
			"www autolink", "www.example.org",
			`<p><a href="http://www.example.org" rel="nofollow noopener noreferrer">www.example.org</a></p>` + "\n",
		},
		{
			"email autolink", "ana@clinic.org",
			`<p><a href="mailto:ana@clinic.org" rel="nofollow noopener noreferrer">ana@clinic.org</a></p>` + "\n",
		},
		{
			"inline link", `[guideline](https://example.org/g "NICE")`,
			`<p><a href="https://example.org/g" title="NICE" rel="nofollow noopener noreferrer">guideline</a></p>` + "\n",
		},
		{
			"site link", "[case](/cases/12)",
			`<p><a href="/cases/12" rel="nofollow noopener noreferrer">case</a></p>` + "\n",
		},
		{"site image kept", "![ECG](/static/x.png)", `<p><img src="/static/x.png" alt="ECG"></p>` + "\n"},
		{"external image dropped", "![ECG](https://example.org/x.png)", "<p>ECG</p>\n"},
		{"protocol-relative image dropped", "![ECG](//example.org/x.png)", "<p>ECG</p>\n"},
		{"relative image dropped", "![ECG](x.png)", "<p>ECG</p>\n"},
		{"entities", "5 &lt; 6 &amp; AT&T", "<p>5 &lt; 6 &amp; AT&amp;T</p>\n"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Render(tt.in).HTML; got != tt.want {
				t.Errorf("Render(%q).HTML =\n%q\nwant\n%q", tt.in, got, tt.want)
			}
		})
	}
}

func TestEveryLinkHasRel(t *testing.T) {
	t.Parallel()
	tests := []string{
		"[a](https://example.org) <https://example.org> https://example.org",
		"ana@clinic.org [m](mailto:ana@clinic.org) @ana [s](/x)",
		"[r]\n\n[r]: https://example.org",
	}
	for _, in := range tests {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			out := Render(in).HTML
			if n, m := strings.Count(out, "<a "), strings.Count(out, ` rel="`+linkRel+`"`); n == 0 || n != m {
				t.Errorf("Render(%q) = %q: %d links, %d with rel", in, out, n, m)
			}
			if err := checkInert(out); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestRenderIsDeterministic(t *testing.T) {
	t.Parallel()
	first := Render(casePost)
	for range 20 {
		if got := Render(casePost); got.HTML != first.HTML || strings.Join(got.Mentions, ",") != strings.Join(first.Mentions, ",") {
			t.Fatal("Render output differs between runs")
		}
	}
}

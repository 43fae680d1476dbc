package markdown

import (
	"slices"
	"strings"
	"testing"
)

func TestMentions(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", maxHandleLen)
	tests := []struct {
		name, in string
		want     []string
	}{
		{"simple", "ask @ana", []string{"ana"}},
		{"start of text", "@ana please", []string{"ana"}},
		{"case folded and deduplicated", "@Ana @bob @ANA @Bob", []string{"ana", "bob"}},
		{"order of first appearance", "@zed then @amy then @zed", []string{"zed", "amy"}},
		{"punctuation around", "(@ana), @bob. @carl: @dee!", []string{"ana", "bob", "carl", "dee"}},
		{"digits dash underscore", "@dr_li-2 x", []string{"dr_li-2"}},
		{"in emphasis and lists", "- **@ana**\n- *@bob*", []string{"ana", "bob"}},
		{"in blockquote", "> @ana said", []string{"ana"}},
		{"in table", "| who |\n|---|\n| @ana |", []string{"ana"}},
		{"max length", "@" + long, []string{long}},
		{"too long", "@" + long + "a", nil},
		{"email", "mail ana@clinic.org", nil},
		{"email without tld", "ana@clinic", nil},
		{"after dot dash underscore", "x.@ana x-@ana x_@ana", nil},
		{"double at", "@@ana", nil},
		{"fediverse address", "@ana@clinic.org", nil},
		{"unicode letter before", "é@ana", nil},
		{"runs into unicode letter", "@josé", nil},
		{"bare at", "@ alone", nil},
		{"code span", "`@ana`", nil},
		{"fenced code", "```\n@ana\n```", nil},
		{"indented code", "    @ana", nil},
		{"link text", "[@ana](/x)", nil},
		{"link url", "[x](/u/@ana) <https://x.org/@ana> https://x.org/@ana", nil},
		{"image alt", "![@ana](/static/x.png)", nil},
		{"raw html", `<span title="@ana">`, nil},
		{"escaped", `\@ana`, nil},
		{"brackets without link", "[@ana] hi", []string{"ana"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := Render(tt.in)
			if !slices.Equal(r.Mentions, tt.want) {
				t.Errorf("Render(%q).Mentions = %q, want %q", tt.in, r.Mentions, tt.want)
			}
			if got := Mentions(tt.in); !slices.Equal(got, r.Mentions) {
				t.Errorf("Mentions(%q) = %q, Render gave %q", tt.in, got, r.Mentions)
			}
			if got := strings.Count(r.HTML, `class="mention"`); got < len(tt.want) || (len(tt.want) == 0 && got != 0) {
				t.Errorf("Render(%q).HTML = %q: %d mention links for %q", tt.in, r.HTML, got, tt.want)
			}
		})
	}
}

func TestMentionMarkup(t *testing.T) {
	t.Parallel()
	got := Render("thanks @Ana_K").HTML
	want := `<p>thanks <a href="/u/ana_k" class="mention" rel="nofollow noopener noreferrer">@Ana_K</a></p>` + "\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

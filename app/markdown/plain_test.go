package markdown

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// A plain line renders exactly as the parser and the sanitiser would render
// it: tried on lines built from the plain alphabet and from pieces that
// come close to Markdown (list markers, addresses, entities, breaks).
func TestPlainLinesRenderAsTheParserWould(t *testing.T) {
	pieces := []string{"a", "Z", "q", "7", "1.", "2)", " ", "  ", ",", ".", ";", ":", "?", "'", "-", "--", "---",
		"www.", "WWW.", "http", "https://x.org", "HTTP:", "x.com", "@ana", "#", "*", "_", "~", "`", "<", ">", "&",
		"&amp;", "\"", "!", "[", "]", "(", ")", "|", "=", "\\", "\n", "\t", "é", "mailto:", "ftp:", "e"}
	rng := rand.New(rand.NewPCG(1, 2))
	plain := 0
	check := func(src string) {
		t.Helper()
		if !plainLine(src) {
			return
		}
		plain++
		fast, slow := renderPlain(src), renderParsed(src)
		if fast.HTML != slow.HTML || !slices.Equal(fast.Mentions, slow.Mentions) {
			t.Fatalf("%q: plain gives %q %q, the parser %q %q", src, fast.HTML, fast.Mentions, slow.HTML, slow.Mentions)
		}
	}
	for _, s := range []string{"Bench message: how would you work up new atrial fibrillation in a marathon runner?",
		"Thanks, that's helpful - I'll order an echo.", "Seen at 10.30; BP fine", "a", "ok 1. then 2. then"} {
		if !plainLine(s) {
			t.Fatalf("%q is not taken for a plain line", s)
		}
		check(s)
	}
	plainPieces := pieces[:17] // up to "---": the plain alphabet, to reach long plain lines
	for i := range 200000 {
		from := pieces
		if i%2 == 0 {
			from = plainPieces
		}
		src := ""
		for range 1 + rng.IntN(12) {
			src += from[rng.IntN(len(from))]
		}
		check(src)
	}
	if plain < 10000 {
		t.Fatalf("only %d of the generated lines were plain: the test tries too little", plain)
	}
	for _, s := range []string{"1. list", "- item", "# Heading", " leading space", "trailing ", "see www.x.org",
		"HTTPS now", "@ana hi", "a *b*", "two\nlines", "x & y"} {
		if plainLine(s) {
			t.Errorf("%q is taken for a plain line", s)
		}
	}
}

package markdown

import (
	"html"
	"strings"
)

// Most chat messages and many replies are a line of plain prose. Such a line
// is a paragraph of its own text, whatever the parser: writing it directly
// skips goldmark and bluemonday, the greater part of a short message's cost.
// plainLine is deliberately narrow; outside it, the parser decides.

// plainLine reports whether src is one line that Markdown renders as a
// paragraph of exactly its text: it starts with a letter (no block starts
// so), ends with no space (a paragraph drops trailing spaces), holds only
// letters, digits, spaces and punctuation that no inline rule uses, and
// nothing linkify would take for an address.
func plainLine(src string) bool {
	if src == "" || !isLetter(src[0]) || src[len(src)-1] == ' ' {
		return false
	}
	for i := 0; i < len(src); i++ {
		if c := src[i]; !isLetter(c) && !isDigit(c) && !strings.ContainsRune(plainPunctuation, rune(c)) {
			return false
		}
	}
	lower := strings.ToLower(src)
	return !strings.Contains(lower, "www.") && !strings.Contains(lower, "http")
}

// plainPunctuation are the characters besides letters and digits that a
// plain line may hold.
const plainPunctuation = " ,.;:?'-"

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// renderPlain is Render's result for a plain line.
func renderPlain(src string) Result {
	return Result{HTML: "<p>" + html.EscapeString(src) + "</p>\n"}
}

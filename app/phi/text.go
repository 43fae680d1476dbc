package phi

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Byte classes. Bytes of multi-byte UTF-8 sequences count as word bytes, so a
// word such as "José" is never split into "Jos" and a new word.

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isUpper(c byte) bool  { return 'A' <= c && c <= 'Z' }
func isLower(c byte) bool  { return 'a' <= c && c <= 'z' }
func isLetter(c byte) bool { return isUpper(c) || isLower(c) }
func isHex(c byte) bool    { return isDigit(c) || 'a' <= c|0x20 && c|0x20 <= 'f' }

func isWordByte(c byte) bool {
	return isLetter(c) || isDigit(c) || c == '_' || c >= utf8.RuneSelf
}

// inWord reports whether i is inside a word: whether the character before it
// is a letter, a digit or an underscore. Non-ASCII characters are decoded, so
// that "José" is one word but a dash or a curly quote still ends one.
func (s *scanner) inWord(i int) bool {
	if i == 0 {
		return false
	}
	if c := s.text[i-1]; c < utf8.RuneSelf {
		return isWordByte(c)
	}
	r, _ := utf8.DecodeLastRuneInString(s.text[:i])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// wordCharAt reports whether a letter, digit or underscore starts at i.
func (s *scanner) wordCharAt(i int) bool {
	if i >= len(s.text) {
		return false
	}
	if c := s.text[i]; c < utf8.RuneSelf {
		return isWordByte(c)
	}
	r, _ := utf8.DecodeRuneInString(s.text[i:])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// joinsNumber reports whether a digit at i continues a token rather than
// starting a number of its own.
func (s *scanner) joinsNumber(i int) bool {
	if i == 0 {
		return false
	}
	c := s.text[i-1]
	return c == '.' || c == '/' || c == ',' || c == '-' || s.inWord(i)
}

func isHexWord(w string) bool {
	for i := 0; i < len(w); i++ {
		if !isHex(w[i]) {
			return false
		}
	}
	return true
}

// window returns the text from i, about n bytes long, extended to the end of
// the word it would cut, so that anchored patterns see whole words.
func (s *scanner) window(i, n int) string {
	end := i + n
	if end >= len(s.text) {
		return s.text[i:]
	}
	for lim := end + 32; end < len(s.text) && end < lim && isWordByte(s.text[end]); end++ {
	}
	return s.text[i:end]
}

// before returns up to n bytes of text ending at i.
func (s *scanner) before(i, n int) string {
	return s.text[max(0, i-n):i]
}

// wordBefore returns the lower-cased word that ends just before i, skipping
// blanks and a colon; "" when punctuation or the start of text comes first.
func (s *scanner) wordBefore(i int) string {
	t := s.text
	j := i
	for j > 0 && (t[j-1] == ' ' || t[j-1] == '\t' || t[j-1] == ':') {
		j--
	}
	k := j
	for k > 0 && isLetter(t[k-1]) && j-k < 32 {
		k--
	}
	return strings.ToLower(t[k:j])
}

// wordAfter returns the lower-cased word that starts after the blanks at i;
// "" when something other than a letter comes first.
func (s *scanner) wordAfter(i int) string {
	t := s.text
	for i < len(t) && (t[i] == ' ' || t[i] == '\t') {
		i++
	}
	j := i
	for j < len(t) && isLetter(t[j]) && j-i < 32 {
		j++
	}
	return strings.ToLower(t[i:j])
}

// startsClause reports whether i begins the text, a line, a sentence or a
// parenthesis (with blanks and Markdown list or heading marks in between).
func (s *scanner) startsClause(i int) bool {
	for i > 0 {
		switch s.text[i-1] {
		case ' ', '\t', '*', '#', '>':
			i--
		case '\n', '.', '!', '?', ';', '(', '"', '-':
			return true
		default:
			return false
		}
	}
	return true
}

// wordsAfter returns up to n lower-cased words following i, each separated
// from the last by blanks only; it stops at any punctuation.
func (s *scanner) wordsAfter(i, n int) []string {
	t := s.text
	var out []string
	for len(out) < n {
		for i < len(t) && (t[i] == ' ' || t[i] == '\t') {
			i++
		}
		j := i
		for j < len(t) && isLetter(t[j]) && j-i < 32 {
			j++
		}
		if j == i {
			break
		}
		out = append(out, strings.ToLower(t[i:j]))
		i = j
	}
	return out
}

// skipBlanks returns the first index at or after i that is not a space or
// tab, giving up (returning -1) after more than limit blanks.
func (s *scanner) skipBlanks(i, limit int) int {
	for k := 0; i < len(s.text) && (s.text[i] == ' ' || s.text[i] == '\t'); k++ {
		if k >= limit {
			return -1
		}
		i++
	}
	return i
}

// titleWordAt returns the end of the capitalised word starting at i (a
// capital followed by at least one lower-case letter, with apostrophes and
// hyphens inside), or -1.
func (s *scanner) titleWordAt(i int) int {
	t := s.text
	if i >= len(t) {
		return -1
	}
	r, size := utf8.DecodeRuneInString(t[i:])
	if !unicode.IsUpper(r) {
		return -1
	}
	j, lower := i+size, false
	for j < len(t) && j-i < 40 {
		r, size = utf8.DecodeRuneInString(t[j:])
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsLetter(r):
		case (r == '\'' || r == '’' || r == '-') && j+size < len(t) && isLetterRune(t[j+size:]):
		default:
			if !lower {
				return -1
			}
			return j
		}
		j += size
	}
	if !lower {
		return -1
	}
	return j
}

func isLetterRune(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r)
}

// trimPossessive drops a trailing "'s" from text[i:j].
func (s *scanner) trimPossessive(i, j int) int {
	w := s.text[i:j]
	for _, suf := range []string{"'s", "’s", "'S"} {
		if strings.HasSuffix(w, suf) && len(w) > len(suf)+1 {
			return j - len(suf)
		}
	}
	return j
}

// words splits a space-separated list; used for the word tables.
func words(list string) []string { return strings.Fields(list) }

// set builds a lookup table from a space-separated list.
func set(list string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(list) {
		m[w] = true
	}
	return m
}

// phrases builds a lookup table from a space-separated list in which an
// underscore stands for a space inside a phrase ("New_York").
func phrases(list string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(list) {
		m[strings.ReplaceAll(w, "_", " ")] = true
	}
	return m
}

func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			n++
		}
	}
	return n
}

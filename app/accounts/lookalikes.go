package accounts

import (
	"strings"
	"unicode"
)

// Names and addresses are how members and moderators tell accounts apart,
// so characters that change how text looks without showing themselves
// (bidi overrides, zero-width joiners) and addresses that mix alphabets to
// pass for another (a Cyrillic "а" in "аlice@") are refused.

// invisible reports whether r is a control or format character: it shows
// nothing itself, or reorders or joins what is around it.
func invisible(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }

// dropInvisible removes such characters, for names that come from a
// provider rather than from a form the member can correct.
func dropInvisible(s string) string {
	return strings.Join(strings.FieldsFunc(s, invisible), " ")
}

// alphabets sort an address's letters: each table with the alphabet it
// counts for. Japanese mixes kanji and kana by nature, so they count as
// one; a letter of no listed table counts as one more alphabet.
var alphabets = []struct {
	table    *unicode.RangeTable
	alphabet int
}{
	{unicode.Latin, 0}, {unicode.Cyrillic, 1}, {unicode.Greek, 2}, {unicode.Armenian, 3}, {unicode.Hebrew, 4},
	{unicode.Arabic, 5}, {unicode.Devanagari, 6}, {unicode.Han, 7}, {unicode.Hiragana, 7}, {unicode.Katakana, 7},
	{unicode.Hangul, 8}, {unicode.Thai, 9},
}

func alphabetOf(r rune) int {
	for _, a := range alphabets {
		if unicode.Is(a.table, r) {
			return a.alphabet
		}
	}
	return len(alphabets)
}

// mixesScripts reports whether any part of an e-mail address (the local
// part, each label of the domain) holds letters of more than one alphabet.
func mixesScripts(email string) bool {
	for _, part := range strings.FieldsFunc(email, func(r rune) bool { return r == '@' || r == '.' }) {
		seen := -1
		for _, r := range part {
			if !unicode.IsLetter(r) {
				continue
			}
			a := alphabetOf(r)
			if seen >= 0 && a != seen {
				return true
			}
			seen = a
		}
	}
	return false
}

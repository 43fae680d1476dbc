package phi

import (
	"regexp"
	"strconv"
	"strings"
)

// Ages over 89. Safe Harbor allows them only as the single group "90 or
// older", so any age from 90 up is reported, together with the words that
// make the number an age ("92-year-old", "aged 95"): the number alone would
// mean nothing to the author reading the warning.
var (
	// 92-year-old, 92 years old, 92 yrs of age
	ageYearsRe = regexp.MustCompile(`^(\d{2,3})(?:\s*-\s*|\s+)?(?:years?|yrs?|y)(?:\s*-\s*|\s+)?(?:old|of\s+age)\b`)
	// 95 yo, 90 y/o, 95yoF, 93 y.o.
	ageShortRe = regexp.MustCompile(`^(\d{2,3})\s?-?(?:y/o|y\.o\.|y\.o|yo)(?:\s?[MF])?`)
	// 92M, 101 F: only before a word that opens a case presentation
	ageSexRe = regexp.MustCompile(`^(\d{2,3})\s?([MF])(?:\s+|,\s*)(?:with|w/|presenting|presents|presented|who|admitted|from|s/p|h/o|hx|PMH|PMHx|c/o|brought|transferred)\b`)
	// her 95th birthday
	birthdayRe = regexp.MustCompile(`^(\d{2,3})(?:st|nd|rd|th)\s+birthday\b`)
	// 90s, 100s, 90's: a decade, after "his", "her", "their" and "early", "mid", "late"
	decadeRe       = regexp.MustCompile(`^(\d{2,3})'?s\b`)
	decadeBeforeRe = regexp.MustCompile(`(?i)\b(?:his|her|their|patient's|pt's)\s+(?:(?:early|mid|late)[\s-]*)?$`)
	// aged 95, age 101, age: 92, at the age of 92, turned 95
	labelledAgeRe = regexp.MustCompile(`^(?i:aged?|ages|turned|turning|turns)\s*(?:of\s+|:\s*|=\s*|-\s*)?(\d{2,3})\b(?:\s*(?:years?|yrs?|y)(?:\s+old)?\b)?`)
	// ninety-three-year-old, ninety year old, hundred and two years old
	spelledAgeRe = regexp.MustCompile(`^(?i:(?:ninety|hundred(?:\s+and)?)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine|ten))?)` +
		`[- ](?:years?|yrs?)[- ](?:old|of\s+age)\b`)
	spelledHundredRe = regexp.MustCompile(`(?i)\b(?:one|a)[- ]$`)
	// "90 or older", "90+", "90 and over" are the group Safe Harbor allows.
	groupAfterRe = regexp.MustCompile(`^\s*(?:\+|or\s+(?:older|over|above|more)|and\s+(?:older|over|above))`)
)

// overWords before an age make it the allowed open-ended group: "over 90".
var overWords = set(`over above than least beyond`)

// sexAgeOpeners are the only words "92M" or "101 F" may follow: anywhere
// else ("Tmax 101F with rigors", "T was 95 F") it is a temperature.
var sexAgeOpeners = set(`a an our this the pt patient`)

// afterName reports whether i follows a capitalised word and a comma, as
// in "Ms. Lopez, 90F, PMH ...".
func (s *scanner) afterName(i int) bool {
	j := i
	for j > 0 && s.text[j-1] == ' ' {
		j--
	}
	if j == 0 || s.text[j-1] != ',' {
		return false
	}
	k := j - 1
	for k > 0 && isLetter(s.text[k-1]) {
		k--
	}
	return k < j-1 && s.titleWordAt(k) == j-1
}

// numberAge looks for an age over 89 at the digit run text[i:j].
func (s *scanner) numberAge(i, j int) {
	n := j - i
	if n < 2 || n > 3 {
		return
	}
	age, _ := strconv.Atoi(s.text[i:j])
	if age < 90 || age > 125 || !s.ageWordFollows(j) || overWords[s.wordBefore(i)] {
		return
	}
	w := s.window(i, 32)
	end := 0
	if m := ageYearsRe.FindStringIndex(w); m != nil {
		end = m[1]
	} else if m := ageShortRe.FindStringIndex(w); m != nil && (m[1] == len(w) || !isLetter(w[m[1]])) {
		end = m[1]
	} else if m := ageSexRe.FindStringSubmatchIndex(w); m != nil && (sexAgeOpeners[s.wordBefore(i)] || s.startsClause(i) || s.afterName(i)) {
		end = m[5]
	} else if m := birthdayRe.FindStringIndex(w); m != nil {
		end = m[1]
	} else if m := decadeRe.FindStringIndex(w); m != nil && age%10 == 0 && decadeBeforeRe.MatchString(s.before(i, 24)) {
		end = m[1]
	}
	if end > 0 && !groupAfterRe.MatchString(w[end:]) {
		s.add("age", i, i+end)
	}
}

// spelledAge flags "ninety-two-year-old", "one hundred years old" and "her
// nineties" at the word "ninety", "hundred" or "nineties" text[i:j].
func (s *scanner) spelledAge(i, j int) {
	switch strings.ToLower(s.text[i:j]) {
	case "nineties":
		if decadeBeforeRe.MatchString(s.before(i, 24)) && (j == len(s.text) || s.text[j] != '-') {
			s.add("age", i, j)
		}
	case "hundred":
		// reported from the "one" or "a" before it
		b := s.before(i, 4)
		if one := spelledHundredRe.FindStringIndex(b); one != nil {
			if m := spelledAgeRe.FindStringIndex(s.window(i, 48)); m != nil {
				s.add("age", i-len(b)+one[0], i+m[1])
			}
		}
	default:
		if m := spelledAgeRe.FindStringIndex(s.window(i, 40)); m != nil && !overWords[s.wordBefore(i)] {
			s.add("age", i, i+m[1])
		}
	}
}

// ageWordFollows is a cheap test before the age patterns: after the number
// and a blank or hyphen must come "y" (year, yo, y/o), "M" or "F", an "s" or
// "'s" (90s) or "th" (100th birthday).
func (s *scanner) ageWordFollows(j int) bool {
	for k := 0; k < 2 && j < len(s.text) && (s.text[j] == ' ' || s.text[j] == '-'); k++ {
		j++
	}
	return j < len(s.text) && (strings.IndexByte("yYMFst'", s.text[j]) >= 0 || strings.HasPrefix(s.text[j:], "’"))
}

// labelledAge looks for "age 92", "aged 95" at the word "age" at i.
func (s *scanner) labelledAge(i int) {
	w := s.window(i, 32)
	if !strings.ContainsAny(w, "0123456789") {
		return
	}
	m := labelledAgeRe.FindStringSubmatchIndex(w)
	if m == nil {
		return
	}
	age, _ := strconv.Atoi(w[m[2]:m[3]])
	if age < 90 || age > 125 {
		return
	}
	rest := w[m[1]:]
	if groupAfterRe.MatchString(rest) || (len(rest) > 0 && (rest[0] == '%' || rest[0] == '.' && len(rest) > 1 && isDigit(rest[1]))) {
		return
	}
	if m[1] == m[3] && unitWords[s.wordAfter(i+m[1])] {
		return
	}
	s.add("age", i, i+m[1])
}

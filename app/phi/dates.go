package phi

import (
	"regexp"
	"strconv"
	"strings"
)

// monthAlt matches a capitalised month name or its abbreviation; the
// capital is required so that "may" the verb is not a month.
const monthAlt = `(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)`

var (
	// 3/4/2024, 03-04-24, 4.3.2024 (month and day in either order)
	numericDateRe = regexp.MustCompile(`^(\d{1,2})([/.-])(\d{1,2})([/.-])(\d{4}|\d{2})\b`)
	// 03/2024: month and year
	numericMonthRe = regexp.MustCompile(`^(\d{1,2})/((?:19|20)\d{2})\b`)
	// 3/4: a date only after a date word, see shortDate
	shortDateRe = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})\b`)
	// 2024-03-04, 2024/3/4, with an optional time of day
	isoDateRe = regexp.MustCompile(`^(?:19|20)\d{2}([-/.])(\d{1,2})([-/.])(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2})?\b|\b)`)
	// 2024-03: year and month
	isoMonthRe = regexp.MustCompile(`^(?:19|20)\d{2}-(?:0[1-9]|1[0-2])\b`)
	// 12 Jan, 3rd of March, 12 January 2024
	dayMonthRe = regexp.MustCompile(`^(\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+` + monthAlt + `\b(?:\.?,?\s+(?:19|20)\d{2}\b)?`)
	// what follows a month name: "3", "3rd", "the 3rd", "3, 2024", "2024", "'24"
	afterMonthRe = regexp.MustCompile(`^\.?,?\s+(?:the\s+)?(\d{1,2}|(?:19|20)\d{2}|'\d{2})(?:st|nd|rd|th)?\b(?:,?\s+(?:19|20)\d{2}\b)?`)
	holidayRe    = regexp.MustCompile(`^(?:Christmas\s+(?:Day|Eve)|New\s+Year(?:'s|’s|s)\s+(?:Day|Eve)|Thanksgiving(?:\s+Day)?|Halloween|Valentine(?:'s|’s|s)\s+Day|Independence\s+Day)\b`)
)

// monthNumbers maps lower-cased month names and abbreviations to months.
var monthNumbers = map[string]int{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
	"may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
	"september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}

var holidayCueWords = words(`christmas new thanksgiving halloween valentine valentines independence`)

// dateWords are the words that make a bare "3/4" a date: "on 3/4", "since 3/4",
// "DOB 3/4". dateFollowers are the words a date may be followed by; anything
// else ("on 1/2 tab", "since 2/3 of") reads as a fraction.
var (
	dateWords = set(`on since dated dob dod dos born until till from admitted discharged seen started stopped starting effective
		between before after by through thru monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thurs fri sat sun`)
	dateFollowers = set(`and with at for when he she they we i it the a an was were after but or to in showed revealed found had has then until his her their by when while`)
	// doseWords after "on 1/2 the" make the number a fraction of a dose.
	doseWords = set(`dose doses usual normal prior previous home original amount rate volume strength maintenance tab tablet`)
	// unitWords after "May 5" or "3 Mar" mean a dose or a count, not a date.
	unitWords = set(`mg mcg g kg ml l units unit u iu tab tabs tablet tablets dose doses times x days day weeks week months hours hrs h min mins cm mm beats patients pts mmol meq degrees percent`)
)

// numberDate looks for a date starting with the digit run at i.
func (s *scanner) numberDate(i, n int, next byte) {
	switch {
	case n <= 2 && (next == '/' || next == '.' || next == '-'):
		w := s.window(i, 32)
		if m := numericDateRe.FindStringSubmatchIndex(w); m != nil && w[m[4]:m[5]] == w[m[8]:m[9]] &&
			monthDay(w[m[2]:m[3]], w[m[6]:m[7]]) && (w[m[4]] != '.' || m[11]-m[10] == 4) && !continues(w, m[1]) {
			s.add("date", i, i+m[1])
			return
		}
		if next != '/' {
			return
		}
		if m := numericMonthRe.FindStringSubmatchIndex(w); m != nil && inRange(w[m[2]:m[3]], 1, 12) && !continues(w, m[1]) {
			s.add("date", i, i+m[1])
			return
		}
		s.shortDate(i, w)
	case n == 4 && (next == '-' || next == '/' || next == '.'):
		w := s.window(i, 32)
		if m := isoDateRe.FindStringSubmatchIndex(w); m != nil && w[m[2]:m[3]] == w[m[6]:m[7]] &&
			inRange(w[m[4]:m[5]], 1, 12) && inRange(w[m[8]:m[9]], 1, 31) && !continues(w, m[1]) {
			s.add("date", i, i+m[1])
		} else if m := isoMonthRe.FindStringIndex(w); m != nil && !continues(w, m[1]) {
			s.add("date", i, i+m[1])
		}
	case n <= 2 && (next == ' ' || isLower(next)) && s.monthFollows(i+n):
		w := s.window(i, 40)
		if m := dayMonthRe.FindStringSubmatchIndex(w); m != nil && inRange(w[m[2]:m[3]], 1, 31) {
			s.add("date", i, i+m[1])
		}
	}
}

// monthFollows reports whether a capitalised word (or "of") comes after the
// day at i ends, skipping an ordinal suffix: a cheap test before dayMonthRe.
func (s *scanner) monthFollows(i int) bool {
	t := s.text
	if i+2 <= len(t) && isLower(t[i]) && isLower(t[i+1]) {
		i += 2 // "3rd"
	}
	if i >= len(t) || t[i] != ' ' {
		return false
	}
	if i = s.skipBlanks(i, 4); i < 0 || i >= len(t) {
		return false
	}
	return isUpper(t[i]) || strings.HasPrefix(t[i:], "of ")
}

// shortDate accepts a two-part "m/d" only between a date word and a word
// that can follow a date, because the same shape is a fraction or a score
// almost everywhere else ("3/4 strength", "2/2 blood cultures", "5/5").
func (s *scanner) shortDate(i int, w string) {
	m := shortDateRe.FindStringSubmatchIndex(w)
	if m == nil || !inRange(w[m[2]:m[3]], 1, 12) || !inRange(w[m[4]:m[5]], 1, 31) || continues(w, m[1]) {
		return
	}
	if !dateWords[s.wordBefore(i)] {
		return
	}
	end := i + m[1]
	if end < len(s.text) && (s.text[end] == '%' || isLetter(s.text[end])) {
		return
	}
	next := s.wordsAfter(end, 3)
	if len(next) > 0 && !dateFollowers[next[0]] {
		return
	}
	// "on 1/2 the usual dose", "on 1/2 her home dose"
	if len(next) > 1 && (next[0] == "the" || next[0] == "a" || next[0] == "her" || next[0] == "his") &&
		(doseWords[next[1]] || len(next) > 2 && doseWords[next[2]]) {
		return
	}
	s.add("date", i, end)
}

// monthDate looks for a day or a year after the month name text[i:j]:
// "March 3", "Mar 3rd, 2024", "March the 3rd", "March 2024", "Mar '24".
func (s *scanner) monthDate(i, j int) {
	if month := s.text[i:j]; !isUpper(month[0]) || (isUpper(month[len(month)-1]) && len(month) < 5) || month == "MARCH" {
		return // "may" the verb, "MAR" the medication record
	}
	w := s.window(j, 24)
	if !strings.ContainsAny(w, "0123456789") {
		return
	}
	m := afterMonthRe.FindStringSubmatchIndex(w)
	if m == nil {
		return
	}
	num := s.text[j+m[2] : j+m[3]]
	switch {
	case len(num) == 4 || num[0] == '\'':
		s.add("date", i, j+m[3])
	case inRange(num, 1, 31):
		end := j + m[1]
		if end == j+m[3] && unitWords[s.wordAfter(end)] {
			return // "May 2 tabs"
		}
		if end < len(s.text) && (s.text[end] == ':' || s.text[end] == '%') {
			return
		}
		s.add("date", i, end)
	}
}

// holiday flags fixed-date holidays: "on Christmas Eve" dates an event as
// surely as "on 12/24".
func (s *scanner) holiday(i int) {
	if m := holidayRe.FindStringIndex(s.window(i, 24)); m != nil {
		s.add("date", i, i+m[1])
	}
}

// monthDay reports whether a and b can be a month and a day, in either order.
func monthDay(a, b string) bool {
	return inRange(a, 1, 31) && inRange(b, 1, 31) && (inRange(a, 1, 12) || inRange(b, 1, 12))
}

func inRange(num string, lo, hi int) bool {
	n, err := strconv.Atoi(num)
	return err == nil && lo <= n && n <= hi
}

// continues reports whether the token goes on after w[:end] ("1.2.3.4",
// "3/4/5/6"), in which case it is not the date its prefix looks like.
func continues(w string, end int) bool {
	if end >= len(w) {
		return false
	}
	c := w[end]
	if isDigit(c) || c == '/' {
		return true
	}
	return (c == '.' || c == '-' || c == ':') && end+1 < len(w) && isDigit(w[end+1])
}

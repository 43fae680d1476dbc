// Package phi is the patient-privacy guard run before a case, reply, consult
// message or chat message is stored: it looks for the HIPAA Safe Harbor
// identifiers (45 CFR 164.514(b)(2)) and reports each one it finds, so the
// author can remove it or knowingly publish anyway.
//
// Scan is a screen, not a de-identifier. Most rules need a cue (a label such
// as "MRN", an honorific, "lives in", a phone word, a date word), because
// clinical shorthand is full of numbers and capitalised eponyms that look like
// identifiers: "BP 120/80", "3/4 strength", "2/2 blood cultures", "Graves
// disease". Identifiers written with no cue at all can be missed. The table in
// phi_test.go holds Scan to these decisions:
//
//   - Dates: every element finer than a year is flagged, month and year
//     included ("March 2024", "03/2024", "2024-03"), because Safe Harbor keeps
//     only the year; so are fixed-date holidays ("on Christmas Eve"). A bare
//     month ("in March") is not: it pins down no date and the word is too
//     often something else (May, March). Two-part numbers ("3/4") are dates
//     only after a date word ("on", "since", "DOB", a weekday) and not before
//     a noun ("on 1/2 tab", "3/4 strength"). Years alone, times of day and
//     relative days ("POD 2", "3 days ago") are not dates.
//   - Ages: 90 and over, including "in her 90s" and "nonagenarian", which are
//     finer than the single "90 or older" group Safe Harbor allows; "90+" and
//     "over 90" are that group and pass.
//   - Names: after an honorific (a clinician's name identifies the case too,
//     so "Dr. Patel" counts), "patient"/"pt", a family or care relation ("her
//     husband Tom", "her PCP Jones"), "named"/"called", or a common first name
//     followed by a surname. Eponyms, and words before "disease", "sign",
//     "score" and the like, never count.
//   - Places: street addresses, PO boxes, ZIP codes next to a state or a "zip"
//     label or written ZIP+4, towns followed by a state ("Fresno, CA") or
//     after a residence word ("lives in Fresno"), and counties. States,
//     countries and regions are not identifiers; hospital wards and rooms
//     ("ward 4B") are not either.
//   - URLs: see personalURL in web.go. Citations to medical reference sites
//     pass; social, photo and file-sharing links and links whose path names a
//     patient, a person or a record id are flagged.
//   - Labelled numbers (MRN, account, member id, DEA, serial number, VIN...)
//     are flagged by their label; codes such as ICD-10 or CPT identify no
//     patient and are not.
//
// A finding's Text is the identifier itself: the value after a label
// ("1234567" for "MRN 1234567"), the name after a cue ("Smith" for "Mr.
// Smith"). Ages keep their words ("92-year-old", "aged 95"), since the
// number alone would mean nothing to the author reading the warning.
package phi

import (
	"cmp"
	"slices"
	"strings"
)

// Finding is one identifier found in a text.
type Finding struct {
	Kind       string // stable machine name: "ssn", "phone", "fax", "email", "url", "ip", "date", "age", "mrn", "account", "health_plan", "license", "device", "address", "zip", "name"
	Label      string // human name of the kind, e.g. "Phone number", "Date more precise than a year"
	Text       string // the text found, exactly as it appears in the input
	Start, End int    // byte offsets of Text in the input: Text == input[Start:End]
}

// kinds lists every Kind with its Label, most specific first: when findings
// overlap, the merged finding keeps the kind that comes first here (an MRN
// that happens to be shaped like a phone number is reported as an MRN).
var kinds = []struct{ kind, label string }{
	{"ssn", "Social Security number"},
	{"mrn", "Medical record number"},
	{"health_plan", "Health plan beneficiary number"},
	{"account", "Account number"},
	{"license", "Certificate or license number"},
	{"device", "Device, vehicle or serial number"},
	{"email", "E-mail address"},
	{"fax", "Fax number"},
	{"phone", "Phone number"},
	{"ip", "IP address"},
	{"url", "Web address (URL)"},
	{"date", "Date more precise than a year"},
	{"age", "Age over 89"},
	{"address", "Street address or town"},
	{"zip", "ZIP code"},
	{"name", "Person's name"},
}

var rank, labels = kindTables()

func kindTables() (map[string]int, map[string]string) {
	r := make(map[string]int, len(kinds))
	l := make(map[string]string, len(kinds))
	for i, k := range kinds {
		r[k.kind] = i
		l[k.kind] = k.label
	}
	return r, l
}

// Scan returns the identifiers found in text in order of position, or nil.
// Overlapping matches are merged into one finding spanning all of them, with
// the most specific kind. Offsets are bytes; any input is safe, including
// invalid UTF-8, and the work is linear in the length of text.
func Scan(text string) []Finding {
	s := scanner{text: text}
	s.run()
	return merge(text, s.found)
}

// merge sorts findings by position and folds overlapping ones together.
func merge(text string, fs []Finding) []Finding {
	if len(fs) == 0 {
		return nil
	}
	slices.SortFunc(fs, func(a, b Finding) int {
		if c := cmp.Compare(a.Start, b.Start); c != 0 {
			return c
		}
		return cmp.Compare(b.End, a.End)
	})
	out := fs[:1]
	for _, f := range fs[1:] {
		last := &out[len(out)-1]
		if f.Start < last.End {
			last.End = max(last.End, f.End)
			if rank[f.Kind] < rank[last.Kind] {
				last.Kind = f.Kind
			}
			continue
		}
		out = append(out, f)
	}
	for i := range out {
		out[i].Text = text[out[i].Start:out[i].End]
		out[i].Label = labels[out[i].Kind]
	}
	return out
}

// scanner walks the text once. Patterns are not run over the whole text (Go's
// regexp costs tens of nanoseconds per byte per pattern): each family is tried
// only where it can start, at a digit run or at one of its cue words, with
// patterns anchored there and given a short window.
type scanner struct {
	text  string
	found []Finding
}

// add records a finding; Text and Label are filled in by merge.
func (s *scanner) add(kind string, start, end int) {
	if start >= 0 && start < end && end <= len(s.text) {
		s.found = append(s.found, Finding{Kind: kind, Start: start, End: end})
	}
}

func (s *scanner) run() {
	t := s.text
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case isDigit(c):
			// Digits inside a token ("T2DM", "C5-C6", the "80" of 120/80,
			// the "500" of 12,500) are never the start of an identifier.
			if !s.joinsNumber(i) {
				s.atNumber(i)
			}
		case isLetter(c):
			if s.inWord(i) {
				continue
			}
			j := i + 1
			for j < len(t) && isLetter(t[j]) {
				j++
			}
			s.atWord(i, j)
			i = j - 1
		case c == '@':
			s.atEmail(i)
		case c == ',':
			s.atComma(i)
		case c == '(' || c == '+':
			if i+1 < len(t) && isDigit(t[i+1]) && !s.inWord(i) {
				s.phone(i)
			}
		}
	}
}

// atNumber tries the families that start with a digit run at i. Each checks
// the run's length and the byte after it before running any pattern.
func (s *scanner) atNumber(i int) {
	j := i
	for j < len(s.text) && isDigit(s.text[j]) {
		j++
	}
	var next byte
	if j < len(s.text) {
		next = s.text[j]
	}
	n := j - i
	s.numberIDs(i, n, next)
	s.numberDate(i, n, next)
	s.numberAge(i, j)
	s.numberPlace(i, n, next)
	s.numberIP(i, n, next)
}

// atWord dispatches the word text[i:j] (ASCII letters only) to the families
// it is a cue for.
func (s *scanner) atWord(i, j int) {
	w := s.text[i:j]
	if len(w) <= maxCueLen {
		var buf [maxCueLen]byte
		for k := 0; k < len(w); k++ {
			buf[k] = w[k] | 0x20 // ASCII letters only, so this lower-cases
		}
		if c := cues[string(buf[:len(w)])]; c != 0 {
			s.dispatch(c, i, j)
		}
	}
	if isUpper(w[0]) && firstNames[w] && !s.wordCharAt(j) {
		s.fullName(i)
	}
	if isHexWord(w) {
		s.maybeIPv6(i)
	}
}

// cue is a set of families a word can start or announce.
type cue uint32

const (
	cueLabel      cue = 1 << iota // label of a record, account, plan, license or device number
	cueMonth                      // month name
	cueHoliday                    // fixed-date holiday
	cueAge                        // "age", "aged"
	cueAgeWord                    // "nonagenarian", "centenarian"
	cueSpelledAge                 // "ninety", "nineties"
	cueHonorific                  // Mr, Mrs, Dr...
	cuePatient                    // patient, pt
	cueRelation                   // husband, daughter, PCP...
	cueNamed                      // named, called, known as...
	cueWeb                        // http, https, www
	cueSocial                     // facebook, instagram... written without a scheme
	cueBox                        // PO Box
	cueResidence                  // lives, resides...
	cueCounty                     // County
)

const maxCueLen = 16

var cues = buildCues()

func buildCues() map[string]cue {
	m := map[string]cue{}
	addAll := func(c cue, words []string) {
		for _, w := range words {
			m[w] |= c
		}
	}
	addAll(cueLabel, labelCueWords)
	for w := range monthNumbers {
		m[w] |= cueMonth
	}
	addAll(cueHoliday, holidayCueWords)
	addAll(cueAge, []string{"age", "aged", "ages", "turned", "turning", "turns"})
	addAll(cueSpelledAge, []string{"ninety", "nineties", "hundred"})
	addAll(cueAgeWord, []string{"nonagenarian", "nonagenarians", "centenarian", "centenarians", "supercentenarian"})
	addAll(cueHonorific, []string{"mr", "mrs", "ms", "mx", "miss", "dr", "prof", "professor", "mister"})
	addAll(cuePatient, []string{"patient", "pt"})
	addAll(cueRelation, relationWords)
	addAll(cueNamed, []string{"named", "nicknamed", "called", "goes", "known", "name", "initials", "aka"})
	addAll(cueWeb, []string{"http", "https", "www"})
	addAll(cueSocial, socialCueWords)
	addAll(cueBox, []string{"po", "p", "post"})
	addAll(cueResidence, residenceWords)
	addAll(cueCounty, []string{"county", "parish"})
	return m
}

func (s *scanner) dispatch(c cue, i, j int) {
	// A label inside a URL ("?mrn=...") is part of the URL, not a label.
	if c&cueLabel != 0 && (i == 0 || strings.IndexByte("/?&=.", s.text[i-1]) < 0) {
		s.labelled(i, j)
	}
	if c&cueMonth != 0 {
		s.monthDate(i, j)
	}
	if c&cueHoliday != 0 {
		s.holiday(i)
	}
	if c&cueAge != 0 {
		s.labelledAge(i)
	}
	if c&cueAgeWord != 0 {
		s.add("age", i, j)
	}
	if c&cueSpelledAge != 0 {
		s.spelledAge(i, j)
	}
	if c&cueHonorific != 0 {
		s.honorific(i, j)
	}
	if c&cuePatient != 0 {
		s.patientName(i, j)
	}
	if c&cueRelation != 0 {
		s.relationName(i, j)
	}
	if c&cueNamed != 0 {
		s.namedName(i, j)
	}
	if c&cueWeb != 0 {
		s.atURL(i)
	}
	if c&cueSocial != 0 {
		s.socialURL(i)
	}
	if c&cueBox != 0 {
		s.poBox(i)
	}
	if c&cueResidence != 0 {
		s.residence(i, j)
	}
	if c&cueCounty != 0 {
		s.county(i, j)
	}
}

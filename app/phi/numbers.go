package phi

import (
	"regexp"
	"strings"
)

// Numbers recognised by their shape. All patterns are anchored: they run at
// the start of a digit run (or a "(" or "+" before one), never over the text.
var (
	ssnRe        = regexp.MustCompile(`^(\d{3})([- ])(\d{2})([- ])(\d{4})\b`)
	phoneRe      = regexp.MustCompile(`^(?:\+?1[ .-]?)?(?:\(\d{3}\) ?|\d{3}[ .-]?)\d{3}[ .-]?\d{4}\b`)
	localPhoneRe = regexp.MustCompile(`^\d{3}[-.]\d{4}\b`)
	intlPhoneRe  = regexp.MustCompile(`^\+[2-9]\d{0,2}(?:[ .-]?\(?\d{1,4}\)?){2,5}`)
	cardRe       = regexp.MustCompile(`^\d{4}([ -])\d{4}[ -]\d{4}[ -]\d{4}\b`)

	// phoneCueRe finds the last phone or fax word before a number; a bare
	// run of ten digits, or a seven-digit local number, needs one.
	phoneCueRe = regexp.MustCompile(`(?i)\b(?:(fax(?:ed)?|facsimile|f\s*:)|tel|telephone|phone|ph|cell|cellphone|mobile|mob|call|calls|pager|page|text|contact|reach|dial|p\s*:|t\s*:|c\s*:|m\s*:|h\s*:|w\s*:)`)
)

// numberIDs looks for a Social Security, phone or card number at i, a digit
// run of n digits followed by next.
func (s *scanner) numberIDs(i, n int, next byte) {
	switch {
	case n == 3 && (next == '-' || next == ' '):
		if s.ssn(i) {
			return
		}
		s.phone(i)
	case n == 3 && next == '.', n == 1 && s.text[i] == '1', n == 10, n == 11:
		s.phone(i)
	case n == 4 && (next == ' ' || next == '-'):
		if m := cardRe.FindStringIndex(s.window(i, 24)); m != nil {
			s.add("account", i, i+m[1])
		}
	}
}

// ssn reports whether an unlabelled SSN starts at i. Numbers that the Social
// Security Administration never issues (area 000, 666 or 9xx, group 00,
// serial 0000) are left alone: they are the usual way to write a fake one.
func (s *scanner) ssn(i int) bool {
	w := s.window(i, 16)
	m := ssnRe.FindStringSubmatchIndex(w)
	if m == nil || w[m[4]:m[5]] != w[m[8]:m[9]] {
		return false
	}
	area, group, serial := w[m[2]:m[3]], w[m[6]:m[7]], w[m[10]:m[11]]
	if area == "000" || area == "666" || area[0] == '9' || group == "00" || serial == "0000" {
		return false
	}
	s.add("ssn", i, i+m[1])
	return true
}

// phone looks for a phone or fax number at i: US forms always, bare digits
// and seven-digit local numbers only after a phone word, international forms
// when they start with "+".
func (s *scanner) phone(i int) {
	w := s.window(i, 32)
	end := 0
	if m := phoneRe.FindStringIndex(w); m != nil {
		if strings.Trim(w[:m[1]], "+0123456789") != "" || s.phoneCue(i) {
			end = m[1]
		}
	} else if m := intlPhoneRe.FindStringIndex(w); m != nil {
		d := countDigits(w[:m[1]])
		if d >= 8 && d <= 15 && (m[1] == len(w) || !isDigit(w[m[1]])) {
			end = m[1]
		}
	} else if m := localPhoneRe.FindStringIndex(w); m != nil && s.phoneCue(i) {
		end = m[1]
	}
	if end == 0 {
		return
	}
	kind := "phone"
	if s.faxCue(i) {
		kind = "fax"
	}
	s.add(kind, i, i+end)
}

func (s *scanner) phoneCue(i int) bool {
	return phoneCueRe.MatchString(s.before(i, 48))
}

// faxCue reports whether the nearest phone word before i says fax, so that
// in "phone 555-123-4567, fax 555-123-4568" each number gets its own kind.
func (s *scanner) faxCue(i int) bool {
	ms := phoneCueRe.FindAllStringSubmatchIndex(s.before(i, 48), -1)
	return len(ms) > 0 && ms[len(ms)-1][2] >= 0
}

// Labelled numbers. A rule matches at its label and captures the value after
// it; the value must hold at least three digits, so "MRN pending" or
// "group 1 pulmonary hypertension" never count, and only the value is
// reported (the label identifies nobody).
const (
	numWord = `(?:number|no\b\.?|num|nbr|#|id)`
	idValue = `(?:\s*(?:[:#=-]|\b(?:is|was|number|no|num|nbr|id|ending\s+in|ending|of)\b\.?))*\s*((?:[A-Za-z]+-?){0,3}\d[A-Za-z0-9-]*)`
)

// labelRules are tried in order at their cue words (the first word of
// any of their labels); the first whose value has three digits wins.
var labelRules = []labelRule{
	{"ssn", "ssn ss social", `ssn|ss#|social\s+security(?:\s+(?:card|` + numWord + `))?`},
	{"mrn", "mrn mr medical med chart hosp hospital record unit nhs patient pt empi mpi",
		`mrn|mr\s*#|mr\s*(?:no\b\.?|number)|medical\s+record(?:\s+` + numWord + `)?|med\s+rec(?:\s+` + numWord + `)?|` +
			`(?:chart|hosp(?:ital)?|record|unit|nhs|patient|pt)\s*` + numWord + `|patient\s+identifier|e?mpi`},
	{"health_plan", "member subscriber beneficiary insurance plan policy group medicaid medicare health mbi hicn bcbs uhc aetna cigna humana tricare",
		`(?:member|subscriber|beneficiary|insurance(?:\s+member)?|plan|policy|group|medicaid|medicare(?:\s+beneficiary)?|` +
			`health\s+plan(?:\s+beneficiary)?|bcbs|uhc|aetna|cigna|humana|tricare)\s*(?:identifier|card|member|` + numWord + `)|policy\s*:|mbi|hicn`},
	{"account", "acct acc account billing encounter visit financial claim invoice credit debit fin",
		`acct|acc't|account(?:\s+` + numWord + `)?|(?:billing|encounter|visit|financial|claim|invoice)\s*(?:account|` + numWord + `)|` +
			`(?:credit|debit)\s+card(?:\s+` + numWord + `)?|fin`},
	{"license", "dea npi medical nursing state driver drivers driving professional licence license lic dl birth death marriage certificate certification passport",
		`dea(?:\s+(?:registration|` + numWord + `))?|npi(?:\s+` + numWord + `)?|` +
			`(?:(?:medical|nursing|state|driver'?s|drivers|driving|professional)\s+)?licen[cs]e(?:\s+` + numWord + `)?|lic\.?\s*#|dl\s*#|` +
			`(?:(?:birth|death|marriage)\s+)?certificate(?:\s+` + numWord + `)?|certification\s+` + numWord + `|passport(?:\s+` + numWord + `)?`},
	{"device", "serial s sn device udi imei vin licence license number plate",
		`serial(?:\s+` + numWord + `)?|s/n|sn\s*[:#]?|device\s+(?:identifier|serial|` + numWord + `)|udi(?:-di)?|imei|vin|` +
			`(?:(?:licen[cs]e|number)\s+)?plate(?:\s+` + numWord + `)?`},
}

type labelRule struct{ kind, cues, label string }

// labelRes holds the compiled rules; rulesByCue, for each cue word, the
// indexes of the rules it can start, so a word runs only its own rules.
var labelRes, rulesByCue, labelCueWords = compileLabelRules()

func compileLabelRules() ([]*regexp.Regexp, map[string][]int, []string) {
	res := make([]*regexp.Regexp, len(labelRules))
	byCue := map[string][]int{}
	for i, r := range labelRules {
		res[i] = regexp.MustCompile(`^(?i:` + r.label + `)` + idValue)
		for _, w := range words(r.cues) {
			byCue[w] = append(byCue[w], i)
		}
	}
	var cueWords []string
	for w := range byCue {
		cueWords = append(cueWords, w)
	}
	return res, byCue, cueWords
}

// upperOnlyLabels are labels that are ordinary words (or a student nurse)
// unless written in capitals.
var upperOnlyLabels = set(`FIN VIN SN`)

// labelled looks for a labelled identifier whose label starts with the word
// text[i:j].
func (s *scanner) labelled(i, j int) {
	word := s.text[i:j]
	if upperOnlyLabels[strings.ToUpper(word)] && !upperOnlyLabels[word] {
		return
	}
	w := s.window(i, 64)
	if !strings.ContainsAny(w, "0123456789") {
		return // every value has digits; most cue words ("medical", "state") have none after them
	}
	for _, k := range rulesByCue[strings.ToLower(word)] {
		m := labelRes[k].FindStringSubmatchIndex(w)
		if m == nil || countDigits(w[m[2]:m[3]]) < 3 {
			continue
		}
		end := m[3]
		for w[end-1] == '-' {
			end--
		}
		s.add(labelRules[k].kind, i+m[2], i+end)
		return
	}
}

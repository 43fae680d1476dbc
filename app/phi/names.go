package phi

import "strings"

// Names are only found after a cue: an honorific, "patient", a relation
// ("her husband Tom"), "named"/"called", or a common first name followed by a
// surname. Without a cue a capitalised word is far more often an eponym, a
// drug, a service or the start of a sentence than a name. Only the name is
// reported, not the cue.

// honorifics are case-sensitive: "MR" is mitral regurgitation, "MS" multiple
// sclerosis and "DR" diabetic retinopathy.
var honorifics = set(`Mr Mrs Ms Mx Miss Dr dr Prof Professor Mister`)

// honorific flags the name after "Mr.", "Dr" and the like at text[i:j].
func (s *scanner) honorific(i, j int) {
	if !honorifics[s.text[i:j]] {
		return
	}
	if j < len(s.text) && s.text[j] == '.' {
		j++
	}
	if j >= len(s.text) || s.text[j] != ' ' {
		return
	}
	p := s.skipBlanks(j, 2)
	if p < 0 {
		return
	}
	end := s.nameAt(p, false)
	if end < 0 && p < len(s.text) && isUpper(s.text[p]) && !s.wordCharAt(p+1) {
		end = p + 1 // "Mrs. K." and "Ms. H" are still somebody
		if end < len(s.text) && s.text[end] == '.' {
			end++
		}
	}
	s.addName(p, end)
}

// patientName flags "patient John", "pt Mary", "Patient J.S.". "PT" is
// physical therapy and is left alone.
func (s *scanner) patientName(i, j int) {
	if w := s.text[i:j]; w != "patient" && w != "Patient" && w != "pt" && w != "Pt" {
		return
	}
	for j < len(s.text) && (s.text[j] == '.' || s.text[j] == ',' || s.text[j] == ':') && j-i < 9 {
		j++
	}
	if j >= len(s.text) || s.text[j] != ' ' {
		return
	}
	if p := s.skipBlanks(j, 2); p >= 0 {
		s.addName(p, s.nameAt(p, false))
	}
}

// relationName flags "husband Tom", "his daughter, Anna", "her PCP (Jones)".
func (s *scanner) relationName(i, j int) {
	if strings.HasPrefix(s.text[j:], "-in-law") {
		j += len("-in-law")
	}
	p := j
	for p < len(s.text) && (s.text[p] == ' ' || s.text[p] == ',' || s.text[p] == '(') && p-j < 3 {
		p++
	}
	if p > j {
		s.addName(p, s.nameAt(p, false))
	}
}

// namedName flags "named Alice", "called Bob", "goes by Liz", "known as
// Bobby", "name is Ana". The cue is weak ("we called Cardiology", "known as
// Graves disease"), so eponyms are rejected here too.
func (s *scanner) namedName(i, j int) {
	rest := s.text[j:]
	switch strings.ToLower(s.text[i:j]) {
	case "goes":
		rest = cutPrefixFold(rest, " by")
	case "known":
		rest = cutPrefixFold(rest, " as")
	case "name", "initials":
		if r := cutPrefixFold(rest, " is"); r != "" {
			rest = r
		} else if r := cutPrefixFold(rest, " are"); r != "" {
			rest = r
		} else if r := cutPrefixFold(rest, " was"); r != "" {
			rest = r
		} else {
			rest = cutPrefixFold(rest, ":")
		}
	}
	if rest == "" || rest[0] != ' ' {
		return
	}
	p := s.skipBlanks(len(s.text)-len(rest), 2)
	if p < 0 {
		return
	}
	for _, quote := range []string{`"`, "'", "“", "‘"} {
		if strings.HasPrefix(s.text[p:], quote) {
			p += len(quote)
			break
		}
	}
	s.addName(p, s.nameAt(p, true))
}

// fullName flags a common first name followed by a capitalised surname, at
// the first name text[i:].
func (s *scanner) fullName(i int) {
	e1 := s.titleWordAt(i)
	if e1 < 0 || e1+1 >= len(s.text) || s.text[e1] != ' ' {
		return
	}
	if e2 := s.nameAt(i, true); e2 > e1 {
		s.addName(i, e2)
	}
}

func (s *scanner) addName(start, end int) {
	if end > start {
		s.add("name", start, end)
	}
}

// nameAt returns the end of the one- or two-word name (or initials) that
// starts at p, or -1 if the words there are not a name. weak asks for the
// eponym check as well.
func (s *scanner) nameAt(p int, weak bool) int {
	if p < 0 || p >= len(s.text) {
		return -1
	}
	if end := s.initialsAt(p); end > 0 {
		return end
	}
	raw := s.titleWordAt(p)
	if raw < 0 {
		return -1
	}
	end := s.trimPossessive(p, raw)
	if w := s.text[p:end]; nameStop[w] || weak && isEponym(w) {
		return -1
	}
	if end == raw && raw+1 < len(s.text) && s.text[raw] == ' ' {
		if raw2 := s.titleWordAt(raw + 1); raw2 > 0 {
			end2 := s.trimPossessive(raw+1, raw2)
			w2 := s.text[raw+1 : end2]
			if lw := strings.ToLower(w2); eponymTails[lw] || institutionTails[lw] {
				return -1 // "Graves Disease"
			}
			if !nameStop[w2] {
				end, raw = end2, raw2
			}
		}
	}
	if after := s.wordAfter(raw); eponymTails[after] || end == raw && institutionTails[after] {
		return -1 // "Bell's palsy", "Foley catheter", "John Muir Medical Center"
	}
	return end
}

// initialsAt returns the end of initials at p ("J.S.", "J. S.", or "J." before
// a surname), or -1.
func (s *scanner) initialsAt(p int) int {
	t := s.text
	k, n := p, 0
	for k+1 < len(t) && isUpper(t[k]) && t[k+1] == '.' {
		k += 2
		n++
		if k < len(t) && t[k] == ' ' && k+1 < len(t) && isUpper(t[k+1]) {
			k++
		}
	}
	if n == 0 {
		return -1
	}
	if e := s.titleWordAt(k); e > 0 && t[k-1] == ' ' {
		if w := t[k:s.trimPossessive(k, e)]; !nameStop[w] {
			return s.trimPossessive(k, e)
		}
	}
	for k > p && t[k-1] == ' ' {
		k--
	}
	if n >= 2 && (k >= len(t) || !isLetter(t[k])) {
		return k
	}
	return -1
}

// isEponym reports whether w, or a part of a hyphenated w, is an eponym.
func isEponym(w string) bool {
	for part := range strings.SplitSeq(w, "-") {
		if eponyms[part] {
			return true
		}
	}
	return false
}

// cutPrefixFold returns s without prefix (compared ignoring ASCII case), or "".
func cutPrefixFold(s, prefix string) string {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):]
	}
	return ""
}

package phi

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Geographic identifiers: anything smaller than a state. Street addresses and
// PO boxes have their own shape; ZIP codes and towns need context, because a
// five-digit number is usually a lab value or a code and a capitalised word is
// usually not a town.
var (
	streetRe = regexp.MustCompile(`^\d{1,6}[A-Za-z]?(?:-\d{1,4})?\s+(?:(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\.?\s+)?` +
		`(?:(?:\d{1,3}(?:st|nd|rd|th)|\p{Lu}[\p{L}'’-]*)\.?\s+){1,3}` +
		`(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Way|Terrace|Ter|Circle|Cir|` +
		`Highway|Hwy|Parkway|Pkwy|Trail|Trl|Square|Sq|Crescent|Close|Row|Alley|Plaza|Loop|Pike|Turnpike)\b` +
		`(?:\.?,?\s+(?:Apt|Apartment|Unit|Suite|Ste|#)\.?\s*#?\s*[A-Za-z0-9-]*\d[A-Za-z0-9-]*)?`)
	poBoxRe = regexp.MustCompile(`^(?i:p\.?\s?o\.?\s*box|post\s+office\s+box)\s*#?\s*\d{1,6}\b`)
	zip4Re  = regexp.MustCompile(`^\d{5}-\d{4}\b`)
	// a ZIP label or a state just before a five-digit number
	zipBeforeRe = regexp.MustCompile(`(?:(?i:\bzip(?:\s*code)?|\bpostal\s+code|\bpostcode)(?:\s+is)?\s*[:#]?|\b([A-Z]{2})\.?,?|\b(` + stateAlt + `),?)\s+$`)
	// a state after a comma: ", IL", ", Illinois", optionally with a ZIP
	stateAfterRe = regexp.MustCompile(`^,\s+([A-Z]{2}|` + stateAlt + `)\b(\.?,?\s+\d{5}\b)?`)
	residenceRe  = regexp.MustCompile(`^(?i:lives|lived|living|resides|resided|residing|resident|residents|moved|relocated|hails|native|originally)` +
		`(?:\s+[a-z']+){0,5}?\s+(?:in|at|on|of|to|from|near|outside)\s+` +
		`(?:(?:rural|urban|downtown|suburban|central|northern|southern|eastern|western|the\s+(?:town|city|village)\s+of|a\s+(?:small\s+)?(?:suburb|town|village)\s+(?:of|near|outside))\s+)?` +
		`(\p{Lu}[\p{L}'’-]*(?:\s+\p{Lu}[\p{L}'’-]*){0,2})`)
)

const stateAlt = `Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|Illinois|` +
	`Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|` +
	`Nevada|New\s+Hampshire|New\s+Jersey|New\s+Mexico|New\s+York|North\s+Carolina|North\s+Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|` +
	`Rhode\s+Island|South\s+Carolina|South\s+Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West\s+Virginia|Wisconsin|Wyoming`

var (
	// stateCodes are USPS codes; the ambiguous ones are also clinical
	// abbreviations (MD, PA, OR, MI, CA, MS, ...) and count only before a ZIP.
	stateCodes          = set(`AK AZ FL IA IL KS KY MN MT NC ND NJ NM NV NY OH RI SD TN TX UT VT WA WI WV WY NE`)
	ambiguousStateCodes = set(`AL AR CA CO CT DC DE GA HI ID IN LA MA MD ME MI MO MS NH OK OR PA SC VA`)
	// bigPlaces are states, countries and regions: at or above state level,
	// so "lives in Ohio" or "moved from Mexico" identify nobody.
	bigPlaces = phrases(strings.ReplaceAll(strings.ReplaceAll(stateAlt, `\s+`, "_"), "|", " ") + ` United_States America USA US UK
	Britain England Scotland Wales Ireland Canada Mexico Guatemala Honduras El_Salvador Nicaragua Cuba Haiti Jamaica Puerto_Rico
	Dominican_Republic Colombia Venezuela Ecuador Peru Brazil Chile Argentina Bolivia Paraguay Uruguay France Germany Spain Portugal
	Italy Greece Poland Ukraine Russia Romania Netherlands Belgium Sweden Norway Denmark Finland Switzerland Austria Turkey Israel
	Lebanon Syria Iraq Iran Afghanistan Pakistan India Bangladesh Nepal China Japan Korea South_Korea Vietnam Thailand Cambodia Laos
	Philippines Indonesia Malaysia Singapore Australia New_Zealand Egypt Morocco Algeria Nigeria Ghana Kenya Ethiopia Somalia Sudan
	Eritrea Congo Uganda Tanzania Rwanda Senegal Liberia Cameroon Zimbabwe South_Africa Yemen Saudi_Arabia Jordan Europe Asia Africa
	Latin_America Central_America South_America Caribbean Midwest Northeast Southeast Southwest Northwest Appalachia New_England
	Pacific_Northwest Middle_East West_Africa East_Africa Southeast_Asia ` + placeWordsNotTowns)
)

// placeWordsNotTowns are capitalised words that follow "lives in" or precede
// ", TX" without naming a town.
const placeWordsNotTowns = `Section Assisted Independent Senior Skilled Nursing Group Home Foster Apartment Housing Shelter
	Public Subsidized Rural Urban Downtown Hospice Memory Care Long Term Unit Step Room Bed Ward Floor`

var residenceWords = words(`lives lived living resides resided residing resident residents moved relocated hails native originally`)

// numberPlace looks for a street address or a ZIP code at the digit run at i.
func (s *scanner) numberPlace(i, n int, next byte) {
	if n <= 6 && (next == ' ' || isLetter(next) || next == '-') {
		if m := streetRe.FindStringIndex(s.window(i, 64)); m != nil {
			s.add("address", i, i+m[1])
			return
		}
	}
	if n != 5 || next == '.' && i+6 < len(s.text) && isDigit(s.text[i+6]) {
		return
	}
	if m := zip4Re.FindStringIndex(s.window(i, 12)); m != nil {
		s.add("zip", i, i+m[1])
		return
	}
	m := zipBeforeRe.FindStringSubmatchIndex(s.before(i, 32))
	if m == nil {
		return
	}
	if m[2] >= 0 { // a two-letter code must be a state's
		b := s.before(i, 32)
		if code := b[m[2]:m[3]]; !stateCodes[code] && !ambiguousStateCodes[code] {
			return
		}
	}
	s.add("zip", i, i+5)
}

// poBox flags "PO Box 12", "P.O. Box 123" at the word at i.
func (s *scanner) poBox(i int) {
	if m := poBoxRe.FindStringIndex(s.window(i, 24)); m != nil {
		s.add("address", i, i+m[1])
	}
}

// atComma flags the town in "Fresno, CA", "Springfield, IL 62704" or
// "Dayton, Ohio": one to three capitalised words just before a comma that is
// followed by a state.
func (s *scanner) atComma(i int) {
	w := s.window(i, 32)
	if len(w) < 4 || w[1] != ' ' || !isUpper(w[2]) {
		return
	}
	m := stateAfterRe.FindStringSubmatchIndex(w)
	if m == nil {
		return
	}
	if code := w[m[2]:m[3]]; len(code) == 2 && !stateCodes[code] && !(ambiguousStateCodes[code] && m[4] >= 0) {
		return
	}
	if start := s.placeBefore(i, 3); start >= 0 {
		s.add("address", start, i)
	}
}

// county flags "Cook County" at the word "County" text[i:j].
func (s *scanner) county(i, j int) {
	if !isUpper(s.text[i]) || i < 2 || s.text[i-1] != ' ' {
		return
	}
	if start := s.placeBefore(i-1, 2); start >= 0 {
		s.add("address", start, j)
	}
}

// placeBefore returns the start of up to max capitalised words ending at i and
// separated by single spaces, leaving out leading words that are not place
// names ("In Fresno, CA"), or -1.
func (s *scanner) placeBefore(i, limit int) int {
	start := -1
	for k, end := 0, i; k < limit && end > 0; k++ {
		b := end
		for b > 0 && s.text[b-1] != ' ' && s.text[b-1] != '\n' && end-b < 40 {
			b--
		}
		if s.titleWordAt(b) != end || bigPlaces[s.text[b:end]] || nameStop[s.text[b:end]] {
			break
		}
		start = b
		if b < 2 || s.text[b-1] != ' ' || s.text[b-2] == ' ' {
			break
		}
		end = b - 1
	}
	return start
}

// residence flags the town after "lives in", "moved from", "resides near"...
// at the word text[i:j]
// unless it is a state, a country or a region.
func (s *scanner) residence(i, j int) {
	w := s.window(i, 96)
	if !strings.ContainsFunc(w[j-i:], func(r rune) bool { return r >= 'A' && r <= 'Z' || r >= utf8.RuneSelf }) {
		return // no capital, so no town; "lives with her daughter"
	}
	m := residenceRe.FindStringSubmatchIndex(w)
	if m == nil {
		return
	}
	start, end := i+m[2], i+m[3]
	place := s.text[start:end]
	first, _, _ := strings.Cut(place, " ")
	if s.titleWordAt(start) < 0 || bigPlaces[place] || nameStop[first] {
		return
	}
	// "Dayton Ohio": keep the town, drop the state.
	if k := strings.LastIndexByte(place, ' '); k > 0 && bigPlaces[place[k+1:]] {
		end = start + k
	}
	s.add("address", start, s.trimPossessive(start, end))
}

package registry

import (
	"slices"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Verdict is the outcome of one check or of a whole comparison.
type Verdict string

// Verdicts, stored and shown as these strings.
const (
	Match         Verdict = "match"
	Mismatch      Verdict = "mismatch"
	NotInRegistry Verdict = "not_in_registry"
)

// Check names, in the order Compare lists them.
const (
	CheckName       = "Name"
	CheckEntityType = "Entity type"
	CheckActive     = "Active"
	CheckLicense    = "License"
	CheckState      = "License state"
	CheckTaxonomy   = "Taxonomy"
)

// Claim is what an applicant told us about themselves.
type Claim struct {
	FullName      string
	NPI           string
	LicenseState  string
	LicenseNumber string
	// Specialty is the claimed specialty as the moderator reads it (its name).
	Specialty string
}

// Check sets one claimed value beside the registry's, for a moderator to read.
type Check struct {
	Name     string
	Claimed  string
	Registry string
	Verdict  Verdict
}

// Comparison is a claim checked against the registry.
type Comparison struct {
	Checks  []Check
	Overall Verdict
}

// Compare checks claim against rec, the registry's record for claim.NPI (nil
// when there is none). specialtyTaxonomy is the taxonomy code of the claimed
// specialty. A match is evidence for a moderator, not proof of identity: the
// registry is public, so anyone can copy a real physician's details.
func Compare(claim Claim, rec *Record, specialtyTaxonomy string) Comparison {
	specialtyTaxonomy = strings.ToUpper(strings.TrimSpace(specialtyTaxonomy))
	claimedLicense := strings.TrimSpace(strings.ToUpper(claim.LicenseState) + " " + claim.LicenseNumber)
	claimedSpecialty := claim.Specialty
	if specialtyTaxonomy != "" {
		claimedSpecialty = strings.TrimSpace(claimedSpecialty + " (" + specialtyTaxonomy + ")")
	}
	// Another NPI's record says nothing about this claim.
	if rec != nil && rec.NPI != strings.TrimSpace(claim.NPI) {
		rec = nil
	}
	if rec == nil {
		c := Comparison{Overall: NotInRegistry}
		for _, ch := range [][2]string{
			{CheckName, claim.FullName}, {CheckEntityType, "individual"}, {CheckActive, "active"},
			{CheckLicense, claimedLicense}, {CheckState, strings.ToUpper(claim.LicenseState)}, {CheckTaxonomy, claimedSpecialty},
		} {
			c.Checks = append(c.Checks, Check{Name: ch[0], Claimed: ch[1], Verdict: NotInRegistry})
		}
		return c
	}
	c := Comparison{Checks: []Check{
		{CheckName, claim.FullName, registryName(rec), verdict(nameMatches(claim.FullName, rec))},
		{CheckEntityType, "individual", entityLabel(rec.EntityType),
			verdict(rec.EntityType != nil && *rec.EntityType == EntityIndividual)},
		{CheckActive, "active", activity(rec), verdict(rec.Active())},
		{CheckLicense, claimedLicense, licenseList(rec.Licenses), verdict(licenseMatches(claim, rec.Licenses))},
		{CheckState, strings.ToUpper(strings.TrimSpace(claim.LicenseState)), stateList(rec.Licenses), verdict(stateMatches(claim.LicenseState, rec.Licenses))},
		{CheckTaxonomy, claimedSpecialty, taxonomyList(rec.Licenses), verdict(taxonomyMatches(specialtyTaxonomy, rec.Licenses))},
	}}
	c.Overall = Match
	for _, ch := range c.Checks {
		if ch.Verdict != Match {
			c.Overall = Mismatch
		}
	}
	return c
}

func verdict(ok bool) Verdict {
	if ok {
		return Match
	}
	return Mismatch
}

// nameMatches wants every word of the registry's first and last names among
// the claimed name's words. Extra claimed words — Dr., MD, DO, a middle name
// or initial — are thereby ignored without a list of honorifics, which could
// wrongly drop a surname such as Do.
func nameMatches(claimed string, rec *Record) bool {
	first, last := nameWords(rec.FirstName), nameWords(rec.LastName)
	if len(first) == 0 || len(last) == 0 {
		return false
	}
	have := map[string]bool{}
	for _, w := range nameWords(claimed) {
		have[w] = true
	}
	for _, w := range append(first, last...) {
		if !have[w] {
			return false
		}
	}
	return true
}

// nameWords folds case and accents and splits on anything but letters and
// digits; apostrophes join, so O'Brien and OBRIEN agree.
func nameWords(s string) []string { return splitName(s, false) }

// splitName folds accents and case and splits s into words of letters and
// digits. Apostrophes (straight or curly) are dropped, or with asWritten
// kept, as hyphens are, the way the registry writes O'BRIEN and SMITH-JONES.
func splitName(s string, asWritten bool) []string {
	fold := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	if folded, _, err := transform.String(fold, s); err == nil {
		s = folded
	}
	apostrophe := ""
	if asWritten {
		apostrophe = "'"
	}
	s = strings.NewReplacer("'", apostrophe, "\u2019", apostrophe).Replace(strings.ToUpper(s))
	return strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && !(asWritten && r == '-')
	})
}

func registryName(rec *Record) string {
	var parts []string
	for _, p := range []string{rec.FirstName, rec.MiddleName, rec.LastName} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	name := strings.Join(parts, " ")
	if name == "" {
		name = rec.OrganizationName
	}
	if rec.Credential != "" {
		name += ", " + rec.Credential
	}
	return name
}

func entityLabel(t *int16) string {
	switch {
	case t == nil:
		return "not stated"
	case *t == EntityIndividual:
		return "individual"
	case *t == EntityOrganization:
		return "organization"
	}
	return "unknown"
}

func activity(rec *Record) string {
	day := func(t *time.Time) string { return t.Format("2006-01-02") }
	switch {
	case rec.DeactivationDate == nil:
		return "active"
	case rec.Active():
		return "reactivated " + day(rec.ReactivationDate) + " after deactivation " + day(rec.DeactivationDate)
	}
	return "deactivated " + day(rec.DeactivationDate)
}

func licenseMatches(claim Claim, lics []License) bool {
	state := strings.ToUpper(strings.TrimSpace(claim.LicenseState))
	number := normLicense(claim.LicenseNumber)
	if state == "" || number == "" {
		return false
	}
	for _, l := range lics {
		if strings.EqualFold(l.LicenseState, state) && normLicense(l.LicenseNumber) == number {
			return true
		}
	}
	return false
}

// normLicense drops what boards and applicants write differently: case,
// separators (spaces, dashes, dots) and zero padding in front.
func normLicense(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
		}
	}
	return strings.TrimLeft(b.String(), "0")
}

// stateMatches says whether any of the registry's license rows is from the
// claimed state: a license number can be mistyped, a state rarely is.
func stateMatches(claimed string, lics []License) bool {
	claimed = strings.TrimSpace(claimed)
	if claimed == "" {
		return false
	}
	for _, l := range lics {
		if strings.EqualFold(strings.TrimSpace(l.LicenseState), claimed) {
			return true
		}
	}
	return false
}

// stateList names the states of the registry's license rows, each once.
func stateList(lics []License) string {
	var states []string
	for _, l := range lics {
		if st := strings.ToUpper(strings.TrimSpace(l.LicenseState)); st != "" && !slices.Contains(states, st) {
			states = append(states, st)
		}
	}
	if len(states) == 0 {
		return "none listed"
	}
	return strings.Join(states, ", ")
}

func licenseList(lics []License) string {
	var parts []string
	for _, l := range lics {
		if l.LicenseNumber != "" {
			parts = append(parts, strings.TrimSpace(l.LicenseState+" "+l.LicenseNumber))
		}
	}
	if len(parts) == 0 {
		return "none listed"
	}
	return strings.Join(parts, ", ")
}

// taxonomyMatches compares NUCC codes. A whole classification (a code
// ending in 00000X, such as 207R00000X for internal medicine) accepts any of
// its subspecialties, which share the first four characters. A
// subspecialty needs its own code, or one of the few codes that mean the
// same practice (closeSiblings): NUCC's neighbouring codes are often
// unrelated (207RC0200X is critical care, not cardiology).
func taxonomyMatches(want string, lics []License) bool {
	if !physicianCode(want) {
		return false
	}
	general := strings.HasSuffix(want, "00000X")
	for _, l := range lics {
		code := strings.ToUpper(l.TaxonomyCode)
		if !physicianCode(code) {
			continue
		}
		if code == want || (general && code[:4] == want[:4]) || slices.Contains(closeSiblings[want], code) {
			return true
		}
	}
	return false
}

// closeSiblings lists, for a seeded specialty's code, other codes a member of
// that specialty commonly holds instead.
var closeSiblings = map[string][]string{
	"207ZP0102X": {"207ZP0101X", "207ZP0105X"},               // anatomic and clinical pathology; each alone
	"2084P0800X": {"2084P0804X", "2084P0805X", "2084P0802X"}, // child, geriatric, addiction psychiatry
	"2085R0202X": {"2085R0204X", "2085N0700X"},               // interventional radiology, neuroradiology
	"207RH0003X": {"207RX0202X", "207RH0000X"},               // medical oncology, hematology
	"207RP1001X": {"207RC0200X"},                             // critical care, held by pulmonologists
}

// physicianCode reports an allopathic or osteopathic physician taxonomy code.
func physicianCode(code string) bool {
	return len(code) == 10 && strings.HasPrefix(code, "20")
}

func taxonomyList(lics []License) string {
	var parts []string
	for _, l := range lics {
		if l.TaxonomyCode == "" {
			continue
		}
		part := l.TaxonomyCode + " " + TaxonomyName(l.TaxonomyCode)
		if l.Primary {
			part += " (primary)"
		}
		parts = append(parts, part)
	}
	if len(parts) == 0 {
		return "none listed"
	}
	return strings.Join(parts, ", ")
}

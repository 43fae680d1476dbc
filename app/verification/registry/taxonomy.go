package registry

import "strings"

// taxonomyNames are NUCC's names for the seeded specialties' codes, from
// the reference list (shared/data/specialty_taxonomy.csv): the registry
// lists codes only, and a moderator reads names.
var taxonomyNames = map[string]string{
	"207K00000X": "Allergy & Immunology",
	"207L00000X": "Anesthesiology",
	"207RC0000X": "Internal Medicine, Cardiovascular Disease",
	"207N00000X": "Dermatology",
	"207P00000X": "Emergency Medicine",
	"207RE0101X": "Internal Medicine, Endocrinology, Diabetes & Metabolism",
	"207Q00000X": "Family Medicine",
	"207RG0100X": "Internal Medicine, Gastroenterology",
	"208600000X": "Surgery",
	"207RH0003X": "Internal Medicine, Hematology & Oncology",
	"207RI0200X": "Internal Medicine, Infectious Disease",
	"207R00000X": "Internal Medicine",
	"207RN0300X": "Internal Medicine, Nephrology",
	"2084N0400X": "Psychiatry & Neurology, Neurology",
	"207V00000X": "Obstetrics & Gynecology",
	"207W00000X": "Ophthalmology",
	"207X00000X": "Orthopaedic Surgery",
	"207Y00000X": "Otolaryngology",
	"207ZP0102X": "Pathology, Anatomic Pathology & Clinical Pathology",
	"208000000X": "Pediatrics",
	"2084P0800X": "Psychiatry & Neurology, Psychiatry",
	"207RP1001X": "Internal Medicine, Pulmonary Disease",
	"2085R0202X": "Radiology, Diagnostic Radiology",
	"207RR0500X": "Internal Medicine, Rheumatology",
	"208800000X": "Urology",
}

// classifications maps a physician code's first four characters to its
// NUCC classification, derived from taxonomyNames: every subspecialty code
// shares its classification's prefix.
var classifications = func() map[string]string {
	m := map[string]string{}
	for code, name := range taxonomyNames {
		class, _, _ := strings.Cut(name, ",")
		if prev, ok := m[code[:4]]; !ok || len(class) < len(prev) {
			m[code[:4]] = class
		}
	}
	return m
}()

// TaxonomyName names a NUCC code for a moderator: its own name when it is a
// seeded specialty's, else its classification's, else what kind of code it is.
func TaxonomyName(code string) string {
	code = strings.ToUpper(strings.TrimSpace(code))
	if name, ok := taxonomyNames[code]; ok {
		return name
	}
	if !physicianCode(code) {
		return "not a physician taxonomy"
	}
	if class, ok := classifications[code[:4]]; ok {
		return class + ", other subspecialty"
	}
	return "physician, classification not on file"
}

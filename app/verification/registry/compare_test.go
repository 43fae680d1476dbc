package registry_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"curbside/app/apperr"
	"curbside/app/db/testdb"
	"curbside/app/verification/registry"
)

// verdicts spells a comparison's checks in order (Name, Entity type, Active,
// License, Taxonomy) as + match, - mismatch, ? not in registry.
func verdicts(c registry.Comparison) string {
	var b strings.Builder
	for _, ch := range c.Checks {
		b.WriteByte(map[registry.Verdict]byte{registry.Match: '+', registry.Mismatch: '-', registry.NotInRegistry: '?'}[ch.Verdict])
	}
	return b.String()
}

func TestCompare(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	importFile(t, db.DB, samplePath, registry.ImportOptions{})
	recs, err := registry.NewStore(db.DB).LookupMany(context.Background(), append(sampleValid, npiKim))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(sampleValid) || recs[npiKim] != nil {
		t.Fatalf("LookupMany found %d records, want the %d imported", len(recs), len(sampleValid))
	}
	const (
		cardiology   = "207RC0000X"
		internalMed  = "207R00000X"
		endocrine    = "207RE0101X"
		dermatology  = "207N00000X"
		familyMed    = "207Q00000X"
		psychiatry   = "2084P0800X"
		nursePract   = "363L00000X"
		pediatrics   = "208000000X"
		gastroenter  = "207RG0100X"
		orthopaedics = "207X00000X"
	)
	for _, tc := range []struct {
		name     string
		claim    registry.Claim
		taxonomy string
		want     string
		overall  registry.Verdict
	}{
		{"all match, honorifics and middle name ignored",
			registry.Claim{"Dr. Maya Li Chen, MD", npiChen, "ca", "a 123456", "cardiology"}, cardiology, "++++++", registry.Match},
		{"second license, zero padded",
			registry.Claim{"MAYA CHEN", npiChen, "NV", "00012345", "internal-medicine"}, internalMed, "++++++", registry.Match},
		{"another subspecialty of the 207R classification",
			registry.Claim{"Maya Chen", npiChen, "CA", "A-123456", "endocrinology"}, endocrine, "+++++-", registry.Mismatch},
		{"other specialty", registry.Claim{"Maya Chen", npiChen, "CA", "A123456", "dermatology"}, dermatology, "+++++-", registry.Mismatch},
		{"other name", registry.Claim{"Maya Wong", npiChen, "CA", "A123456", "cardiology"}, cardiology, "-+++++", registry.Mismatch},
		{"first name alone", registry.Claim{"Maya", npiChen, "CA", "A123456", "cardiology"}, cardiology, "-+++++", registry.Mismatch},
		{"license number of another state", registry.Claim{"Maya Chen", npiChen, "CA", "12345", "cardiology"}, cardiology, "+++-++", registry.Mismatch},
		{"no license given", registry.Claim{"Maya Chen", npiChen, "", "", "cardiology"}, cardiology, "+++--+", registry.Mismatch},
		{"osteopath", registry.Claim{"David Okafor, D.O.", npiOkafor, "TX", "q4521", "family-medicine"}, familyMed, "++++++", registry.Match},
		{"apostrophe dropped", registry.Claim{"John Obrien", npiOBrien, "MA", "204551", "orthopedic-surgery"}, orthopaedics, "++++++", registry.Match},
		{"apostrophe kept", registry.Claim{"JOHN P. O’BRIEN", npiOBrien, "MA", "204551", "orthopedic-surgery"}, orthopaedics, "++++++", registry.Match},
		{"hyphenated surname and accents, reactivated",
			registry.Claim{"Sofía García-López", npiGarcia, "FL", "ME98765", "pediatrics"}, pediatrics, "++++++", registry.Match},
		{"half a double surname", registry.Claim{"Sofia Garcia", npiGarcia, "FL", "ME98765", "pediatrics"}, pediatrics, "-+++++", registry.Mismatch},
		{"neurologist claiming psychiatry, same 2084 classification", registry.Claim{"Priya Ramanathan", npiRamanathan, "NY", "283746", "psychiatry"}, psychiatry, "+++++-", registry.Mismatch},
		{"non-physician specialty code", registry.Claim{"James Wu", npiWu, "IL", "036112233", "gastroenterology"}, nursePract, "+++++-", registry.Mismatch},
		{"no specialty code", registry.Claim{"James Wu", npiWu, "IL", "036112233", ""}, "", "+++++-", registry.Mismatch},
		{"primary switch X still counts", registry.Claim{"James Wu", npiWu, "IL", "36-112233", "gastroenterology"}, gastroenter, "++++++", registry.Match},
		{"organization", registry.Claim{"Maya Chen", npiBayview, "CA", "A123456", "cardiology"}, cardiology, "--+---", registry.Mismatch},
		{"deactivated", registry.Claim{"Maya Chen", npiRetired, "CA", "A123456", "cardiology"}, cardiology, "------", registry.Mismatch},
		{"not in registry", registry.Claim{"Noah Kim", npiKim, "WA", "MD61234567", "pulmonology"}, "207RP1001X", "??????", registry.NotInRegistry},
	} {
		got := registry.Compare(tc.claim, recs[tc.claim.NPI], tc.taxonomy)
		if verdicts(got) != tc.want || got.Overall != tc.overall {
			t.Errorf("%s: verdicts %s overall %s, want %s %s\n%+v", tc.name, verdicts(got), got.Overall, tc.want, tc.overall, got.Checks)
		}
	}
}

func TestCompareShowsBothSides(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	importFile(t, db.DB, samplePath, registry.ImportOptions{})
	retired := lookup(t, db.DB, npiRetired)
	garcia := lookup(t, db.DB, npiGarcia)

	got := registry.Compare(registry.Claim{"Dr Maya Chen", npiGarcia, "FL", "ME 98765", "pediatrics"}, garcia, "208000000X")
	want := []registry.Check{
		{Name: registry.CheckName, Claimed: "Dr Maya Chen", Registry: "SOFIA GARCIA-LOPEZ, MD", Verdict: registry.Mismatch},
		{Name: registry.CheckEntityType, Claimed: "individual", Registry: "individual", Verdict: registry.Match},
		{Name: registry.CheckActive, Claimed: "active", Registry: "reactivated 2018-06-01 after deactivation 2018-03-01", Verdict: registry.Match},
		{Name: registry.CheckLicense, Claimed: "FL ME 98765", Registry: "FL ME 98765", Verdict: registry.Match},
		{Name: registry.CheckState, Claimed: "FL", Registry: "FL", Verdict: registry.Match},
		{Name: registry.CheckTaxonomy, Claimed: "pediatrics (208000000X)", Registry: "208000000X Pediatrics (primary)", Verdict: registry.Match},
	}
	if !reflect.DeepEqual(got.Checks, want) {
		t.Errorf("checks =\n%+v\nwant\n%+v", got.Checks, want)
	}
	if c := registry.Compare(registry.Claim{NPI: npiRetired}, retired, ""); c.Checks[2].Registry != "deactivated 2019-05-14" ||
		c.Checks[1].Registry != "not stated" || c.Checks[3].Registry != "none listed" {
		t.Errorf("deactivated checks = %+v", c.Checks)
	}
	// A record fetched for another NPI must not vouch for this claim.
	if c := registry.Compare(registry.Claim{FullName: "Sofia Garcia-Lopez", NPI: npiChen}, garcia, "208000000X"); c.Overall != registry.NotInRegistry {
		t.Errorf("record of another NPI: overall %s", c.Overall)
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	importFile(t, db.DB, samplePath, registry.ImportOptions{})
	store := registry.NewStore(db.DB)
	ctx := context.Background()
	for _, npi := range []string{npiKim, npiBadDate, "1234567890", "DROP TABLE"} {
		if rec, err := store.Lookup(ctx, npi); rec != nil || !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("Lookup(%q) = %v, %v; want ErrNotFound", npi, rec, err)
		}
	}
	got, err := store.LookupMany(ctx, []string{npiWu, npiKim, "bad", npiWu, npiOkafor})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[npiWu].LastName != "WU" || got[npiOkafor].LastName != "OKAFOR" {
		t.Errorf("LookupMany = %v", got)
	}
	if got, err := store.LookupMany(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("LookupMany(nil) = %v, %v", got, err)
	}
}

// Taxonomy codes match by what they mean, not by how they are spelled alike.
func TestTaxonomyMatching(t *testing.T) {
	one := registry.EntityIndividual
	for _, tc := range []struct {
		held, claimed string
		match         bool
	}{
		{"207RC0000X", "207RC0000X", true},  // cardiology
		{"207RC0200X", "207RC0000X", false}, // critical care is not cardiology
		{"207RH0002X", "207RH0003X", false}, // hospice is not hematology-oncology
		{"207RG0300X", "207RG0100X", false}, // geriatrics is not gastroenterology
		{"2085R0001X", "2085R0202X", false}, // radiation oncology is not diagnostic radiology
		{"207ZP0101X", "207ZP0102X", true},  // anatomic pathology for pathology
		{"2084P0804X", "2084P0800X", true},  // child psychiatry for psychiatry
		{"207RC0000X", "207R00000X", true},  // a cardiologist is an internist
		{"207R00000X", "207RC0000X", false}, // an internist is not a cardiologist
		{"363L00000X", "207Q00000X", false}, // a nurse practitioner is not a physician
	} {
		rec := &registry.Record{NPI: "1234567893", EntityType: &one, FirstName: "A", LastName: "B",
			Licenses: []registry.License{{TaxonomyCode: tc.held, LicenseNumber: "1", LicenseState: "CA"}}}
		got := registry.Compare(registry.Claim{FullName: "A B", NPI: "1234567893", LicenseState: "CA", LicenseNumber: "1"}, rec, tc.claimed)
		last := got.Checks[len(got.Checks)-1]
		if (last.Verdict == registry.Match) != tc.match {
			t.Errorf("holding %s, claiming %s: %s", tc.held, tc.claimed, last.Verdict)
		}
	}
}

// The license state is checked on its own, and taxonomy codes are named.
func TestLicenseStateAndTaxonomyNames(t *testing.T) {
	t.Parallel()
	one := registry.EntityIndividual
	rec := &registry.Record{NPI: "1234567893", EntityType: &one, FirstName: "A", LastName: "B", Licenses: []registry.License{
		{TaxonomyCode: "207RC0000X", LicenseNumber: "1", LicenseState: "CA", Primary: true},
		{TaxonomyCode: "207RC0200X", LicenseNumber: "2", LicenseState: "nv"}}}
	got := registry.Compare(registry.Claim{FullName: "A B", NPI: "1234567893", LicenseState: "TX", LicenseNumber: "1"}, rec, "207RC0000X")
	state := got.Checks[4]
	if state.Name != registry.CheckState || state.Claimed != "TX" || state.Registry != "CA, NV" || state.Verdict != registry.Mismatch {
		t.Errorf("state check = %+v", state)
	}
	if tax := got.Checks[5].Registry; tax != "207RC0000X Internal Medicine, Cardiovascular Disease (primary), 207RC0200X Internal Medicine, other subspecialty" {
		t.Errorf("taxonomy shown as %q", tax)
	}
	for code, want := range map[string]string{"2084P0800X": "Psychiatry & Neurology, Psychiatry", "363L00000X": "not a physician taxonomy",
		"2086S0102X": "Surgery, other subspecialty", "204C00000X": "physician, classification not on file"} {
		if got := registry.TaxonomyName(code); got != want {
			t.Errorf("TaxonomyName(%s) = %q, want %q", code, got, want)
		}
	}
}

package registry_test

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"curbside/app/db/testdb"
	"curbside/app/verification/registry"
)

var (
	samplePath = filepath.Join("testdata", "npidata_pfile_sample.csv")
	updatePath = filepath.Join("testdata", "npidata_pfile_update.csv")
)

// sampleValid are the sample's NPIs that should land in the table.
var sampleValid = []string{npiChen, npiOkafor, npiRamanathan, npiBayview, npiOBrien, npiRetired, npiGarcia, npiWu}

func importFile(t *testing.T, db *gorm.DB, path string, opts registry.ImportOptions) registry.ImportStats {
	t.Helper()
	stats, err := registry.ImportFile(context.Background(), db, path, opts)
	if err != nil {
		t.Fatalf("import %s: %v", path, err)
	}
	return stats
}

// allRecords reads the table back in a stable order.
func allRecords(t *testing.T, db *gorm.DB) []registry.Record {
	t.Helper()
	var recs []registry.Record
	if err := db.Order("npi").Find(&recs).Error; err != nil {
		t.Fatal(err)
	}
	return recs
}

func date(s string) *time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return &d
}

// checkSample asserts what importing the sample must report and store.
func checkSample(t *testing.T, db *gorm.DB, stats registry.ImportStats) {
	t.Helper()
	if stats.Rows != 10 || stats.Upserted != len(sampleValid) || stats.Malformed != 2 {
		t.Errorf("stats = %+v, want 10 rows, %d upserted, 2 malformed", stats, len(sampleValid))
	}
	if len(stats.Problems) != 2 ||
		stats.Problems[0].Line != 6 || !strings.Contains(stats.Problems[0].Reason, "fields, the header has") ||
		stats.Problems[1].Line != 9 || !strings.Contains(stats.Problems[1].Reason, `Last Update Date "02/30/2021"`) {
		t.Errorf("problems = %+v, want line 6 (field count) and line 9 (date)", stats.Problems)
	}
	recs := allRecords(t, db)
	var got []string
	for _, r := range recs {
		got = append(got, r.NPI)
	}
	want := slices.Sorted(slices.Values(sampleValid))
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("stored NPIs = %v, want %v", got, want)
	}
}

func lookup(t *testing.T, db *gorm.DB, npi string) *registry.Record {
	t.Helper()
	rec, err := registry.NewStore(db).Lookup(context.Background(), npi)
	if err != nil {
		t.Fatalf("lookup %s: %v", npi, err)
	}
	return rec
}

func TestImportSample(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	var seen []registry.Problem
	var progress []registry.ImportStats
	stats := importFile(t, db.DB, samplePath, registry.ImportOptions{
		BatchSize:     3, // several batches, one of them partial
		ProgressEvery: 4,
		Progress:      func(s registry.ImportStats) { progress = append(progress, s) },
		OnProblem:     func(line int, reason string) { seen = append(seen, registry.Problem{Line: line, Reason: reason}) },
	})
	checkSample(t, db.DB, stats)
	if !reflect.DeepEqual(seen, stats.Problems) {
		t.Errorf("OnProblem saw %+v, stats hold %+v", seen, stats.Problems)
	}
	if len(progress) != 3 || progress[0].Rows != 4 || progress[1].Rows != 8 || progress[2].Rows != 10 {
		t.Errorf("progress calls = %+v, want at rows 4, 8 and the end (10)", progress)
	}

	chen := lookup(t, db.DB, npiChen)
	individual := registry.EntityIndividual
	want := registry.Record{
		NPI: npiChen, EntityType: &individual, FirstName: "MAYA", MiddleName: "L", LastName: "CHEN",
		Credential: "M.D.", PracticeCity: "SAN FRANCISCO", PracticeState: "CA", PracticePostalCode: "941101234",
		EnumerationDate: date("2009-05-12"), LastUpdateDate: date("2023-07-08"),
		Licenses: []registry.License{
			{TaxonomyCode: "207RC0000X", LicenseNumber: "A123456", LicenseState: "CA", Primary: true},
			{TaxonomyCode: "207R00000X", LicenseNumber: "12345", LicenseState: "NV"},
		},
	}
	if chen.ImportedAt.IsZero() || time.Since(chen.ImportedAt) > time.Hour {
		t.Errorf("imported_at = %v, want about now", chen.ImportedAt)
	}
	want.ImportedAt = chen.ImportedAt
	if !reflect.DeepEqual(*chen, want) {
		t.Errorf("chen =\n%+v\nwant\n%+v", *chen, want)
	}

	org := lookup(t, db.DB, npiBayview)
	if org.EntityType == nil || *org.EntityType != registry.EntityOrganization ||
		org.OrganizationName != "BAYVIEW CARDIOLOGY ASSOCIATES LLC" || org.LastName != "" {
		t.Errorf("organization = %+v", org)
	}
	retired := lookup(t, db.DB, npiRetired)
	if retired.EntityType != nil || !reflect.DeepEqual(retired.DeactivationDate, date("2019-05-14")) ||
		retired.ReactivationDate != nil || retired.Active() || retired.Licenses == nil || len(retired.Licenses) != 0 {
		t.Errorf("deactivated = %+v", retired)
	}
	garcia := lookup(t, db.DB, npiGarcia)
	if garcia.DeactivationDate == nil || !reflect.DeepEqual(garcia.ReactivationDate, date("2018-06-01")) || !garcia.Active() {
		t.Errorf("reactivated = %+v", garcia)
	}
	if wu := lookup(t, db.DB, npiWu); len(wu.Licenses) != 1 || wu.Licenses[0].Primary {
		t.Errorf("switch X must not mark a primary: %+v", wu.Licenses)
	}
}

func TestImportIsIdempotentThenUpserts(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	checkSample(t, db.DB, importFile(t, db.DB, samplePath, registry.ImportOptions{}))
	first := allRecords(t, db.DB)

	again := importFile(t, db.DB, samplePath, registry.ImportOptions{})
	if again.Rows != 10 || again.Upserted != 0 || again.Malformed != 2 {
		t.Errorf("second import stats = %+v, want 10 rows, 0 upserted, 2 malformed", again)
	}
	if second := allRecords(t, db.DB); !reflect.DeepEqual(first, second) {
		t.Errorf("second import changed the table:\n%+v\n%+v", first, second)
	}

	up := importFile(t, db.DB, updatePath, registry.ImportOptions{})
	if up.Rows != 3 || up.Upserted != 2 || up.Malformed != 0 {
		t.Errorf("update stats = %+v, want 3 rows, 2 upserted (Okafor is unchanged)", up)
	}
	after := allRecords(t, db.DB)
	if len(after) != len(first)+1 {
		t.Fatalf("after update %d rows, want %d", len(after), len(first)+1)
	}
	chen := lookup(t, db.DB, npiChen)
	if len(chen.Licenses) != 3 || chen.Licenses[2].LicenseState != "WA" ||
		!reflect.DeepEqual(chen.LastUpdateDate, date("2025-01-10")) {
		t.Errorf("chen after update = %+v", chen)
	}
	var beforeOkafor registry.Record
	for _, r := range first {
		if r.NPI == npiOkafor {
			beforeOkafor = r
		}
	}
	if okafor := lookup(t, db.DB, npiOkafor); !reflect.DeepEqual(*okafor, beforeOkafor) {
		t.Errorf("unchanged row was rewritten: %+v, before %+v", okafor, beforeOkafor)
	}
	if kim := lookup(t, db.DB, npiKim); kim.LastName != "KIM" || kim.Licenses[0].TaxonomyCode != "207RP1001X" {
		t.Errorf("new row = %+v", kim)
	}
}

func TestImportZip(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	data, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	headerOnly := data[:bytes.IndexByte(data, '\n')+1]
	zipPath := filepath.Join(t.TempDir(), "NPPES_Data_Dissemination_January_2025.zip")
	writeZip(t, zipPath, map[string][]byte{
		"npidata_pfile_20050523-20250112_fileheader.csv": headerOnly,
		"othername_pfile_20050523-20250112.csv":          []byte("\"NPI\",\"Provider Other Organization Name\"\n"),
		"pl_pfile_20050523-20250112.csv":                 []byte("\"NPI\"\n\"1234567893\"\n"),
		"npidata_pfile_20050523-20250112.csv":            data,
		"NPPES_Data_Dissemination_Readme.pdf":            []byte("%PDF"),
	})
	checkSample(t, db.DB, importFile(t, db.DB, zipPath, registry.ImportOptions{}))

	emptyZip := filepath.Join(t.TempDir(), "other.zip")
	writeZip(t, emptyZip, map[string][]byte{"npidata_pfile_x_fileheader.csv": headerOnly})
	if _, err := registry.ImportFile(context.Background(), db.DB, emptyZip, registry.ImportOptions{}); err == nil ||
		!strings.Contains(err.Error(), "no npidata_pfile") {
		t.Errorf("zip without data file: err = %v", err)
	}
}

func writeZip(t *testing.T, path string, files map[string][]byte) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

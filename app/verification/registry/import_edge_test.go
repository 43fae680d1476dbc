package registry_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"curbside/app/db/testdb"
	"curbside/app/verification/registry"
)

func TestImportMissingRequiredColumn(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	header := slices.DeleteFunc(sampleHeader(t), func(c string) bool { return c == "Provider Last Name (Legal Name)" })
	_, err := registry.Import(context.Background(), db.DB, bytes.NewReader(render(header, sampleRows())), registry.ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), `lacks column "Provider Last Name (Legal Name)"`) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %v, want a one-line message naming the missing column", err)
	}
	var n int64
	if err := db.Model(&registry.Record{}).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d rows imported despite the bad header", n)
	}
	if _, err := registry.Import(context.Background(), db.DB, strings.NewReader(""), registry.ImportOptions{}); err == nil {
		t.Error("an empty file imported without error")
	}
}

// Columns are found by name: a layout with columns moved, dropped and added
// imports the same data.
func TestImportReadsColumnsByName(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	header := slices.Clone(sampleHeader(t))
	slices.Reverse(header)
	header = slices.DeleteFunc(header, func(c string) bool { return strings.HasSuffix(c, "_15") || c == "Provider Sex Code" })
	header = append(header, "Provider Gender Code", "Some Future Column")
	stats, err := registry.Import(context.Background(), db.DB, bytes.NewReader(render(header, sampleRows())), registry.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkSample(t, db.DB, stats)
	chen := lookup(t, db.DB, npiChen)
	if chen.LastName != "CHEN" || chen.PracticeCity != "SAN FRANCISCO" || len(chen.Licenses) != 2 || !chen.Licenses[0].Primary {
		t.Errorf("chen read from a reordered layout = %+v", chen)
	}
}

func TestImportSkipsBadRowsAndKeepsLastDuplicate(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	header := sampleHeader(t)
	rows := render(header, []row{
		person("1482039578", "BAD", "", "CHECKDIGIT", "MD", "", "", "", "", ""), // line 2
		person("12345", "SHORT", "", "NPI", "MD", "", "", "", "", ""),           // line 3
		chenRow().set("Entity Type Code", "3"),                                  // line 4
		chenRow().set("Provider Enumeration Date", "2009-05-12"),                // line 5
		okaforRow(), // line 6
		okaforRow().set("Provider Credential Text", "DO"),                             // line 7 replaces line 6
		chenRow().set("Provider Organization Name (Legal Business Name)", "CHEN LLC"), // line 8
	})
	// A stray quote inside a field is a CSV error that must cost only its row.
	rows = append(rows, []byte(`"`+npiWu+`","1","","","","W"U"`+strings.Repeat(`,""`, len(header)-6)+"\n")...)
	rows = append(rows, renderRows(header, []row{okaforRow().set("Provider Credential Text", "D.O., FAAFP")})...)
	var calls int
	stats, err := registry.Import(context.Background(), db.DB, bytes.NewReader(rows), registry.ImportOptions{
		BatchSize: 100,
		OnProblem: func(int, string) { calls++ },
	})
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for _, p := range stats.Problems {
		lines = append(lines, p.Line)
	}
	if stats.Rows != 9 || stats.Malformed != 5 || calls != 5 || !slices.Equal(lines, []int{2, 3, 4, 5, 9}) {
		t.Errorf("stats = %+v, want 9 rows and problems on lines 2 3 4 5 9", stats)
	}
	for i, want := range []string{"check digit", "10 digits", "neither 1 nor 2", "MM/DD/YYYY", `"`} {
		if i < len(stats.Problems) && !strings.Contains(stats.Problems[i].Reason, want) {
			t.Errorf("problem %d = %q, want mention of %q", i, stats.Problems[i].Reason, want)
		}
	}
	if got := lookup(t, db.DB, npiOkafor).Credential; got != "D.O., FAAFP" {
		t.Errorf("okafor credential = %q, want the last line's", got)
	}
	if got := lookup(t, db.DB, npiChen).OrganizationName; got != "CHEN LLC" {
		t.Errorf("chen organization = %q", got)
	}
}

func TestImportStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	db := testdb.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := registry.ImportFile(ctx, db.DB, samplePath, registry.ImportOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

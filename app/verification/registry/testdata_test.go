package registry_test

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The test files are generated from the rows below so that the tests and the
// data cannot drift apart. The header is kept from the committed sample's
// first line, a verbatim copy of the NPPES layout.
var update = flag.Bool("update", false, "rewrite testdata/*.csv from the rows in testdata_test.go")

// Invented NPIs; each passes the check digit.
const (
	npiChen       = "1482039579"
	npiOkafor     = "1193847203"
	npiRamanathan = "1629583745"
	npiBayview    = "2048173654"
	npiShortRow   = "1305829172"
	npiOBrien     = "1837462054"
	npiRetired    = "1972538460"
	npiBadDate    = "1753104680"
	npiGarcia     = "1415926538"
	npiWu         = "1582037465"
	npiKim        = "1264839501" // only in the update file
)

// row is one data line as column name → value; unnamed columns are blank.
type row map[string]string

// shortRow marks a row written one field short, as a truncated line would be.
const shortRow = "\x00short"

func person(npi, first, middle, last, cred, city, state, zip, enumerated, updated string) row {
	return row{
		"NPI": npi, "Entity Type Code": "1", "Provider First Name": first, "Provider Middle Name": middle,
		"Provider Last Name (Legal Name)": last, "Provider Credential Text": cred,
		"Provider First Line Business Practice Location Address":                     "100 MAIN ST",
		"Provider Business Practice Location Address City Name":                      city,
		"Provider Business Practice Location Address State Name":                     state,
		"Provider Business Practice Location Address Postal Code":                    zip,
		"Provider Business Practice Location Address Country Code (If outside U.S.)": "US",
		"Provider Enumeration Date":                                                  enumerated, "Last Update Date": updated,
		"Is Sole Proprietor": "N",
	}
}

// with adds license slot n (1-based) and returns r for chaining.
func (r row) with(n int, taxonomy, number, state, primary string) row {
	r[fmt.Sprintf("Healthcare Provider Taxonomy Code_%d", n)] = taxonomy
	r[fmt.Sprintf("Provider License Number_%d", n)] = number
	r[fmt.Sprintf("Provider License Number State Code_%d", n)] = state
	r[fmt.Sprintf("Healthcare Provider Primary Taxonomy Switch_%d", n)] = primary
	return r
}

func (r row) set(kv ...string) row {
	for i := 0; i < len(kv); i += 2 {
		r[kv[i]] = kv[i+1]
	}
	return r
}

func chenRow() row {
	return person(npiChen, "MAYA", "L", "CHEN", "M.D.", "SAN FRANCISCO", "CA", "941101234", "05/12/2009", "07/08/2023").
		with(1, "207RC0000X", "A123456", "CA", "Y").
		with(2, "207R00000X", "12345", "NV", "N")
}

func okaforRow() row {
	return person(npiOkafor, "DAVID", "A", "OKAFOR", "D.O.", "HOUSTON", "TX", "770301100", "11/03/2011", "02/14/2024").
		with(1, "207Q00000X", "Q-4521", "TX", "Y")
}

// sampleRows start at line 2; line numbers in the tests follow this order.
func sampleRows() []row {
	return []row{
		chenRow(), // line 2
		okaforRow(),
		person(npiRamanathan, "PRIYA", "", "RAMANATHAN", "MD", "ROCHESTER", "NY", "146420001", "01/20/2015", "01/20/2015").
			with(1, "2084N0400X", "0283746", "NY", "Y").
			with(2, "2084N0402X", "25MA09876500", "NJ", "N"),
		{"NPI": npiBayview, "Entity Type Code": "2",
			"Provider Organization Name (Legal Business Name)":       "BAYVIEW CARDIOLOGY ASSOCIATES LLC",
			"Provider Business Practice Location Address City Name":  "SAN FRANCISCO",
			"Provider Business Practice Location Address State Name": "CA",
			"Provider Enumeration Date":                              "03/30/2012", "Last Update Date": "03/30/2012",
			"Authorized Official Last Name": "CHEN", "Authorized Official First Name": "MAYA",
			"Healthcare Provider Taxonomy Code_1": "193200000X", "Healthcare Provider Primary Taxonomy Switch_1": "Y"},
		person(npiShortRow, "AISHA", "", "BELLO", "MD", "ATLANTA", "GA", "30303", "06/01/2016", "06/01/2016").
			with(1, "207P00000X", "071234", "GA", "Y").set(shortRow, ""), // line 6
		person(npiOBrien, "JOHN", "PATRICK", "O'BRIEN", "M.D.", "BOSTON", "MA", "02114", "08/15/2007", "10/02/2022").
			with(1, "207X00000X", "204551", "MA", "Y"),
		// NPPES blanks all but the NPI and the date once an NPI is deactivated.
		{"NPI": npiRetired, "NPI Deactivation Date": "05/14/2019"}, // line 8
		person(npiBadDate, "ELENA", "", "VOSS", "MD", "DENVER", "CO", "80202", "04/04/2010", "02/30/2021").
			with(1, "207N00000X", "DR.0051234", "CO", "Y"), // line 9
		person(npiGarcia, "SOFIA", "", "GARCIA-LOPEZ", "MD", "MIAMI", "FL", "33136", "09/09/2013", "06/01/2018").
			with(1, "208000000X", "ME 98765", "FL", "Y").
			set("NPI Deactivation Date", "03/01/2018", "NPI Reactivation Date", "06/01/2018"),
		person(npiWu, "JAMES", "", "WU", "MD", "CHICAGO", "IL", "60611", "12/01/2016", "12/01/2016").
			with(1, "207RG0100X", "036-112233", "IL", "X"), // line 11
	}
}

// updateRows are a weekly file: Chen gains a Washington license, Okafor is
// sent again unchanged, Kim is new.
func updateRows() []row {
	return []row{
		chenRow().with(3, "207RC0000X", "MD60512345", "WA", "N").set("Last Update Date", "01/10/2025"),
		okaforRow(),
		person(npiKim, "NOAH", "J", "KIM", "MD", "SEATTLE", "WA", "98104", "01/06/2025", "01/06/2025").
			with(1, "207RP1001X", "MD61234567", "WA", "Y"),
	}
}

// render writes header and rows with every field quoted, as NPPES does.
func render(header []string, rows []row) []byte {
	return append(quoteLine(header), renderRows(header, rows)...)
}

func renderRows(header []string, rows []row) []byte {
	var b []byte
	for _, r := range rows {
		fields := make([]string, len(header))
		for i, name := range header {
			fields[i] = r[name]
		}
		if _, ok := r[shortRow]; ok {
			fields = fields[:len(fields)-1]
		}
		b = append(b, quoteLine(fields)...)
	}
	return b
}

func quoteLine(fields []string) []byte {
	var b bytes.Buffer
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"` + strings.ReplaceAll(f, `"`, `""`) + `"`)
	}
	b.WriteByte('\n')
	return b.Bytes()
}

func sampleHeader(t testing.TB) []string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "npidata_pfile_sample.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	header, err := csv.NewReader(f).Read()
	if err != nil {
		t.Fatal(err)
	}
	return header
}

func TestTestdataUpToDate(t *testing.T) {
	header := sampleHeader(t)
	if len(header) != 330 {
		t.Fatalf("sample header has %d columns, want the NPPES 330", len(header))
	}
	known := map[string]bool{shortRow: true}
	for _, name := range header {
		known[name] = true
	}
	for name, rows := range map[string][]row{
		"npidata_pfile_sample.csv": sampleRows(),
		"npidata_pfile_update.csv": updateRows(),
	} {
		for _, r := range rows {
			for col := range r {
				if !known[col] {
					t.Fatalf("%s: row %s names column %q, which the header lacks", name, r["NPI"], col)
				}
			}
		}
		want := render(header, rows)
		p := filepath.Join("testdata", name)
		if *update {
			if err := os.WriteFile(p, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale; run go test -run TestTestdataUpToDate -update", p)
		}
	}
}

package registry

import (
	"fmt"
	"strings"
	"time"
)

// Header names in the NPPES npidata_pfile layout. Columns are found by name
// because NPPES has renamed and appended columns between layouts.
const (
	colNPI          = "NPI"
	colEntityType   = "Entity Type Code"
	colOrganization = "Provider Organization Name (Legal Business Name)"
	colLastName     = "Provider Last Name (Legal Name)"
	colFirstName    = "Provider First Name"
	colMiddleName   = "Provider Middle Name"
	colCredential   = "Provider Credential Text"
	colCity         = "Provider Business Practice Location Address City Name"
	colState        = "Provider Business Practice Location Address State Name"
	colPostalCode   = "Provider Business Practice Location Address Postal Code"
	colEnumerated   = "Provider Enumeration Date"
	colLastUpdate   = "Last Update Date"
	colDeactivated  = "NPI Deactivation Date"
	colReactivated  = "NPI Reactivation Date"

	colTaxonomyN      = "Healthcare Provider Taxonomy Code_%d"
	colLicenseN       = "Provider License Number_%d"
	colLicenseStateN  = "Provider License Number State Code_%d"
	colPrimaryTaxonN  = "Healthcare Provider Primary Taxonomy Switch_%d"
	maxLicenseColumns = 15
)

// requiredColumns are those without which a file cannot be the NPPES
// provider file at all; any other column may be absent and reads as blank.
var requiredColumns = []string{colNPI, colEntityType, colLastName}

// columns holds each wanted column's index in a row, -1 when absent.
type columns struct {
	width                                            int
	npi, entityType, organization                    int
	lastName, firstName, middleName                  int
	credential, city, state, postalCode              int
	enumerated, lastUpdate, deactivated, reactivated int
	licenses                                         [maxLicenseColumns]struct{ taxonomy, number, state, primary int }
}

func mapHeader(header []string) (columns, error) {
	index := make(map[string]int, len(header))
	for i, name := range header {
		name = strings.TrimSpace(name)
		if i == 0 {
			name = strings.TrimPrefix(name, "\uFEFF") // a byte-order mark, should an editor have added one
		}
		if _, dup := index[name]; !dup {
			index[name] = i
		}
	}
	var missing []string
	for _, name := range requiredColumns {
		if _, ok := index[name]; !ok {
			missing = append(missing, fmt.Sprintf("%q", name))
		}
	}
	if len(missing) > 0 {
		return columns{}, fmt.Errorf("npi import: not an NPPES npidata file: the header lacks column %s", strings.Join(missing, ", "))
	}
	at := func(name string) int {
		if i, ok := index[name]; ok {
			return i
		}
		return -1
	}
	c := columns{
		width: len(header),
		npi:   at(colNPI), entityType: at(colEntityType), organization: at(colOrganization),
		lastName: at(colLastName), firstName: at(colFirstName), middleName: at(colMiddleName),
		credential: at(colCredential), city: at(colCity), state: at(colState), postalCode: at(colPostalCode),
		enumerated: at(colEnumerated), lastUpdate: at(colLastUpdate),
		deactivated: at(colDeactivated), reactivated: at(colReactivated),
	}
	for n := range c.licenses {
		l := &c.licenses[n]
		l.taxonomy = at(fmt.Sprintf(colTaxonomyN, n+1))
		l.number = at(fmt.Sprintf(colLicenseN, n+1))
		l.state = at(fmt.Sprintf(colLicenseStateN, n+1))
		l.primary = at(fmt.Sprintf(colPrimaryTaxonN, n+1))
	}
	return c, nil
}

// parse turns a row of the header's width into a Record, or says why it cannot.
func (c *columns) parse(row []string, importedAt time.Time) (Record, string) {
	get := func(i int) string {
		if i < 0 {
			return ""
		}
		return strings.TrimSpace(row[i])
	}
	rec := Record{
		NPI:                get(c.npi),
		FirstName:          get(c.firstName),
		MiddleName:         get(c.middleName),
		LastName:           get(c.lastName),
		OrganizationName:   get(c.organization),
		Credential:         get(c.credential),
		PracticeCity:       get(c.city),
		PracticeState:      get(c.state),
		PracticePostalCode: get(c.postalCode),
		// Never nil: the JSON serializer would write null, not an empty array.
		Licenses:   []License{},
		ImportedAt: importedAt,
	}
	if p := NPIProblem(rec.NPI); p != "" {
		return Record{}, fmt.Sprintf("NPI %q: %s", rec.NPI, p)
	}
	switch et := get(c.entityType); et {
	case "":
		// NPPES blanks everything but the NPI and the date on deactivated NPIs.
	case "1", "2":
		t := int16(et[0] - '0')
		rec.EntityType = &t
	default:
		return Record{}, fmt.Sprintf("%s %q is neither 1 nor 2", colEntityType, et)
	}
	for _, d := range []struct {
		col  int
		name string
		dst  **time.Time
	}{
		{c.enumerated, colEnumerated, &rec.EnumerationDate},
		{c.lastUpdate, colLastUpdate, &rec.LastUpdateDate},
		{c.deactivated, colDeactivated, &rec.DeactivationDate},
		{c.reactivated, colReactivated, &rec.ReactivationDate},
	} {
		v := get(d.col)
		if v == "" {
			continue
		}
		t, err := time.Parse("01/02/2006", v)
		if err != nil {
			return Record{}, fmt.Sprintf("%s %q is not a date in MM/DD/YYYY form", d.name, v)
		}
		*d.dst = &t
	}
	for _, l := range c.licenses {
		lic := License{
			TaxonomyCode:  strings.ToUpper(get(l.taxonomy)),
			LicenseNumber: get(l.number),
			LicenseState:  strings.ToUpper(get(l.state)),
			// X means the provider did not say; only Y marks the primary.
			Primary: strings.EqualFold(get(l.primary), "Y"),
		}
		if lic.TaxonomyCode != "" || lic.LicenseNumber != "" || lic.LicenseState != "" {
			rec.Licenses = append(rec.Licenses, lic)
		}
	}
	return rec, ""
}

package registry

import "time"

// Entity types as NPPES codes them.
const (
	EntityIndividual   int16 = 1
	EntityOrganization int16 = 2
)

// License is one of a provider's up to 15 taxonomy slots. NPPES pairs each
// taxonomy code with the state license that backs it, so they travel together.
type License struct {
	TaxonomyCode  string `json:"taxonomy_code"`
	LicenseNumber string `json:"license_number"`
	LicenseState  string `json:"license_state"`
	Primary       bool   `json:"primary"`
}

// Record is one NPI as the registry last described it.
type Record struct {
	NPI                string `gorm:"column:npi;primaryKey"`
	EntityType         *int16
	FirstName          string
	MiddleName         string
	LastName           string
	OrganizationName   string
	Credential         string
	PracticeCity       string
	PracticeState      string
	PracticePostalCode string
	EnumerationDate    *time.Time
	LastUpdateDate     *time.Time
	DeactivationDate   *time.Time
	ReactivationDate   *time.Time
	Licenses           []License `gorm:"serializer:json"`
	ImportedAt         time.Time
}

// TableName keeps GORM from pluralising to "records".
func (Record) TableName() string { return "npi_registry" }

// Active reports whether the NPI may be used: never deactivated, or
// reactivated on or after its latest deactivation.
func (r *Record) Active() bool {
	if r.DeactivationDate == nil {
		return true
	}
	return r.ReactivationDate != nil && !r.ReactivationDate.Before(*r.DeactivationDate)
}

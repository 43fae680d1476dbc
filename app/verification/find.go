package verification

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"curbside/app/accounts"
	"curbside/app/apperr"
	"curbside/app/jurisdictions"
	"curbside/app/verification/registry"
)

// findLimit is how many registry rows one search lists; a member who gets
// that many is asked to type more of the name.
const findLimit = 20

// Candidate is a registry row offered to an applicant looking for
// themselves, with the form's values it would fill in.
type Candidate struct {
	NPI        string
	Name       string
	Credential string
	Place      string // city and state of practice
	License    registry.License
	// Specialty is the seeded specialty the license's taxonomy code maps
	// to, nil when none does.
	Specialty *accounts.Specialty
}

// Values are the verification form's fields this candidate fills.
func (c *Candidate) Values() map[string]string {
	v := map[string]string{"full_name": c.Name, "npi": c.NPI, "license_state": c.License.LicenseState,
		"license_number": c.License.LicenseNumber}
	if c.Specialty != nil {
		v["specialty"] = c.Specialty.Slug
	}
	return v
}

// Found is the outcome of a search: the candidates, and whether there were
// more than were listed.
type Found struct {
	Candidates []Candidate
	More       bool
}

// FindYourself searches the registry for an applicant by name and state of
// practice. A name too short to search and a state that is none are
// FieldErrors at find_name and find_state. Nothing found is no error.
func (s *Service) FindYourself(ctx context.Context, name, state string) (Found, error) {
	state = strings.ToUpper(strings.TrimSpace(state))
	errs := apperr.FieldErrors{}
	if utf8.RuneCountInString(name) > 120 || !registry.SearchableName(name) {
		errs.Add("find_name", fmt.Sprintf("Enter at least %d letters of your last name, and your first name if you like.", registry.MinSearchLetters))
	}
	if !jurisdictions.Valid(state) {
		errs.Add("find_state", "Choose the state where you practise.")
	}
	if err := errs.OrNil(); err != nil {
		return Found{}, err
	}
	recs, err := s.registry.Search(ctx, name, state, findLimit+1)
	if err != nil {
		return Found{}, err
	}
	specs, err := s.accounts.Specialties(ctx)
	if err != nil {
		return Found{}, err
	}
	found := Found{More: len(recs) > findLimit}
	for i := range recs[:min(len(recs), findLimit)] {
		found.Candidates = append(found.Candidates, candidate(&recs[i], state, specs))
	}
	return found, nil
}

// Candidate returns the registry's individual with npi as a candidate, its
// license chosen for state; apperr.ErrNotFound when there is none.
func (s *Service) Candidate(ctx context.Context, npi, state string) (*Candidate, error) {
	rec, err := s.registry.Lookup(ctx, strings.TrimSpace(npi))
	if err != nil {
		return nil, err
	}
	if rec.EntityType == nil || *rec.EntityType != registry.EntityIndividual || !rec.Active() {
		return nil, fmt.Errorf("npi %s is no active individual: %w", npi, apperr.ErrNotFound)
	}
	specs, err := s.accounts.Specialties(ctx)
	if err != nil {
		return nil, err
	}
	c := candidate(rec, strings.ToUpper(strings.TrimSpace(state)), specs)
	return &c, nil
}

func candidate(rec *registry.Record, state string, specs []accounts.Specialty) Candidate {
	c := Candidate{NPI: rec.NPI, Name: rec.FullName(), Credential: rec.Credential,
		Place: strings.Trim(rec.PracticeCity+", "+rec.PracticeState, ", ")}
	c.License, _ = rec.LicenseFor(state)
	c.Specialty = specialtyFor(c.License.TaxonomyCode, specs)
	return c
}

// specialtyFor maps a taxonomy code to a seeded specialty: the one with that
// very code, else one whose code accepts it (a subspecialty's general
// classification comes last, so gastroenterology is not read as internal
// medicine).
func specialtyFor(code string, specs []accounts.Specialty) *accounts.Specialty {
	code = strings.ToUpper(strings.TrimSpace(code))
	if code == "" {
		return nil
	}
	for i := range specs {
		if strings.EqualFold(specs[i].TaxonomyCode, code) {
			return &specs[i]
		}
	}
	for _, general := range []bool{false, true} {
		for i := range specs {
			if strings.HasSuffix(specs[i].TaxonomyCode, "00000X") == general && registry.TaxonomyFits(specs[i].TaxonomyCode, code) {
				return &specs[i]
			}
		}
	}
	return nil
}

package registry

import (
	"context"
	"fmt"
	"strings"

	"curbside/app/db"
)

// MinSearchLetters is how much of a last name a search needs: fewer would
// list a whole state's worth of rows to read through.
const MinSearchLetters = 3

// nameArm is one reading of a typed name: a last-name prefix and, maybe, a
// first-name prefix, both lower case.
type nameArm struct{ last, first string }

// nameArms reads "Chen", "Maya Chen", "Chen Maya" or "Dr. Maya L. Chen":
// one word is the start of a last name; with more, the first and the last
// word are tried both ways round, and all after the first word as a last
// name of several ("Maria De La Cruz"). Readings whose last name is shorter than
// MinSearchLetters are dropped.
func nameArms(name string) []nameArm {
	// The registry writes O'BRIEN and SMITH-JONES as such: a prefix keeps them.
	words := splitName(name, true)
	if len(words) > 1 && (words[0] == "DR" || words[0] == "DOCTOR") {
		words = words[1:]
	}
	var arms []nameArm
	add := func(last, first string) {
		if len([]rune(last)) >= MinSearchLetters {
			arms = append(arms, nameArm{strings.ToLower(last), strings.ToLower(first)})
		}
	}
	switch len(words) {
	case 0:
	case 1:
		add(words[0], "")
	default:
		first, last := words[0], words[len(words)-1]
		add(last, first)
		add(first, last)
		if len(words) > 2 { // "Maria De La Cruz": all after the first name
			add(strings.Join(words[1:], " "), first)
		}
	}
	return arms
}

// SearchableName reports whether Search can look for name.
func SearchableName(name string) bool { return len(nameArms(name)) > 0 }

// Search lists active individuals practising in state whose names start as
// name does (see nameArms), in name order, at most limit of them. It reads
// npi_registry_name_search_idx only, however large the registry.
func (s *Store) Search(ctx context.Context, name, state string, limit int) ([]Record, error) {
	arms := nameArms(name)
	if len(arms) == 0 || limit <= 0 {
		return nil, nil
	}
	// The SQL is fixed text; only the arguments come from the member.
	conds := make([]string, len(arms))
	args := []any{strings.ToUpper(state)}
	for i, a := range arms {
		conds[i] = `(lower(last_name) COLLATE "C" LIKE ?)`
		args = append(args, db.LikeLiteral(a.last)+"%")
		if a.first != "" {
			conds[i] = `(lower(last_name) COLLATE "C" LIKE ? AND lower(first_name) COLLATE "C" LIKE ?)`
			args = append(args, db.LikeLiteral(a.first)+"%")
		}
	}
	var recs []Record
	err := s.db.WithContext(ctx).
		Where("entity_type = 1 AND practice_state = ?", args[0]).
		Where("("+strings.Join(conds, " OR ")+")", args[1:]...).
		Where("(deactivation_date IS NULL OR reactivation_date >= deactivation_date)").
		Order(`lower(last_name) COLLATE "C", lower(first_name) COLLATE "C", npi`).
		Limit(limit).Find(&recs).Error
	if err != nil {
		return nil, fmt.Errorf("search registry: %w", err)
	}
	return recs, nil
}

// LicenseFor picks the license a member practising in state most likely
// holds: one of that state (the primary first), else the primary, else the
// first with a number. ok is false when the record lists none.
func (r *Record) LicenseFor(state string) (lic License, ok bool) {
	state = strings.ToUpper(state)
	best := -1
	score := func(l License) int {
		s := 0
		if l.LicenseNumber != "" {
			s += 4
		}
		if l.LicenseState == state {
			s += 2
		}
		if l.Primary {
			s++
		}
		return s
	}
	for i, l := range r.Licenses {
		if best < 0 || score(l) > score(r.Licenses[best]) {
			best = i
		}
	}
	if best < 0 {
		return License{}, false
	}
	return r.Licenses[best], true
}

// FullName is the name as the registry writes it: first, middle, last.
func (r *Record) FullName() string {
	return strings.Join(strings.Fields(r.FirstName+" "+r.MiddleName+" "+r.LastName), " ")
}

// TaxonomyFits reports whether a provider holding taxonomy code counts as
// practising the specialty whose code is specialtyCode, by the rules the
// moderator's comparison uses.
func TaxonomyFits(specialtyCode, code string) bool {
	return taxonomyMatches(strings.ToUpper(specialtyCode), []License{{TaxonomyCode: code}})
}

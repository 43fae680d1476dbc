package consults

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"curbside/app/db"
	"curbside/app/identity"
)

// listLimit bounds each list of /consults; the queue shows the most urgent
// and oldest first, so what is cut off is what waits least.
const listLimit = 50

// Lists are the consults page's lists for one member.
type Lists struct {
	// Asked are the member's own requests, newest first.
	Asked []Summary
	// Answering are the consults the member claimed and has not seen closed.
	Answering []Summary
	// ForYou are open consults addressed to the member by name.
	ForYou []Summary
	// Queue is the open queue of the member's specialty: urgent first,
	// then oldest.
	Queue []Summary
}

const summaryColumns = `c.id, c.question, c.specialty_id, c.urgency, c.status, c.created_at, c.first_claimed_at,
	c.answered_at, c.overdue_at, c.requester_id, ru.handle, ru.display_name,
	c.consultant_id, cu.handle, cu.display_name, c.addressed_to, au.handle, au.display_name
	FROM consults c JOIN users ru ON ru.id = c.requester_id
	LEFT JOIN users cu ON cu.id = c.consultant_id LEFT JOIN users au ON au.id = c.addressed_to`

// List reads the member's lists in one round trip of two statements,
// whatever their length: their own consults, asked and answered, and the
// queue they may claim from.
func (s *Service) List(ctx context.Context, v *identity.Viewer) (Lists, error) {
	limit := fmt.Sprintf(" LIMIT %d", listLimit)
	var specialty int16 = -1 // a member of no specialty has no queue
	if v.SpecialtyID != nil {
		specialty = *v.SpecialtyID
	}
	b := &pgx.Batch{}
	b.Queue(`(SELECT true, `+summaryColumns+` WHERE c.requester_id = $1 ORDER BY c.created_at DESC, c.id DESC`+limit+`)
		UNION ALL
		(SELECT false, `+summaryColumns+` WHERE c.consultant_id = $1 ORDER BY c.status = 'closed', c.created_at DESC, c.id DESC`+limit+`)`,
		v.UserID)
	b.Queue(`SELECT c.addressed_to IS NOT NULL, `+summaryColumns+`
		WHERE c.status = 'open' AND c.specialty_id = $1 AND c.requester_id <> $2 AND (c.addressed_to IS NULL OR c.addressed_to = $2)
		ORDER BY (c.urgency = 'urgent') DESC, c.created_at, c.id`+limit, specialty, v.UserID)
	// Named before the batch holds a connection: looking one up may query.
	names, err := s.specialtyNames(ctx)
	if err != nil {
		return Lists{}, err
	}
	var l Lists
	err = db.Batch(ctx, s.db, b, func(res pgx.BatchResults) error {
		// Each statement's first column says which of its two lists a row is in.
		if err := scanSummaries(res, names, &l.Asked, &l.Answering); err != nil {
			return err
		}
		return scanSummaries(res, names, &l.ForYou, &l.Queue)
	})
	if err != nil {
		return Lists{}, fmt.Errorf("list consults: %w", err)
	}
	return l, nil
}

// specialtyNames names specialties by id.
func (s *Service) specialtyNames(ctx context.Context) (map[int16]string, error) {
	list, err := s.accounts.Specialties(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[int16]string, len(list))
	for _, sp := range list {
		names[sp.ID] = sp.Name
	}
	return names, nil
}

// scanSummaries reads a statement's rows into first or second as its first
// column says.
func scanSummaries(res pgx.BatchResults, names map[int16]string, first, second *[]Summary) error {
	rows, err := res.Query()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var c Summary
		var inFirst bool
		var specialtyID int16
		var consultantID, addressedID *int64
		var consultantHandle, consultantName, addressedHandle, addressedName *string
		if err := rows.Scan(&inFirst, &c.ID, &c.Question, &specialtyID, &c.Urgency, &c.Status, &c.CreatedAt, &c.FirstClaimedAt,
			&c.AnsweredAt, &c.OverdueAt, &c.Requester.ID, &c.Requester.Handle, &c.Requester.DisplayName,
			&consultantID, &consultantHandle, &consultantName, &addressedID, &addressedHandle, &addressedName); err != nil {
			return err
		}
		c.Specialty = names[specialtyID]
		c.Consultant = person(consultantID, consultantHandle, consultantName)
		c.AddressedTo = person(addressedID, addressedHandle, addressedName)
		if inFirst {
			*first = append(*first, c)
		} else {
			*second = append(*second, c)
		}
	}
	return rows.Err()
}

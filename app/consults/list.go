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

const (
	summaryColumns = `c.id, c.question, c.specialty_id, c.urgency, c.status, c.created_at, c.first_claimed_at,
	c.answered_at, c.overdue_at, c.requester_id, ru.handle, ru.display_name,
	c.consultant_id, cu.handle, cu.display_name, c.addressed_to, au.handle, au.display_name, c.version
	FROM consults c JOIN users ru ON ru.id = c.requester_id
	LEFT JOIN users cu ON cu.id = c.consultant_id LEFT JOIN users au ON au.id = c.addressed_to`
	// checkColumns are what tells whether kept lists still stand (listCache).
	checkColumns = `c.id, c.version FROM consults c`
)

// listStatements are the two statements that read a member's lists, with
// columns (summaryColumns or checkColumns), the member named by member
// and their specialty by specialty (SQL expressions of our own).
func listStatements(columns, member, specialty string) (mine, queue string) {
	limit := fmt.Sprintf(" LIMIT %d", listLimit)
	mine = `(SELECT true, ` + columns + ` WHERE c.requester_id = ` + member + ` ORDER BY c.created_at DESC, c.id DESC` + limit + `)
		UNION ALL
		(SELECT false, ` + columns + ` WHERE c.consultant_id = ` + member + `
			ORDER BY c.status = 'closed', c.created_at DESC, c.id DESC` + limit + `)`
	queue = `SELECT c.addressed_to IS NOT NULL, ` + columns + `
		WHERE c.status = 'open' AND c.specialty_id = ` + specialty + ` AND c.requester_id <> ` + member + `
			AND (c.addressed_to IS NULL OR c.addressed_to = ` + member + `)
		ORDER BY (c.urgency = 'urgent') DESC, c.created_at, c.id` + limit
	return mine, queue
}

// List reads the member's lists in one round trip of two statements,
// whatever their length: their own consults, asked and answered, and the
// queue they may claim from. When rider (ListRider, or nil) found the
// lists this server keeps for the member current, it reads nothing.
func (s *Service) List(ctx context.Context, v *identity.Viewer, rider db.Rider) (Lists, error) {
	if l, ok := s.lists.current(v, rider); ok {
		return l, nil
	}
	var specialty int16 = -1 // a member of no specialty has no queue
	if v.SpecialtyID != nil {
		specialty = *v.SpecialtyID
	}
	mine, queue := listStatements(summaryColumns, "$1", "$2")
	b := &pgx.Batch{}
	b.Queue(mine, v.UserID)
	b.Queue(queue, v.UserID, specialty)
	// Named before the batch holds a connection: looking one up may query.
	names, err := s.specialtyNames(ctx)
	if err != nil {
		return Lists{}, err
	}
	var l Lists
	var read listPrint
	err = db.Batch(ctx, s.db, b, func(res pgx.BatchResults) error {
		// Each statement's first column says which of its two lists a row is in.
		if err := scanSummaries(res, names, &l.Asked, &l.Answering, &read.mine); err != nil {
			return err
		}
		return scanSummaries(res, names, &l.ForYou, &l.Queue, &read.queue)
	})
	if err != nil {
		return Lists{}, fmt.Errorf("list consults: %w", err)
	}
	s.lists.keep(v.UserID, l, read)
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
// column says, and what they were (ids and versions) into print.
func scanSummaries(res pgx.BatchResults, names map[int16]string, first, second *[]Summary, print *[]int64) error {
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
		var version int64
		if err := rows.Scan(&inFirst, &c.ID, &c.Question, &specialtyID, &c.Urgency, &c.Status, &c.CreatedAt, &c.FirstClaimedAt,
			&c.AnsweredAt, &c.OverdueAt, &c.Requester.ID, &c.Requester.Handle, &c.Requester.DisplayName,
			&consultantID, &consultantHandle, &consultantName, &addressedID, &addressedHandle, &addressedName, &version); err != nil {
			return err
		}
		*print = append(*print, printOf(inFirst, c.ID, version)...)
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

package consults

import (
	"context"
	"fmt"
	"time"

	"curbside/app/db"
)

// remindBatch bounds the consults one pass moves on, so a backlog is worked
// through in short transactions.
const remindBatch = 100

// AddressedFor is how long a routine consult waits for the colleague it
// was addressed to before the whole specialty may claim it; an urgent one
// waits UrgentAfter.
const AddressedFor = 24 * time.Hour

// waiting is a consult a reminder pass took, with whom it was addressed to.
type waiting struct {
	ID, RequesterID int64
	SpecialtyID     int16
	Urgency         string
	WasAddressedTo  *int64
}

// RemindOverdue marks the urgent consults that have waited unclaimed past
// UrgentAfter as overdue and tells their specialty again, by mail too, and
// passes the consults a named colleague left waiting to the whole
// specialty. Every instance runs it; taking a consult is its lease: rows
// are taken with SKIP LOCKED and only while still unmarked, so each
// reminder is sent once, by whichever instance takes it. It returns how
// many consults it moved on.
func (s *Service) RemindOverdue(ctx context.Context) (int, error) {
	var n int
	err := db.Tx(ctx, s.db, func(ctx context.Context) error {
		now := s.now()
		overdue, err := s.take(ctx, `overdue_at = ?, addressed_to = NULL`, []any{now},
			`urgency = 'urgent' AND overdue_at IS NULL AND created_at <= ?`, now.Add(-UrgentAfter))
		if err != nil {
			return err
		}
		passed, err := s.take(ctx, `addressed_to = NULL`, nil,
			`addressed_to IS NOT NULL AND urgency = 'routine' AND created_at <= ?`, now.Add(-AddressedFor))
		if err != nil {
			return err
		}
		for _, w := range overdue {
			if err := s.moveOn(ctx, w, "Overdue consult", "overdue"); err != nil {
				return err
			}
		}
		for _, w := range passed {
			if err := s.moveOn(ctx, w, "Consult waiting", ""); err != nil {
				return err
			}
		}
		n = len(overdue) + len(passed)
		return nil
	})
	return n, err
}

// take updates (set) the open consults that match where, as many as a
// batch, skipping those another instance holds, and returns them.
func (s *Service) take(ctx context.Context, set string, setArgs []any, where string, whereArg any) ([]waiting, error) {
	var list []waiting
	err := db.Conn(ctx, s.db).Raw(`WITH due AS (
			SELECT id, addressed_to FROM consults WHERE status = 'open' AND `+where+`
			ORDER BY created_at LIMIT ? FOR UPDATE SKIP LOCKED)
		UPDATE consults c SET `+set+` FROM due WHERE c.id = due.id
		RETURNING c.id, c.requester_id, c.specialty_id, c.urgency, due.addressed_to AS was_addressed_to`,
		append([]any{whereArg, remindBatch}, setArgs...)...).Scan(&list).Error
	if err != nil {
		return nil, fmt.Errorf("take waiting consults: %w", err)
	}
	return list, nil
}

// moveOn records what a reminder pass did to a consult and tells its
// specialty (all but the requester, and the colleague who let it wait).
func (s *Service) moveOn(ctx context.Context, w waiting, title, action string) error {
	except := []int64{w.RequesterID}
	if w.WasAddressedTo != nil {
		except = append(except, *w.WasAddressedTo)
		if err := s.record(ctx, w.ID, 0, "passed to the specialty", StatusOpen, StatusOpen); err != nil {
			return err
		}
	}
	if action != "" {
		if err := s.record(ctx, w.ID, 0, action, StatusOpen, StatusOpen); err != nil {
			return err
		}
	}
	sp, err := s.accounts.SpecialtyByID(ctx, w.SpecialtyID)
	if err != nil {
		return err
	}
	return s.tellSpecialty(ctx, w.ID, sp, w.Urgency == Urgent, except, title)
}

package consults

import (
	"context"
	"fmt"
	"time"

	"curbside/app/db"
)

// remindBatch bounds the consults one pass marks overdue, so a backlog is
// worked through in short transactions.
const remindBatch = 100

// RemindOverdue marks the urgent consults that have waited unclaimed past
// UrgentAfter as overdue and tells their specialty again, by mail too. Every
// instance runs it; marking a consult is its lease: the rows are taken
// with SKIP LOCKED and only while still unmarked, so each reminder is sent
// once, by whichever instance marks it. It returns how many it marked.
func (s *Service) RemindOverdue(ctx context.Context) (int, error) {
	var due []state
	err := db.Tx(ctx, s.db, func(ctx context.Context) error {
		now := s.now()
		err := db.Conn(ctx, s.db).Raw(`UPDATE consults SET overdue_at = ?
			WHERE id IN (SELECT id FROM consults
				WHERE status = 'open' AND urgency = 'urgent' AND overdue_at IS NULL AND created_at <= ?
				ORDER BY created_at LIMIT ? FOR UPDATE SKIP LOCKED)
			RETURNING id, requester_id, specialty_id, addressed_to, status, urgency`,
			now, now.Add(-UrgentAfter), remindBatch).Scan(&due).Error
		if err != nil {
			return fmt.Errorf("mark overdue consults: %w", err)
		}
		for i := range due {
			st := &due[i]
			if err := s.record(ctx, st.ID, 0, "overdue", StatusOpen, StatusOpen); err != nil {
				return err
			}
			sp, err := s.accounts.SpecialtyByID(ctx, st.SpecialtyID)
			if err != nil {
				return err
			}
			if err := s.tellSpecialty(ctx, st.ID, sp, true, []int64{st.RequesterID}, "Overdue consult"); err != nil {
				return err
			}
		}
		return nil
	})
	return len(due), err
}

// RunReminders reminds of overdue consults every interval until ctx ends.
// A failed pass is reported and tried again at the next tick.
func (s *Service) RunReminders(ctx context.Context, interval time.Duration, report func(error)) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := s.RemindOverdue(ctx); err != nil && ctx.Err() == nil {
			report(err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

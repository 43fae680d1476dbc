package verification

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"curbside/app/db"
	"curbside/app/notify"
	"curbside/app/paths"
)

// Moderators are told of the queue in two ways: in the app when a request
// arrives, and by mail once a request has waited a working day.
const (
	kindNewRequest = "verification_request"
	// overdueAfter is the working time (weekdays only) a request may wait
	// before the moderators are mailed.
	overdueAfter = 24 * time.Hour
	// overdueBatch bounds the requests one pass takes, so a backlog is
	// worked through in short transactions.
	overdueBatch = 100
)

// tellModerators notifies every moderator and admin in the app of a new
// request, in the submission's transaction. A moderator who has not yet
// read the notice of this applicant's previous request is not told again:
// an applicant resubmitting over and over fills no one's list.
func (s *Service) tellModerators(ctx context.Context, req *Request) error {
	var mods []int64
	err := db.Conn(ctx, s.db).Raw(`SELECT u.id FROM users u
		WHERE u.role IN ('moderator', 'admin') AND u.status <> 'suspended' AND u.id <> ?
		AND NOT EXISTS (SELECT 1 FROM notifications n JOIN verification_requests r ON n.link = ? || r.id
			WHERE n.user_id = u.id AND n.kind = ? AND n.read_at IS NULL AND r.user_id = ?)
		ORDER BY u.id`, req.UserID, paths.ModVerifications+"/", kindNewRequest, req.UserID).Scan(&mods).Error
	if err != nil {
		return fmt.Errorf("find moderators: %w", err)
	}
	notices := make([]notify.Notice, len(mods))
	for i, id := range mods {
		notices[i] = notify.Notice{UserID: id, Kind: kindNewRequest, Title: "New verification request",
			Body: "A member asked to have their license verified.", Link: paths.ModVerification(req.ID)}
	}
	return s.notify.SendAll(ctx, notices)
}

// RemindOverdue mails every moderator and admin when requests have waited
// more than a working day without a decision. Every instance runs it;
// taking a request is its lease: rows are taken with SKIP LOCKED and only
// while still unmarked, so each request causes one mail, by whichever
// instance takes it. The mail holds the count and a link, nothing about
// the applicants. It returns how many requests it took.
func (s *Service) RemindOverdue(ctx context.Context, now time.Time) (int, error) {
	var n int
	err := db.Tx(ctx, s.db, func(ctx context.Context) error {
		tx := db.Conn(ctx, s.db)
		var taken []int64
		err := tx.Raw(`WITH due AS (
				SELECT id FROM verification_requests
				WHERE status = 'pending' AND overdue_mailed_at IS NULL AND created_at <= ?
				ORDER BY created_at LIMIT ? FOR UPDATE SKIP LOCKED)
			UPDATE verification_requests v SET overdue_mailed_at = ? FROM due WHERE v.id = due.id
			RETURNING v.id`, workingCutoff(now, overdueAfter), overdueBatch, now).Scan(&taken).Error
		if err != nil {
			return fmt.Errorf("take overdue requests: %w", err)
		}
		if n = len(taken); n == 0 {
			return nil
		}
		var waiting int64
		if err := tx.Model(&Request{}).Where("status = ? AND overdue_mailed_at IS NOT NULL", Pending).Count(&waiting).Error; err != nil {
			return err
		}
		var to []string
		if err := tx.Raw(`SELECT email FROM users WHERE role IN ('moderator', 'admin') AND status <> 'suspended' ORDER BY id`).
			Scan(&to).Error; err != nil {
			return fmt.Errorf("find moderators: %w", err)
		}
		body := overdueBody(waiting) + "\n\n" + s.baseURL + paths.ModVerifications + "\n\n— Curbside\n"
		for _, addr := range to {
			if err := s.notify.Mail(ctx, addr, "Curbside: verification requests waiting", body); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

func overdueBody(waiting int64) string {
	if waiting == 1 {
		return "1 verification request has waited more than a working day for a decision."
	}
	return strconv.FormatInt(waiting, 10) + " verification requests have waited more than a working day for a decision."
}

// workingCutoff is the moment d of working time before now, counting
// weekdays only (in UTC): a request created at or before it has waited
// more than d of working time.
func workingCutoff(now time.Time, d time.Duration) time.Time {
	t := now.UTC()
	for {
		day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		if t.Equal(day) { // at midnight, the time before belongs to the day before
			day = day.AddDate(0, 0, -1)
		}
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			t = day
			continue
		}
		avail := t.Sub(day)
		if avail >= d {
			return t.Add(-d)
		}
		d -= avail
		t = day
	}
}

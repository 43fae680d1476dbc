package moderation

import (
	"context"
	"fmt"
	"time"

	"curbside/app/db"
)

// Overview is what waits for moderators, on their home page.
type Overview struct {
	PendingVerifications int64
	// OldestPending is when the longest-waiting request came in.
	OldestPending *time.Time
	Suspended     int64
	// OpenFlags counts the targets with open flags.
	OpenFlags int64
	// Guarded counts what was published over the privacy guard in a week.
	Guarded int64
	// AuditToday counts the audit log's events of the last 24 hours.
	AuditToday int64
}

// Overview counts what waits for moderators, in one query.
func (s *Service) Overview(ctx context.Context) (*Overview, error) {
	var o Overview
	err := db.ScanRow(ctx, s.db, `SELECT
		(SELECT count(*) FROM verification_requests WHERE status = 'pending'),
		(SELECT min(created_at) FROM verification_requests WHERE status = 'pending'),
		(SELECT count(*) FROM users WHERE status = 'suspended'),
		(SELECT count(*) FROM audit_log WHERE created_at > now() - interval '24 hours'),
		(SELECT count(*) FROM (SELECT DISTINCT target_type, target_id FROM flags WHERE resolved_at IS NULL) open),
		(SELECT count(*) FROM cases WHERE phi_ack AND created_at > now() - interval '7 days' AND hidden_at IS NULL)
		+ (SELECT count(*) FROM replies WHERE phi_ack AND created_at > now() - interval '7 days' AND hidden_at IS NULL)
		+ (SELECT count(*) FROM consult_messages WHERE phi_ack AND created_at > now() - interval '7 days' AND hidden_at IS NULL)
		+ (SELECT count(*) FROM chat_messages WHERE phi_ack AND created_at > now() - interval '7 days' AND hidden_at IS NULL)`, nil,
		&o.PendingVerifications, &o.OldestPending, &o.Suspended, &o.AuditToday, &o.OpenFlags, &o.Guarded)
	if err != nil {
		return nil, fmt.Errorf("moderation overview: %w", err)
	}
	return &o, nil
}

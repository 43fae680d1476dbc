package accounts

import (
	"context"
	"fmt"

	"curbside/app/db"
)

// Touch records that a session is in use now without a request: a
// websocket's frames keep its session from lapsing for idleness, as page
// views do. The mark is written with the others (RunLastSeen).
func (s *Service) Touch(sessionID int64) { s.seen.mark(sessionID, s.now()) }

// LiveSessions reports which of the sessions still let their member in:
// not ended, not past their lifetime, not idle past the limit (counting
// this instance's marks not yet written). Long-lived connections check
// their sessions with it, since sessions also end by lapsing, unannounced.
func (s *Service) LiveSessions(ctx context.Context, ids []int64) (map[int64]bool, error) {
	if len(ids) == 0 {
		return map[int64]bool{}, nil
	}
	var rows []struct {
		ID         int64
		LastSeen   int64 // Unix seconds
		Remembered bool
	}
	now := s.now()
	err := db.Conn(ctx, s.db).Raw(`SELECT s.id, extract(epoch FROM s.last_seen_at)::bigint AS last_seen, s.remembered FROM sessions s
		JOIN users u ON u.id = s.user_id WHERE s.id IN ? AND s.expires_at > ? AND u.status <> 'suspended'`, ids, now).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("check sessions: %w", err)
	}
	live := make(map[int64]bool, len(rows))
	for _, r := range rows {
		seen := max(r.LastSeen, s.seen.last(r.ID).Unix())
		live[r.ID] = now.Unix()-seen <= int64(s.idleLimit(r.Remembered).Seconds())
	}
	return live, nil
}

package accounts

import (
	"bytes"
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"curbside/app/db"
	"curbside/app/identity"
)

// SecurityOverview is what /settings/security shows of a member's access:
// live sessions, trusted devices (with the id of the one asking), and
// whether their recovery codes still await "I have saved these".
type SecurityOverview struct {
	Sessions      []Session
	Devices       []TrustedDevice
	CurrentDevice int64
	CodesUnsaved  bool
}

// Overview reads the member's SecurityOverview in one round trip: the page
// is visited often enough (after every sign-in elsewhere) that three
// queries through the pool showed in its latency. deviceCookie is the
// browser's device cookie, "" for none.
func (s *Service) Overview(ctx context.Context, v *identity.Viewer, deviceCookie string) (*SecurityOverview, error) {
	now := s.now()
	b := &pgx.Batch{}
	b.Queue(`SELECT id, user_agent, ip, created_at, last_seen_at, expires_at, remembered FROM sessions
		WHERE user_id = $1 AND expires_at > $2
		AND last_seen_at > CASE WHEN remembered THEN $3::timestamptz ELSE $4::timestamptz END
		ORDER BY last_seen_at DESC, id DESC`, v.UserID, now, now.Add(-s.idleLimit(true)), now.Add(-s.Idle))
	b.Queue(`SELECT id, token_hash, user_agent, created_at, last_used_at, expires_at FROM trusted_devices
		WHERE user_id = $1 AND expires_at > $2 ORDER BY last_used_at DESC, id DESC`, v.UserID, now)
	b.Queue(`SELECT recovery_codes_saved_at IS NULL FROM users WHERE id = $1`, v.UserID)
	var o SecurityOverview
	err := db.Batch(ctx, s.db, b, func(res pgx.BatchResults) error {
		rows, err := res.Query()
		if err != nil {
			return err
		}
		if o.Sessions, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Session, error) {
			x := Session{UserID: v.UserID}
			err := r.Scan(&x.ID, &x.UserAgent, &x.IP, &x.CreatedAt, &x.LastSeenAt, &x.ExpiresAt, &x.Remembered)
			return x, err
		}); err != nil {
			return err
		}
		if rows, err = res.Query(); err != nil {
			return err
		}
		if o.Devices, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (TrustedDevice, error) {
			d := TrustedDevice{UserID: v.UserID}
			err := r.Scan(&d.ID, &d.TokenHash, &d.UserAgent, &d.CreatedAt, &d.LastUsedAt, &d.ExpiresAt)
			return d, err
		}); err != nil {
			return err
		}
		var unsaved bool
		if err := res.QueryRow().Scan(&unsaved); err != nil {
			return err
		}
		o.CodesUnsaved = unsaved && v.TwoFactor
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("security overview: %w", err)
	}
	if deviceCookie != "" {
		mine := hashToken(deviceCookie)
		for _, d := range o.Devices {
			if bytes.Equal(d.TokenHash, mine) {
				o.CurrentDevice = d.ID
			}
		}
	}
	return &o, nil
}

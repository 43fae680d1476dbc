package accounts

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"

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

// The overview's statements name their member by memberByID ($1 the
// member's id) or, sent with the session lookup, by memberByToken ($1 the
// session token's hash); $2 is now and $3, $4 the idle bounds.
const (
	memberByID    = `$1`
	memberByToken = `(SELECT user_id FROM sessions WHERE token_hash = $1)`

	overviewSessions = `SELECT id, user_id, user_agent, ip, created_at, last_seen_at, expires_at, remembered FROM sessions
		WHERE user_id = %s AND expires_at > $2
		AND last_seen_at > CASE WHEN remembered THEN $3::timestamptz ELSE $4::timestamptz END
		ORDER BY last_seen_at DESC, id DESC`
	overviewDevices = `SELECT id, user_id, token_hash, user_agent, created_at, last_used_at, expires_at FROM trusted_devices
		WHERE user_id = %s AND expires_at > $2 ORDER BY last_used_at DESC, id DESC`
	overviewCodes = `SELECT id, recovery_codes_saved_at IS NULL FROM users WHERE id = %s`
)

// queueOverview queues the overview's three statements for the member
// whom member (memberByID or memberByToken) names by key.
func (s *Service) queueOverview(b *pgx.Batch, member string, key any) {
	now := s.now()
	b.Queue(fmt.Sprintf(overviewSessions, member), key, now, now.Add(-s.idleLimit(true)), now.Add(-s.Idle))
	b.Queue(fmt.Sprintf(overviewDevices, member), key, now)
	b.Queue(fmt.Sprintf(overviewCodes, member), key)
}

// readOverview reads what queueOverview queued, with the id of the member
// it was read for (0: no member, for a token that named no session by the
// last statement); CodesUnsaved is the column alone, whether or not the
// member has a second factor.
func readOverview(res pgx.BatchResults) (o *SecurityOverview, member int64, err error) {
	o = &SecurityOverview{}
	rows, err := res.Query()
	if err != nil {
		return nil, 0, err
	}
	if o.Sessions, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Session, error) {
		var x Session
		err := r.Scan(&x.ID, &x.UserID, &x.UserAgent, &x.IP, &x.CreatedAt, &x.LastSeenAt, &x.ExpiresAt, &x.Remembered)
		return x, err
	}); err != nil {
		return nil, 0, err
	}
	if rows, err = res.Query(); err != nil {
		return nil, 0, err
	}
	if o.Devices, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (TrustedDevice, error) {
		var d TrustedDevice
		err := r.Scan(&d.ID, &d.UserID, &d.TokenHash, &d.UserAgent, &d.CreatedAt, &d.LastUsedAt, &d.ExpiresAt)
		return d, err
	}); err != nil {
		return nil, 0, err
	}
	err = res.QueryRow().Scan(&member, &o.CodesUnsaved)
	if errors.Is(err, pgx.ErrNoRows) {
		return o, 0, nil
	}
	return o, member, err
}

// overviewRider is the security page's overview, sent with the session
// lookup (db.Rider): the member's own sessions and devices, nothing the
// page's level guards. Each statement names the member by the token
// afresh; a token renewed between them leaves the last one without a row
// (member 0), and the overview is then read again.
type overviewRider struct {
	s      *Service
	o      *SecurityOverview
	member int64
}

// OverviewRider is what /settings/security sends with the session lookup.
func (s *Service) OverviewRider() db.Rider { return &overviewRider{s: s} }

func (r *overviewRider) Ride(b *pgx.Batch, key []byte) { r.s.queueOverview(b, memberByToken, key) }

func (r *overviewRider) Read(res pgx.BatchResults) (err error) {
	if r.o, r.member, err = readOverview(res); err != nil {
		r.o = nil
	}
	return err
}

// Overview reads the member's SecurityOverview in one round trip, or in
// none when rider (OverviewRider, or nil) read it with the session lookup
// for this very session. deviceCookie is the browser's device cookie, ""
// for none.
func (s *Service) Overview(ctx context.Context, v *identity.Viewer, deviceCookie string, rider db.Rider) (*SecurityOverview, error) {
	var o *SecurityOverview
	if r, ok := rider.(*overviewRider); ok && r.o != nil && r.member == v.UserID &&
		slices.ContainsFunc(r.o.Sessions, func(x Session) bool { return x.ID == v.SessionID && x.UserID == v.UserID }) {
		o = r.o
	} else {
		b := &pgx.Batch{}
		s.queueOverview(b, memberByID, v.UserID)
		err := db.Batch(ctx, s.db, b, func(res pgx.BatchResults) (err error) {
			o, _, err = readOverview(res)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("security overview: %w", err)
		}
	}
	o.CodesUnsaved = o.CodesUnsaved && v.TwoFactor
	if deviceCookie != "" {
		mine := hashToken(deviceCookie)
		for _, d := range o.Devices {
			if bytes.Equal(d.TokenHash, mine) {
				o.CurrentDevice = d.ID
			}
		}
	}
	return o, nil
}

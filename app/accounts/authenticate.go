package accounts

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"curbside/app/db"
	"curbside/app/identity"
)

// renewalGrace is how long a renewed token may take to reach the browser
// before an old-token request earns another; oldTokenLifetime bounds how long
// a token replaced at a role or status change keeps working at all.
const (
	renewalGrace     = 30 * time.Second
	oldTokenLifetime = 10 * time.Minute
)

// authRow is a session with what the request needs of its member, read in
// one indexed query on every signed-in request (without GORM's statement
// building: it is on every request's path). The unread notification
// count rides along, so the bell on every page costs no round trip, and so
// does the count of consults waiting for the member's specialty.
type authRow struct {
	Session
	Email, Handle, DisplayName, Role, Status string
	SpecialtyID                              *int16
	TwoFactor, TwoFactorPending, HasPassword bool
	EmailConfirmed                           bool
	Unread                                   int64
	WaitingConsults                          int64
	TimeZone                                 string
	PendingVerifications                     int64
}

// authColumns read a session and its member for authRow.
const authColumns = `SELECT s.id, s.user_id, s.token_hash, s.prev_token_hash, s.renewed_at, s.second_factor_at,
	s.issued_role, s.issued_status, s.created_at, s.last_seen_at, s.expires_at, s.remembered,
	u.email, u.handle, u.display_name, u.role, u.status, u.specialty_id,
	u.totp_enabled_at IS NOT NULL, u.totp_enabled_at IS NULL AND u.totp_secret IS NOT NULL, u.password_hash IS NOT NULL,
	u.email_confirmed_at IS NOT NULL, u.time_zone,
	(SELECT count(*) FROM notifications n WHERE n.user_id = u.id AND n.read_at IS NULL),
	(SELECT count(*) FROM consults c WHERE c.status = 'open' AND c.specialty_id = u.specialty_id
		AND c.requester_id <> u.id AND (c.addressed_to IS NULL OR c.addressed_to = u.id))
FROM sessions s JOIN users u ON u.id = s.user_id`

// A token is looked up as a session's current token first, and only when
// that finds nothing as the previous token of a renewed one: one index
// probe on every request, where asking for either at once made PostgreSQL
// combine two indexes' bitmaps every time for the rare renewed token.
const (
	authQuery     = authColumns + ` WHERE s.token_hash = $1`
	prevAuthQuery = authColumns + ` WHERE s.prev_token_hash = $1 AND s.prev_valid_until > $2 LIMIT 1`
)

// VerifiedSession selects, for a rider (db.Rider) that reads what only
// verified members may, the session whose token's hash is $1 (columns
// session_id, user_id), and only while it is unexpired and its member may
// read clinical content: verified or moderating, and not suspended, as
// identity.Viewer.IsVerified decides. The web layer's guard still decides
// the page; this keeps the rows from being read at all for anyone else.
const VerifiedSession = `SELECT s.id AS session_id, s.user_id FROM sessions s JOIN users u ON u.id = s.user_id
	WHERE s.token_hash = $1 AND s.expires_at > now() AND u.status <> 'suspended'
	AND (u.status = 'verified' OR u.role IN ('moderator', 'admin'))`

func (s *Service) loadAuth(ctx context.Context, h []byte, now time.Time, riders []db.Rider) (*authRow, error) {
	r, err := s.scanAuth(ctx, riders, authQuery, h)
	if errors.Is(err, sql.ErrNoRows) {
		r, err = s.scanAuth(ctx, nil, prevAuthQuery, h, now)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoSession
	} else if err != nil {
		return nil, fmt.Errorf("load session: %w", err)
	}
	return r, nil
}

// scanAuth reads a session row; riders, if any, go with it on its round
// trip, keyed by the token's hash (args[0]).
func (s *Service) scanAuth(ctx context.Context, riders []db.Rider, query string, args ...any) (*authRow, error) {
	var r authRow
	dest := []any{&r.ID, &r.UserID, &r.TokenHash, &r.PrevTokenHash, &r.RenewedAt, &r.SecondFactorAt,
		&r.IssuedRole, &r.IssuedStatus, &r.CreatedAt, &r.LastSeenAt, &r.ExpiresAt, &r.Remembered,
		&r.Email, &r.Handle, &r.DisplayName, &r.Role, &r.Status, &r.SpecialtyID,
		&r.TwoFactor, &r.TwoFactorPending, &r.HasPassword, &r.EmailConfirmed, &r.TimeZone, &r.Unread, &r.WaitingConsults}
	var err error
	if len(riders) == 0 {
		err = db.ScanRow(ctx, s.db, query, args, dest...)
	} else {
		b := &pgx.Batch{}
		b.Queue(query, args...)
		for _, rider := range riders {
			rider.Ride(b, args[0].([]byte))
		}
		found := false
		err = db.Batch(ctx, s.db, b, func(res pgx.BatchResults) error {
			if err := res.QueryRow().Scan(dest...); err != nil {
				return err
			}
			found = true
			for _, rider := range riders {
				if err := rider.Read(res); err != nil {
					return fmt.Errorf("rider: %w", err)
				}
			}
			return nil
		})
		switch {
		case found:
			// A rider that failed (logged by db.Batch) is left unusable and
			// its page reads again without it: the session stands.
			err = nil
		case errors.Is(err, pgx.ErrNoRows):
			err = sql.ErrNoRows
		}
	}
	if err == nil && (r.Role == identity.RoleModerator || r.Role == identity.RoleAdmin) {
		// The queue's count for the moderators' navigation, asked apart: as a
		// subquery, even one never run for a member, PostgreSQL set it up for
		// every member's every request.
		err = db.ScanRow(ctx, s.db, `SELECT count(*) FROM verification_requests WHERE status = 'pending'`, nil, &r.PendingVerifications)
	}
	return &r, err
}

func (r *authRow) viewer() *identity.Viewer {
	var until *time.Time
	if r.Remembered {
		until = &r.ExpiresAt
	}
	return &identity.Viewer{SessionUntil: until, UserID: r.UserID, SessionID: r.ID, Handle: r.Handle, DisplayName: r.DisplayName,
		Email: r.Email, Role: r.Role, Status: r.Status, SpecialtyID: r.SpecialtyID, TwoFactor: r.TwoFactor,
		SecondFactor: r.TwoFactor && r.SecondFactorAt != nil, TwoFactorPending: r.TwoFactorPending, HasPassword: r.HasPassword,
		EmailConfirmed: r.EmailConfirmed,
		SignedInAt:     r.CreatedAt, UnreadNotifications: r.Unread,
		WaitingConsults: r.WaitingConsults, TimeZone: r.TimeZone,
		PendingVerifications: r.PendingVerifications}
}

// Authenticate resolves a session token to its member. When the member's role
// or status changed since the token was issued, the token is renewed and the
// new one returned (else renewed is ""), so the change takes effect without a
// new login.
//
// The previous token stays valid until the browser first presents the new
// one: requests in flight meanwhile keep working, and if the response
// carrying the new token was lost, a later request with the old one gets
// another new token instead of being signed out.
//
// Riders go with the session lookup on its round trip (db.Rider).
func (s *Service) Authenticate(ctx context.Context, token string, riders ...db.Rider) (v *identity.Viewer, renewed string, err error) {
	if token == "" || len(token) > 100 {
		return nil, "", ErrNoSession
	}
	now := s.now()
	h := hashToken(token)
	row, err := s.loadAuth(ctx, h, now, riders)
	if err != nil {
		return nil, "", err
	}
	switch {
	case row.Status == identity.StatusSuspended:
		return nil, "", errors.Join(ErrNoSession, s.endSessions(ctx, row.UserID, 0))
	case now.After(row.ExpiresAt), now.Sub(row.LastSeenAt) > s.idleLimit(row.Remembered):
		// Kept a while (PruneExpired) to name its member; it lets no one in.
		return nil, "", &SessionLapsed{Viewer: row.viewer()}
	case !bytes.Equal(row.TokenHash, h):
		if row.RenewedAt != nil && now.Sub(*row.RenewedAt) > renewalGrace {
			return s.renew(ctx, row, h, false) // the new token never arrived
		}
		return row.viewer(), "", nil // renewed alongside this request
	case row.PrevTokenHash != nil:
		// The browser has the new token: the old one is done with.
		if err := s.db.WithContext(ctx).Model(&Session{}).Where("id = ? AND token_hash = ?", row.ID, h).
			Updates(map[string]any{"prev_token_hash": nil, "prev_valid_until": nil}).Error; err != nil {
			return nil, "", fmt.Errorf("retire old token: %w", err)
		}
	}
	if row.IssuedRole != row.Role || row.IssuedStatus != row.Status {
		return s.renew(ctx, row, h, true)
	}
	if now.Sub(row.LastSeenAt) >= touchEvery {
		s.seen.mark(row.ID, now)
	}
	return row.viewer(), "", nil
}

// renew issues a new token for the session; the one the browser presented
// (kept) stays valid until the new one is first used, for at most
// oldTokenLifetime from the first renewal (fresh: this is that renewal).
// Only the request that wins the update hands out the new token.
func (s *Service) renew(ctx context.Context, row *authRow, kept []byte, fresh bool) (*identity.Viewer, string, error) {
	now := s.now()
	token := randomToken()
	updates := map[string]any{
		"token_hash": hashToken(token), "prev_token_hash": kept, "renewed_at": now,
		"issued_role": row.Role, "issued_status": row.Status, "last_seen_at": now,
	}
	if fresh {
		updates["prev_valid_until"] = now.Add(oldTokenLifetime)
	}
	res := s.db.WithContext(ctx).Model(&Session{}).Where("id = ? AND token_hash = ?", row.ID, row.TokenHash).Updates(updates)
	if res.Error != nil {
		return nil, "", fmt.Errorf("renew session: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		token = ""
	}
	return row.viewer(), token, nil
}

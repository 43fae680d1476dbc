package benchenv

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// SessionToken is a fresh session token and the hash of it that the
// sessions table keeps. The benchmarks sign their members in with SQL
// (InsertSessions), since the login form is not what they measure.
func SessionToken() (token string, hash []byte, err error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, err
	}
	token = base64.RawURLEncoding.EncodeToString(raw)
	sum := sha256.Sum256([]byte(token))
	return token, sum[:], nil
}

// InsertSessions opens a 12-hour session for each member whose email is in
// emails, with the token hash at the same index in hashes, recorded as
// coming from userAgent on loopback. It returns the members' user ids by
// email (as the users table spells it); a member missing from it had no
// user row.
func InsertSessions(ctx context.Context, conn *pgx.Conn, userAgent string, emails []string, hashes [][]byte) (map[string]int64, error) {
	rows, err := conn.Query(ctx, `INSERT INTO sessions (user_id, token_hash, issued_role, issued_status, user_agent, ip, expires_at, last_seen_at)
		SELECT u.id, t.h, u.role, u.status, $3, '127.0.0.1', now() + interval '12 hours', now()
		FROM unnest($1::text[], $2::bytea[]) AS t(e, h) JOIN users u ON lower(u.email) = lower(t.e)
		RETURNING user_id, (SELECT email FROM users WHERE id = user_id)`, emails, hashes, userAgent)
	if err != nil {
		return nil, fmt.Errorf("insert bench sessions: %w", err)
	}
	defer rows.Close()
	ids := map[string]int64{}
	for rows.Next() {
		var id int64
		var email string
		if err := rows.Scan(&id, &email); err != nil {
			return nil, err
		}
		ids[email] = id
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("insert bench sessions: %w", err)
	}
	return ids, nil
}

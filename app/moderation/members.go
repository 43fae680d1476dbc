package moderation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"curbside/app/apperr"
	"curbside/app/audit"
	"curbside/app/db"
	"curbside/app/identity"
)

// directoryLimit bounds a directory search's rows.
const directoryLimit = 50

// AnonymousAuthorsSeen records that a moderator saw who wrote anonymous posts.
const AnonymousAuthorsSeen = "moderation.anonymous_authors_viewed"

const memberColumns = `u.id, u.handle, u.display_name, u.email, u.role, u.status, COALESCE(sp.name, ''),
	COALESCE((SELECT vr.npi FROM verification_requests vr WHERE vr.user_id = u.id ORDER BY vr.created_at DESC LIMIT 1), ''),
	u.created_at`

func (r *MemberRow) dest() []any {
	return []any{&r.ID, &r.Handle, &r.DisplayName, &r.Email, &r.Role, &r.Status, &r.Specialty, &r.NPI, &r.CreatedAt}
}

// Directory finds members by name, e-mail, handle or NPI (any of them
// containing text; an NPI whole), and by status; newest first.
func (s *Service) Directory(ctx context.Context, text, status string) ([]MemberRow, error) {
	conds, args := []string{"true"}, []any{}
	if text = strings.TrimPrefix(strings.TrimSpace(text), "@"); text != "" {
		like := "%" + db.LikeLiteral(text) + "%"
		conds = append(conds, `(u.display_name ILIKE ? OR u.email ILIKE ? OR u.handle ILIKE ?
			OR EXISTS (SELECT 1 FROM verification_requests vr WHERE vr.user_id = u.id AND vr.npi = ?))`)
		args = append(args, like, like, like, text)
	}
	if status != "" {
		conds = append(conds, "u.status = ?")
		args = append(args, status)
	}
	rows, err := db.Conn(ctx, s.db).Raw(`SELECT `+memberColumns+` FROM users u LEFT JOIN specialties sp ON sp.id = u.specialty_id
		WHERE `+strings.Join(conds, " AND ")+` ORDER BY u.created_at DESC, u.id DESC LIMIT ?`, append(args, directoryLimit)...).Rows()
	if err != nil {
		return nil, fmt.Errorf("search members: %w", err)
	}
	defer rows.Close()
	var out []MemberRow
	for rows.Next() {
		var m MemberRow
		if err := rows.Scan(m.dest()...); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// routine are the member's own comings and goings, left out of their record
// (the audit log has them).
var routine = []string{audit.Login, audit.Logout}

// recordLimit bounds each list on a member's record.
const recordLimit = 50

// Member reads a member's record: requests, posts (anonymous ones too, so
// the view is audited when there are any) and what was done to the account.
func (s *Service) Member(ctx context.Context, v *identity.Viewer, id int64, meta identity.Meta) (*Member, error) {
	var m Member
	err := db.ScanRow(ctx, s.db, `SELECT `+memberColumns+`, COALESCE(u.suspension_reason, '')
		FROM users u LEFT JOIN specialties sp ON sp.id = u.specialty_id WHERE u.id = $1`, []any{id},
		append(m.dest(), &m.SuspensionReason)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("member %d: %w", id, apperr.ErrNotFound)
	} else if err != nil {
		return nil, fmt.Errorf("load member: %w", err)
	}
	conn := db.Conn(ctx, s.db)
	if err := conn.Raw(`SELECT id, npi, license_state, status, COALESCE(reason, '') AS reason, created_at
		FROM verification_requests WHERE user_id = ? ORDER BY created_at DESC LIMIT ?`, id, recordLimit).Scan(&m.Requests).Error; err != nil {
		return nil, fmt.Errorf("load requests: %w", err)
	}
	if err := conn.Raw(`SELECT * FROM (
			SELECT 'case' AS kind, c.id, c.id AS case_id, c.title, c.anonymous, c.deleted_at IS NOT NULL AS deleted, c.created_at
			FROM cases c WHERE c.author_id = ?
			UNION ALL
			SELECT 'reply', r.id, r.case_id, c.title, r.anonymous, r.deleted_at IS NOT NULL, r.created_at
			FROM replies r JOIN cases c ON c.id = r.case_id WHERE r.author_id = ?) p
		ORDER BY p.created_at DESC, p.id DESC LIMIT ?`, id, id, recordLimit).Scan(&m.Posts).Error; err != nil {
		return nil, fmt.Errorf("load posts: %w", err)
	}
	if err := s.memberFlags(ctx, id, &m); err != nil {
		return nil, err
	}
	page, err := s.audit.List(ctx, audit.Query{TargetType: "user", TargetID: id, Except: routine}, recordLimit)
	if err != nil {
		return nil, err
	}
	m.Actions = page.Entries
	for _, p := range m.Posts {
		if p.Anonymous {
			err := s.audit.Record(ctx, audit.Event{ActorID: v.UserID, Action: AnonymousAuthorsSeen, TargetType: "user",
				TargetID: id, IP: meta.IP})
			if err != nil {
				return nil, err
			}
			break
		}
	}
	return &m, nil
}

// flagLines reads flags with the reporter's handle: about is fixed text of
// this file, its values parameters.
const flagLines = `SELECT f.id, f.target_type, f.target_id, u.handle AS reporter, f.reason, COALESCE(f.resolution, '') AS resolution,
	f.created_at FROM flags f JOIN users u ON u.id = f.reporter_id WHERE `

// memberFlags reads the flags about a member (on their account or on what
// they wrote) and the flags they sent.
func (s *Service) memberFlags(ctx context.Context, id int64, m *Member) error {
	conn := db.Conn(ctx, s.db)
	err := conn.Raw(flagLines+`(f.target_type = 'user' AND f.target_id = @id)
		OR (f.target_type = 'case' AND f.target_id IN (SELECT c.id FROM cases c WHERE c.author_id = @id))
		OR (f.target_type = 'reply' AND f.target_id IN (SELECT r.id FROM replies r WHERE r.author_id = @id))
		OR (f.target_type = 'message' AND f.target_id IN (SELECT cm.id FROM chat_messages cm WHERE cm.author_id = @id))
		OR (f.target_type = 'consult_message' AND f.target_id IN (SELECT cm.id FROM consult_messages cm WHERE cm.author_id = @id))
		ORDER BY f.created_at DESC, f.id DESC LIMIT @limit`, sql.Named("id", id), sql.Named("limit", recordLimit)).Scan(&m.FlagsAbout).Error
	if err != nil {
		return fmt.Errorf("read flags about a member: %w", err)
	}
	if err := conn.Raw(flagLines+`f.reporter_id = ? ORDER BY f.created_at DESC, f.id DESC LIMIT ?`, id, recordLimit).
		Scan(&m.FlagsSent).Error; err != nil {
		return fmt.Errorf("read a member's flags: %w", err)
	}
	return nil
}

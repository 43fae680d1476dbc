package moderation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"curbside/app/apperr"
	"curbside/app/db"
	"curbside/app/identity"
)

// Kinds of target a member may flag.
const (
	TargetCase           = "case"
	TargetReply          = "reply"
	TargetMessage        = "message"
	TargetConsultMessage = "consult_message"
	TargetUser           = "user"
)

// TargetTypes lists them.
var TargetTypes = []string{TargetCase, TargetReply, TargetMessage, TargetConsultMessage, TargetUser}

// Target is something flagged, as moderators see it: its author is named
// even when it was posted anonymously.
type Target struct {
	Type string
	ID   int64
	// Title says where it is: the case's title, the room, the consult.
	Title string
	// Text is the Markdown source as written.
	Text         string
	AuthorID     int64
	AuthorHandle string
	AuthorName   string
	Anonymous    bool
	// PHIAck: published over the privacy guard's findings.
	PHIAck bool
	// Hidden by a moderator (for a member: suspended).
	Hidden    bool
	Link      string
	CreatedAt time.Time
}

// Key identifies a target among others.
func (t Target) Key() string { return t.Type + ":" + fmt.Sprint(t.ID) }

// Hideable: a member cannot be hidden, only suspended.
func (t Target) Hideable() bool { return t.Type != TargetUser }

// visibleQueries find a target that member $2 may see and so may flag;
// each returns its author.
var visibleQueries = map[string]string{
	TargetCase: `SELECT author_id FROM cases WHERE id = $1 AND deleted_at IS NULL AND hidden_at IS NULL AND $2::bigint > 0`,
	TargetReply: `SELECT r.author_id FROM replies r JOIN cases c ON c.id = r.case_id WHERE r.id = $1 AND r.deleted_at IS NULL
		AND r.hidden_at IS NULL AND c.deleted_at IS NULL AND c.hidden_at IS NULL AND $2::bigint > 0`,
	TargetMessage: `SELECT m.author_id FROM chat_messages m JOIN chat_rooms r ON r.id = m.room_id WHERE m.id = $1 AND m.hidden_at IS NULL
		AND (r.kind IN ('general', 'lounge') OR EXISTS (SELECT 1 FROM chat_members cm WHERE cm.room_id = r.id AND cm.user_id = $2))`,
	TargetConsultMessage: `SELECT m.author_id FROM consult_messages m JOIN consults c ON c.id = m.consult_id WHERE m.id = $1
		AND m.hidden_at IS NULL AND (c.requester_id = $2 OR c.consultant_id = $2)`,
	TargetUser: `SELECT id FROM users WHERE id = $1 AND $2::bigint > 0`,
}

// visibleAuthor returns the author of a target that v may see; others, and
// those that do not exist, are not found alike.
func (s *Service) visibleAuthor(ctx context.Context, v *identity.Viewer, kind string, id int64) (int64, error) {
	query, ok := visibleQueries[kind]
	if !ok {
		return 0, apperr.FieldErrors{"target_type": "Choose what you are flagging."}
	}
	var author int64
	err := db.ScanRow(ctx, s.db, query, []any{id, v.UserID}, &author)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("%s %d: %w", kind, id, apperr.ErrNotFound)
	} else if err != nil {
		return 0, fmt.Errorf("find %s: %w", kind, err)
	}
	return author, nil
}

// targetSelect reads targets of every kind in one statement; %[1]s … %[5]s
// are each kind's condition (on alias t), fixed text of this package.
const targetSelect = `SELECT 'case', t.id, t.title, t.body, t.author_id, u.handle, u.display_name, t.anonymous, t.phi_ack,
		t.hidden_at IS NOT NULL, '/cases/' || t.id, t.created_at
		FROM cases t JOIN users u ON u.id = t.author_id WHERE %[1]s
	UNION ALL
	SELECT 'reply', t.id, c.title, t.body, t.author_id, u.handle, u.display_name, t.anonymous, t.phi_ack,
		t.hidden_at IS NOT NULL, '/cases/' || c.id || '#reply-' || t.id, t.created_at
		FROM replies t JOIN cases c ON c.id = t.case_id JOIN users u ON u.id = t.author_id WHERE %[2]s
	UNION ALL
	SELECT 'message', t.id, 'Chat: ' || r.title, t.body, t.author_id, u.handle, u.display_name, false, t.phi_ack,
		t.hidden_at IS NOT NULL, CASE WHEN r.kind IN ('general', 'lounge') THEN '/chat/' || r.slug ELSE '' END, t.created_at
		FROM chat_messages t JOIN chat_rooms r ON r.id = t.room_id JOIN users u ON u.id = t.author_id WHERE %[3]s
	UNION ALL
	SELECT 'consult_message', t.id, 'Consult #' || t.consult_id, t.body, t.author_id, u.handle, u.display_name, false, t.phi_ack,
		t.hidden_at IS NOT NULL, '/consults/' || t.consult_id, t.created_at
		FROM consult_messages t JOIN users u ON u.id = t.author_id WHERE %[4]s
	UNION ALL
	SELECT 'user', t.id, t.display_name, '', t.id, t.handle, t.display_name, false, false,
		t.status = 'suspended', '/mod/users/' || t.id, t.created_at
		FROM users t WHERE %[5]s`

func scanTargets(rows *sql.Rows) ([]Target, error) {
	defer rows.Close()
	var out []Target
	for rows.Next() {
		var t Target
		if err := rows.Scan(&t.Type, &t.ID, &t.Title, &t.Text, &t.AuthorID, &t.AuthorHandle, &t.AuthorName, &t.Anonymous,
			&t.PHIAck, &t.Hidden, &t.Link, &t.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// targets reads the targets named by ids (per kind), in one statement.
func (s *Service) targets(ctx context.Context, ids map[string][]int64) (map[string]Target, error) {
	args := make([]any, 0, len(TargetTypes))
	for _, kind := range TargetTypes {
		args = append(args, append([]int64{}, ids[kind]...))
	}
	rows, err := db.Conn(ctx, s.db).Raw(fmt.Sprintf(targetSelect, "t.id IN ?", "t.id IN ?", "t.id IN ?", "t.id IN ?", "t.id IN ?"),
		args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("read flagged content: %w", err)
	}
	list, err := scanTargets(rows)
	if err != nil {
		return nil, fmt.Errorf("read flagged content: %w", err)
	}
	out := make(map[string]Target, len(list))
	for _, t := range list {
		out[t.Key()] = t
	}
	return out, nil
}

// guardedLimit bounds the list of posts published over the privacy guard.
const guardedLimit = 50

// Guarded lists the newest posts and messages published over the privacy
// guard's findings, for a moderator to read.
func (s *Service) Guarded(ctx context.Context, v *identity.Viewer, meta identity.Meta) ([]Target, error) {
	cond := "t.phi_ack AND t.hidden_at IS NULL"
	rows, err := db.Conn(ctx, s.db).Raw(fmt.Sprintf(targetSelect, cond+" AND t.deleted_at IS NULL", cond+" AND t.deleted_at IS NULL",
		cond, cond, "false")+` ORDER BY 12 DESC LIMIT ?`, guardedLimit).Rows()
	if err != nil {
		return nil, fmt.Errorf("read guarded posts: %w", err)
	}
	list, err := scanTargets(rows)
	if err != nil {
		return nil, fmt.Errorf("read guarded posts: %w", err)
	}
	return list, s.auditAnonymous(ctx, v, list, meta)
}

// auditAnonymous records that v was shown who wrote the anonymous ones
// among targets.
func (s *Service) auditAnonymous(ctx context.Context, v *identity.Viewer, targets []Target, meta identity.Meta) error {
	for _, t := range targets {
		if t.Anonymous {
			if err := s.audit.Record(ctx, auditEvent(v, AnonymousAuthorsSeen, t.Type, t.ID, meta)); err != nil {
				return err
			}
		}
	}
	return nil
}

// hideTables hold what moderators may hide besides chat messages, which go
// through the chat capability: it takes them off open screens too.
var hideTables = map[string]string{TargetCase: "cases", TargetReply: "replies", TargetConsultMessage: "consult_messages"}

// hideParents lock, before a target is hidden, the row its moves lock
// first (in the transaction ctx carries; setHidden runs in one).
var hideParents = map[string]string{
	TargetConsultMessage: `SELECT 1 FROM consults WHERE id = (SELECT consult_id FROM consult_messages WHERE id = ?) FOR NO KEY UPDATE`,
}

// setHidden hides or restores a target, joining the transaction ctx carries.
func (s *Service) setHidden(ctx context.Context, v *identity.Viewer, kind string, id int64, hide bool, meta identity.Meta) error {
	if kind == TargetMessage {
		if hide {
			return s.chat.Hide(ctx, v, id, meta)
		}
		return s.chat.Restore(ctx, v, id, meta)
	}
	table, ok := hideTables[kind]
	if kind == TargetUser {
		return apperr.FieldErrors{"action": "A member cannot be hidden: suspend them instead."}
	} else if !ok {
		return fmt.Errorf("%q: %w", kind, apperr.ErrNotFound) // nothing of that kind
	}
	if parent, ok := hideParents[kind]; ok {
		// Taken in the order the consult's own moves take them (the consult,
		// then its messages), since hiding a message moves its consult's
		// version (migration 00028): the other order could deadlock with an
		// answer being posted.
		if err := db.Conn(ctx, s.db).Exec(parent, id).Error; err != nil {
			return fmt.Errorf("hide %s: %w", kind, err)
		}
	}
	set, want := "hidden_at = now(), hidden_by = ?", "hidden_at IS NULL"
	args := []any{v.UserID, id}
	if !hide {
		set, want, args = "hidden_at = NULL, hidden_by = NULL", "hidden_at IS NOT NULL", []any{id}
	}
	res := db.Conn(ctx, s.db).Exec(`UPDATE `+table+` SET `+set+` WHERE id = ? AND `+want, args...)
	if res.Error != nil {
		return fmt.Errorf("hide %s: %w", kind, res.Error)
	}
	if res.RowsAffected == 0 {
		return s.hiddenConflict(ctx, table, id, hide)
	}
	action := ContentHidden
	if !hide {
		action = ContentRestored
	}
	return s.audit.Record(ctx, auditEvent(v, action, kind, id, meta))
}

// hiddenConflict explains a hide or restore that changed nothing.
func (s *Service) hiddenConflict(ctx context.Context, table string, id int64, hide bool) error {
	var n int64
	if err := db.Conn(ctx, s.db).Raw(`SELECT count(*) FROM `+table+` WHERE id = ?`, id).Scan(&n).Error; err != nil {
		return err
	}
	switch {
	case n == 0:
		return fmt.Errorf("%s %d: %w", table, id, apperr.ErrNotFound)
	case hide:
		return &apperr.Conflict{Message: "It is hidden already."}
	}
	return &apperr.Conflict{Message: "It is not hidden."}
}

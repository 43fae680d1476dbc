package chat

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"curbside/app/apperr"
	"curbside/app/audit"
	"curbside/app/db"
	"curbside/app/identity"
	"curbside/app/notify"
	"curbside/app/pubsub"
)

// Service holds the chat rules: who may see and write in which room, and
// how messages are stored and announced to every instance.
type Service struct {
	db     *gorm.DB
	audit  *audit.Log
	notify *notify.Service
	bus    pubsub.Bus
	limits *senders
	store  *storer
	log    *slog.Logger
	now    func() time.Time
}

// NewService returns the chat rules; messages are announced on bus.
func NewService(gdb *gorm.DB, auditLog *audit.Log, n *notify.Service, bus pubsub.Bus, log *slog.Logger) *Service {
	return &Service{db: gdb, audit: auditLog, notify: n, bus: bus, limits: newSenders(sendRate, sendBurst),
		store: &storer{db: gdb}, log: log,
		now: func() time.Time { return time.Now().UTC() }}
}

// roomColumns read a room as member $1 sees it: a direct-message room is
// named after the other member.
const roomColumns = `r.id, r.slug, r.kind,
	CASE WHEN r.kind = 'dm' THEN COALESCE((SELECT u.display_name FROM chat_members m JOIN users u ON u.id = m.user_id
		WHERE m.room_id = r.id AND m.user_id <> $1 LIMIT 1), r.title) ELSE r.title END,
	r.specialty_id, r.consult_id, r.closed_at IS NOT NULL, COALESCE(last.id, 0), last.created_at,
	COALESCE(rd.last_read_id, 0)`

// roomJoins bring a room's newest message and member $1's read marker.
const roomJoins = ` LEFT JOIN LATERAL (SELECT m.id, m.created_at FROM chat_messages m WHERE m.room_id = r.id ORDER BY m.id DESC LIMIT 1) last ON true
	LEFT JOIN chat_reads rd ON rd.room_id = r.id AND rd.user_id = $1`

// visibleTo is true for the rooms member $1 may join: the open ones, and
// the private ones they belong to.
const visibleTo = `(r.kind IN ('general', 'lounge') OR EXISTS (SELECT 1 FROM chat_members m WHERE m.room_id = r.id AND m.user_id = $1))`

// Room returns the room named slug if the viewer may join it. A private
// room of others is not found: its existence is private too.
func (s *Service) Room(ctx context.Context, v *identity.Viewer, slug string) (*Room, error) {
	var r Room
	err := db.ScanRow(ctx, s.db, `SELECT `+roomColumns+` FROM chat_rooms r`+roomJoins+`
		WHERE r.slug = $2 AND `+visibleTo, []any{v.UserID, slug}, r.dest()...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("room %q: %w", slug, apperr.ErrNotFound)
	} else if err != nil {
		return nil, fmt.Errorf("load room: %w", err)
	}
	return &r, nil
}

func (r *Room) dest() []any {
	return []any{&r.ID, &r.Slug, &r.Kind, &r.Title, &r.SpecialtyID, &r.ConsultID, &r.Closed, &r.LastID, &r.LastAt, &r.LastReadID}
}

// unreadCap bounds an unread count: past it the list says "99+".
const unreadCap = 100

// Rooms lists the rooms the viewer may join with their unread counts: the
// general room, their specialty's lounge, their private rooms by last
// activity, then the other lounges.
func (s *Service) Rooms(ctx context.Context, v *identity.Viewer) ([]Room, error) {
	rows, err := db.Conn(ctx, s.db).Raw(`SELECT `+strings.ReplaceAll(roomColumns, "$1", "@me")+`,
		(SELECT count(*) FROM (SELECT 1 FROM chat_messages cm WHERE cm.room_id = r.id AND cm.id > COALESCE(rd.last_read_id, 0)
			AND cm.author_id <> @me AND cm.hidden_at IS NULL LIMIT @cap) unread)
		FROM chat_rooms r`+strings.ReplaceAll(roomJoins, "$1", "@me")+`
		WHERE `+strings.ReplaceAll(visibleTo, "$1", "@me")+`
		ORDER BY CASE WHEN r.kind = 'general' THEN 0 WHEN r.specialty_id = @specialty THEN 1 WHEN r.kind = 'lounge' THEN 3 ELSE 2 END,
			CASE WHEN r.kind = 'lounge' THEN NULL ELSE last.created_at END DESC NULLS LAST, r.title, r.id`,
		sql.Named("me", v.UserID), sql.Named("cap", unreadCap), sql.Named("specialty", v.SpecialtyID)).Rows()
	if err != nil {
		return nil, fmt.Errorf("list rooms: %w", err)
	}
	defer rows.Close()
	var out []Room
	for rows.Next() {
		var r Room
		if err := rows.Scan(append(r.dest(), &r.Unread)...); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// DirectRoom returns the slug of the direct-message room between the
// viewer and the verified member with handle, making it the first time.
func (s *Service) DirectRoom(ctx context.Context, v *identity.Viewer, handle string) (string, error) {
	var other int64
	err := db.ScanRow(ctx, s.db, `SELECT id FROM users WHERE handle = $1 AND (status = 'verified' OR role IN ('moderator', 'admin'))
		AND status <> 'suspended'`, []any{handle}, &other)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("member @%s: %w", handle, apperr.ErrNotFound)
	} else if err != nil {
		return "", fmt.Errorf("find member: %w", err)
	}
	if other == v.UserID {
		return "", &apperr.Conflict{Message: "A direct conversation needs someone else: choose another member."}
	}
	a, b := min(v.UserID, other), max(v.UserID, other)
	slug := "dm-" + strconv.FormatInt(a, 10) + "-" + strconv.FormatInt(b, 10)
	return slug, db.Tx(ctx, s.db, func(ctx context.Context) error {
		return s.keepRoom(ctx, slug, KindDM, "Direct messages", nil, false, a, b)
	})
}

// keepRoom makes the room slug if it is missing, opens or closes it, and
// makes members (when given) its only members.
func (s *Service) keepRoom(ctx context.Context, slug, kind, title string, consultID *int64, closed bool, members ...int64) error {
	tx := db.Conn(ctx, s.db)
	var closedAt *time.Time
	if closed {
		now := s.now()
		closedAt = &now
	}
	var id int64
	err := tx.Raw(`INSERT INTO chat_rooms (slug, kind, title, consult_id, closed_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (slug) DO UPDATE SET closed_at = EXCLUDED.closed_at RETURNING id`,
		slug, kind, title, consultID, closedAt).Scan(&id).Error
	if err != nil {
		return fmt.Errorf("keep room %s: %w", slug, err)
	}
	if len(members) == 0 {
		return nil
	}
	removed := tx.Exec(`DELETE FROM chat_members WHERE room_id = ? AND user_id NOT IN ?`, id, members)
	if removed.Error != nil {
		return fmt.Errorf("keep room members: %w", removed.Error)
	}
	if removed.RowsAffected > 0 { // open sockets of those who left must leave too
		if err := s.bus.Publish(ctx, Channel, announce(kindMembers, id, "")); err != nil {
			return err
		}
	}
	for _, m := range members {
		if err := tx.Exec(`INSERT INTO chat_members (room_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, id, m).Error; err != nil {
			return fmt.Errorf("keep room members: %w", err)
		}
	}
	return nil
}

// ConsultRoom opens the room of a claimed consult to its two parties, or
// closes it to new messages when the consult ends; it runs inside the
// consult's own transaction.
func (s *Service) ConsultRoom(ctx context.Context, consultID, requesterID, consultantID int64, open bool) error {
	slug := "consult-" + strconv.FormatInt(consultID, 10)
	title := "Consult #" + strconv.FormatInt(consultID, 10)
	if !open {
		return db.Conn(ctx, s.db).Exec(`UPDATE chat_rooms SET closed_at = ? WHERE slug = ? AND closed_at IS NULL`, s.now(), slug).Error
	}
	members := []int64{requesterID}
	if consultantID != 0 {
		members = append(members, consultantID)
	}
	return s.keepRoom(ctx, slug, KindConsult, title, &consultID, false, members...)
}

// members returns who may be in a room: nil for an open room (everyone);
// for a private one, its members.
func (s *Service) members(ctx context.Context, roomID int64) (map[int64]bool, error) {
	var ids []int64
	err := db.Conn(ctx, s.db).Raw(`SELECT m.user_id FROM chat_rooms r JOIN chat_members m ON m.room_id = r.id
		WHERE r.id = ? AND r.kind IN ('dm', 'consult')`, roomID).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("read room members: %w", err)
	}
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

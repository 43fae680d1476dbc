package chat

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"html/template"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"curbside/app/apperr"
	"curbside/app/audit"
	"curbside/app/db"
	"curbside/app/identity"
	"curbside/app/markdown"
	"curbside/app/phi"
)

// Outgoing is a message as a member sends it.
type Outgoing struct {
	Room     string
	Body     string
	ClientID string
	PHIAck   bool
}

// ErrTooLong refuses a body over MaxBody characters.
var ErrTooLong = fmt.Errorf("a message is at most %d characters", MaxBody)

// Send stores a message and announces it to every instance; it returns the
// stored message, which the caller acknowledges only now. A message sent
// again with the same client id is stored once: the second call returns the
// first one's row (it counts against the sender's rate like any send).
func (s *Service) Send(ctx context.Context, v *identity.Viewer, out Outgoing) (*Message, error) {
	out.Body = strings.TrimSpace(out.Body)
	switch {
	case !usableClientID(out.ClientID):
		return nil, ErrBadClientID
	case !roomSlug.MatchString(out.Room):
		return nil, fmt.Errorf("room: %w", apperr.ErrNotFound) // no room has such a name
	case out.Body == "":
		return nil, apperr.FieldErrors{"body": "Write a message."}
	case utf8.RuneCountInString(out.Body) > MaxBody:
		return nil, ErrTooLong
	case !utf8.ValidString(out.Body) || strings.ContainsRune(out.Body, 0):
		return nil, apperr.FieldErrors{"body": "The message holds characters that are not text."}
	}
	flagged, err := phi.Guard(out.PHIAck, map[string]string{"body": out.Body})
	if err != nil {
		return nil, err
	}
	if err := s.limits.allow(v.UserID, s.now()); err != nil {
		return nil, err
	}
	rendered := markdown.Render(out.Body)
	m := &Message{Room: out.Room, AuthorID: v.UserID, Author: Author{Handle: v.Handle, DisplayName: v.DisplayName},
		ClientID: out.ClientID, Body: out.Body, HTML: template.HTML(rendered.HTML), CreatedAt: s.now(), Mine: true}
	stored, err := s.store.write(ctx, m, flagged)
	if err != nil {
		return nil, err
	}
	if !stored {
		// Not a room the viewer may write in (not found), a closed one, or
		// a resend: the room is read only now, off the busy path.
		if _, err := s.Room(ctx, v, out.Room); err != nil {
			return nil, err
		}
		return s.resent(ctx, v, out.ClientID)
	}
	if len(rendered.Mentions) > 0 {
		if err := s.tellMentioned(ctx, v, out.Room, rendered.Mentions); err != nil {
			// The message stands: a notice that failed is logged, not a
			// reason to make its author send it again.
			s.log.Error("chat: tell the mentioned", "message", m.ID, "err", err)
		}
	}
	return m, nil
}

// roomSlug is the shape of every room's name: general, lounge-…, dm-…, consult-….
var roomSlug = regexp.MustCompile(`^[a-z0-9-]{1,100}$`)

// usableClientID: 1 to maxClientID bytes of text without control characters.
func usableClientID(id string) bool {
	if id == "" || len(id) > maxClientID || !utf8.ValidString(id) {
		return false
	}
	return !strings.ContainsFunc(id, unicode.IsControl)
}

// resent returns the viewer's message with clientID, stored earlier: a
// resend is acknowledged again. Without one, the room must have closed.
func (s *Service) resent(ctx context.Context, v *identity.Viewer, clientID string) (*Message, error) {
	m, err := s.sent(ctx, v, clientID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrClosed
	}
	return m, err
}

// sent returns the viewer's message with clientID.
func (s *Service) sent(ctx context.Context, v *identity.Viewer, clientID string) (*Message, error) {
	list, err := s.messages(ctx, `m.author_id = ? AND m.client_id = ?`, v.UserID, clientID)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, sql.ErrNoRows
	}
	return &list[0], nil
}

// Since returns up to limit of a room's visible messages after id after, oldest first.
func (s *Service) Since(ctx context.Context, roomID, after int64, limit int) ([]Message, error) {
	return s.messages(ctx, `m.room_id = ? AND m.id > ? AND m.hidden_at IS NULL ORDER BY m.id LIMIT `+strconv.Itoa(limit), roomID, after)
}

// Latest returns a room's last n messages, oldest first: hidden ones too,
// marked, for the page to show in their place.
func (s *Service) Latest(ctx context.Context, roomID int64, n int) ([]Message, error) {
	list, err := s.messages(ctx, `m.room_id = ? ORDER BY m.id DESC LIMIT `+strconv.Itoa(n), roomID)
	for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
		list[i], list[j] = list[j], list[i]
	}
	return list, err
}

// messages reads messages with their authors and rooms; where is fixed
// text of this file, its values parameters.
func (s *Service) messages(ctx context.Context, where string, args ...any) ([]Message, error) {
	rows, err := db.Conn(ctx, s.db).Raw(`SELECT m.id, m.room_id, r.slug, m.author_id, u.handle, u.display_name, m.client_id,
		m.body, m.body_html, m.created_at, m.hidden_at IS NOT NULL
		FROM chat_messages m JOIN users u ON u.id = m.author_id JOIN chat_rooms r ON r.id = m.room_id WHERE `+where, args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("read messages: %w", err)
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var m Message
		var html string
		if err := rows.Scan(&m.ID, &m.RoomID, &m.Room, &m.AuthorID, &m.Author.Handle, &m.Author.DisplayName, &m.ClientID,
			&m.Body, &html, &m.CreatedAt, &m.Hidden); err != nil {
			return nil, err
		}
		m.HTML = template.HTML(html) // rendered by the Markdown package and sanitised when stored
		out = append(out, m)
	}
	return out, rows.Err()
}

// MarkRead moves the viewer's read marker in a room forward to id (never
// back, never past the room's last message). The viewer's own messages
// never count as unread, so sending marks nothing.
func (s *Service) MarkRead(ctx context.Context, v *identity.Viewer, room *Room, id int64) error {
	id = min(id, room.LastID)
	if id <= room.LastReadID {
		return nil
	}
	err := db.Conn(ctx, s.db).Exec(`INSERT INTO chat_reads (user_id, room_id, last_read_id) VALUES (?, ?, ?)
		ON CONFLICT (user_id, room_id) DO UPDATE SET last_read_id = GREATEST(chat_reads.last_read_id, EXCLUDED.last_read_id)`,
		v.UserID, room.ID, id).Error
	if err != nil {
		return fmt.Errorf("mark room read: %w", err)
	}
	return nil
}

// Hide takes a message out of its room for everyone, at once on every
// open client: a moderator's call.
func (s *Service) Hide(ctx context.Context, v *identity.Viewer, id int64, meta identity.Meta) error {
	if !v.IsModerator() {
		return apperr.ErrForbidden
	}
	return db.Tx(ctx, s.db, func(ctx context.Context) error {
		var roomID int64
		err := db.Conn(ctx, s.db).Raw(`UPDATE chat_messages SET hidden_at = ?, hidden_by = ? WHERE id = ? AND hidden_at IS NULL
			RETURNING room_id`, s.now(), v.UserID, id).Scan(&roomID).Error
		if err != nil {
			return fmt.Errorf("hide message: %w", err)
		}
		if roomID == 0 {
			return s.hiddenAlready(ctx, id, true)
		}
		if err := s.audit.Record(ctx, audit.Event{ActorID: v.UserID, Action: "chat.message_hidden", TargetType: "message",
			TargetID: id, IP: meta.IP}); err != nil {
			return err
		}
		return s.bus.Publish(ctx, Channel, announce(kindHidden, roomID, strconv.FormatInt(id, 10)))
	})
}

// Restore brings a hidden message back: it shows again on the room's page
// (open clients see it after a reload). A moderator's call.
func (s *Service) Restore(ctx context.Context, v *identity.Viewer, id int64, meta identity.Meta) error {
	if !v.IsModerator() {
		return apperr.ErrForbidden
	}
	return db.Tx(ctx, s.db, func(ctx context.Context) error {
		res := db.Conn(ctx, s.db).Exec(`UPDATE chat_messages SET hidden_at = NULL, hidden_by = NULL WHERE id = ? AND hidden_at IS NOT NULL`, id)
		if res.Error != nil {
			return fmt.Errorf("restore message: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return s.hiddenAlready(ctx, id, false)
		}
		return s.audit.Record(ctx, audit.Event{ActorID: v.UserID, Action: "chat.message_restored", TargetType: "message",
			TargetID: id, IP: meta.IP})
	})
}

// hiddenAlready explains a hide (hide) or restore that changed nothing: the
// message is as asked already, or there is no such message.
func (s *Service) hiddenAlready(ctx context.Context, id int64, hide bool) error {
	var hidden *bool
	if err := db.Conn(ctx, s.db).Raw(`SELECT hidden_at IS NOT NULL FROM chat_messages WHERE id = ?`, id).Scan(&hidden).Error; err != nil {
		return fmt.Errorf("read message: %w", err)
	}
	switch {
	case hidden == nil:
		return fmt.Errorf("message %d: %w", id, apperr.ErrNotFound)
	case hide:
		return &apperr.Conflict{Message: "It is hidden already."}
	}
	return &apperr.Conflict{Message: "It is not hidden."}
}

// Typing tells the room's other clients, on every instance, that the
// viewer is typing; nothing is stored.
func (s *Service) Typing(ctx context.Context, v *identity.Viewer, room *Room) error {
	return s.bus.Publish(ctx, Channel, announce(kindTyping, room.ID, v.Handle))
}

// ConsultWaiting tells the open pages of a specialty's members (specialtyID)
// or of one member (memberID) that a consult waits for them. It says which
// consult and how urgent, never what it asks.
func (s *Service) ConsultWaiting(ctx context.Context, consultID int64, specialtyID int16, memberID int64, urgent bool) error {
	what := strconv.FormatInt(consultID, 10) + ":" + strconv.FormatBool(urgent) + ":" + strconv.FormatInt(memberID, 10)
	return s.bus.Publish(ctx, Channel, announce(kindConsult, int64(specialtyID), what))
}

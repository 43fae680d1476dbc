// Package chat is live chat: rooms (general, a lounge per specialty, direct
// messages, a room per claimed consult), messages stored in PostgreSQL, and
// their delivery over websockets to every instance's clients.
package chat

import (
	"errors"
	"fmt"
	"html/template"
	"time"

	"curbside/app/apperr"
)

// Kinds of room.
const (
	KindGeneral = "general"
	KindLounge  = "lounge"
	KindDM      = "dm"
	KindConsult = "consult"
)

// Limits the contract fixes.
const (
	// MaxBody is the longest message, in characters.
	MaxBody = 4000
	// MaxFrame is the largest frame a client may send, in bytes.
	MaxFrame = 16 << 10
	// maxClientID bounds a client's own message id.
	maxClientID = 100
	// pageSize is how many messages a room's page shows and a replay sends at once.
	pageSize = 50
)

// ErrClosed refuses a message to a room that takes no more (a consult that ended).
var ErrClosed = &apperr.Conflict{Message: "This room is closed: its consult has ended."}

// ErrBadClientID refuses a send without a usable client id.
var ErrBadClientID = errors.New("client_id must be 1 to 100 characters")

// Room is a chat room as a member sees it.
type Room struct {
	ID          int64
	Slug        string
	Kind        string
	Title       string
	SpecialtyID *int16
	ConsultID   *int64
	Closed      bool
	LastID      int64
	LastAt      *time.Time
	// Unread counts messages by others after the member's read marker (capped).
	Unread int64
	// LastReadID is the member's read marker.
	LastReadID int64
}

// OtherMember is, in a direct-message room, the member other than me
// (the room's slug names both: DirectRoom makes it); 0 elsewhere.
func (r *Room) OtherMember(me int64) int64 {
	if r.Kind != KindDM {
		return 0
	}
	var a, b int64
	if _, err := fmt.Sscanf(r.Slug, "dm-%d-%d", &a, &b); err != nil {
		return 0
	}
	if a == me {
		return b
	}
	return a
}

// Private rooms are visible to their members only.
func (r *Room) Private() bool { return r.Kind == KindDM || r.Kind == KindConsult }

// Author is who wrote a message.
type Author struct {
	Handle      string `json:"handle"`
	DisplayName string `json:"display_name"`
}

// Message is a stored chat message.
type Message struct {
	ID        int64
	RoomID    int64
	Room      string
	AuthorID  int64
	Author    Author
	ClientID  string
	Body      string
	HTML      template.HTML
	CreatedAt time.Time
	// Mine: the viewer wrote it.
	Mine bool
	// Hidden by a moderator: shown to members as removed.
	Hidden bool
}

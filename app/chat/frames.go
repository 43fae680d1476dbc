package chat

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"curbside/app/phi"
)

// inFrame is any frame a client sends; its type says which fields count.
type inFrame struct {
	Type     string `json:"type"`
	Room     string `json:"room"`
	Since    int64  `json:"since"`
	Body     string `json:"body"`
	ClientID string `json:"client_id"`
	PHIAck   bool   `json:"phi_ack"`
	ID       int64  `json:"id"`
}

type messageFrame struct {
	Type      string `json:"type"`
	Room      string `json:"room"`
	ID        int64  `json:"id"`
	Author    Author `json:"author"`
	Body      string `json:"body"`
	HTML      string `json:"html"`
	CreatedAt string `json:"created_at"`
	ClientID  string `json:"client_id"`
}

type ackFrame struct {
	Type     string `json:"type"`
	Room     string `json:"room"`
	ClientID string `json:"client_id"`
	ID       int64  `json:"id"`
}

type joinedFrame struct {
	Type   string `json:"type"`
	Room   string `json:"room"`
	LastID int64  `json:"last_id"`
}

type typingFrame struct {
	Type   string `json:"type"`
	Room   string `json:"room"`
	Handle string `json:"handle"`
}

type presenceFrame struct {
	Type   string   `json:"type"`
	Room   string   `json:"room"`
	Online []string `json:"online"`
}

// hiddenFrame tells clients to take a message away (a moderator hid it).
type hiddenFrame struct {
	Type string `json:"type"`
	Room string `json:"room"`
	ID   int64  `json:"id"`
}

// consultFrame tells a specialist a consult waits for them: its id and
// urgency, never its content.
type consultFrame struct {
	Type   string `json:"type"`
	ID     int64  `json:"id"`
	Urgent bool   `json:"urgent"`
}

type errorFrame struct {
	Type     string        `json:"type"`
	Code     string        `json:"code"`
	Message  string        `json:"message"`
	Room     string        `json:"room,omitempty"`
	ClientID string        `json:"client_id,omitempty"`
	Findings []findingJSON `json:"findings,omitempty"`
}

type findingJSON struct {
	Kind  string `json:"kind"`
	Label string `json:"label"`
	Text  string `json:"text"`
}

func findingsOf(held *phi.Held) []findingJSON {
	var out []findingJSON
	for _, list := range held.Findings {
		for _, f := range list {
			out = append(out, findingJSON{Kind: f.Kind, Label: f.Label, Text: f.Text})
		}
	}
	return out
}

func encodeMessage(m *Message) []byte {
	return mustJSON(messageFrame{Type: "message", Room: m.Room, ID: m.ID, Author: m.Author, Body: m.Body,
		HTML: string(m.HTML), CreatedAt: m.CreatedAt.UTC().Format(time.RFC3339), ClientID: m.ClientID})
}

// mustJSON encodes a frame of this file's types, which cannot fail.
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("chat: encode frame: " + err.Error())
	}
	return b
}

// Channel carries chat announcements between instances: "m:room:id" (a
// message was stored), "h:room:id" (hidden), "t:room:handle" (typing),
// "c:specialty:consult:urgent:member" (a consult waits), "p:room:instance:
// handles" (who is in a room on one instance). A
// message's content never travels on it: each instance reads the row.
const Channel = "curbside_chat"

const (
	kindMessage = "m"
	kindHidden  = "h"
	kindTyping  = "t"
	// kindConsult: "c:specialty:consult:urgent:member", a consult waits.
	kindConsult = "c"
	// kindPresence: "p:room:instance:handle,handle,…", who is in a room on one instance.
	kindPresence = "p"
	// kindMembers: "r:room:", a private room's members changed.
	kindMembers = "r"
)

func announce(kind string, roomID int64, what string) string {
	return kind + ":" + strconv.FormatInt(roomID, 10) + ":" + what
}

func parseAnnouncement(p string) (kind string, roomID int64, what string, ok bool) {
	kind, rest, ok1 := strings.Cut(p, ":")
	room, what, ok2 := strings.Cut(rest, ":")
	id, err := strconv.ParseInt(room, 10, 64)
	return kind, id, what, ok1 && ok2 && err == nil
}

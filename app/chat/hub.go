package chat

import (
	"context"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"curbside/app/accounts"
	"curbside/app/pubsub"
)

// Hub delivers one instance's share of the chat: it hears on the bus that
// a room has news, reads the new rows once, encodes each frame once, and
// hands it to every local client in the room.
type Hub struct {
	svc      *Service
	bus      pubsub.Bus
	sessions Sessions
	log      *slog.Logger

	mu      sync.Mutex
	rooms   map[int64]*hubRoom
	clients map[*client]struct{}
	// dirty rooms have stored messages this instance may not have delivered.
	dirty map[int64]struct{}
	wake  chan struct{}

	// instance names this hub to the others' presence lists.
	instance string
	// presenceDirty rooms had members come or go here since the last tick.
	presenceDirty map[int64]struct{}
	// remote is who is in each room on the other instances, as they said.
	remote map[int64]map[string]remotePresence
	// regroup are private rooms whose members changed: their clients here
	// are checked again.
	regroup map[int64]struct{}
}

// Sessions is what the hub needs of the accounts: which sessions still let
// their member in, and a way to count a socket's frames as use.
type Sessions interface {
	LiveSessions(ctx context.Context, ids []int64) (map[int64]bool, error)
	Touch(sessionID int64)
}

// sessionCheck is how often open sockets' sessions are checked: they also
// end by lapsing (lifetime, idleness), which nobody announces.
const sessionCheck = 30 * time.Second

// hubBatch is how many new messages the hub reads at a time: well within a
// client's queue, so that catching up after the bus was down does not cut
// off clients that read as fast as they can.
const hubBatch = sendQueue / 4

// hubRoom is a room with clients on this instance.
type hubRoom struct {
	slug string
	// private rooms (direct messages, consults) have members to keep to.
	private bool
	// lastID is the newest message delivered here; the next catch-up reads after it.
	lastID  int64
	clients map[*client]struct{}
}

// NewHub returns the instance's hub; Run connects it to the bus.
func NewHub(svc *Service, bus pubsub.Bus, sessions Sessions, log *slog.Logger) *Hub {
	return &Hub{svc: svc, bus: bus, sessions: sessions, log: log, regroup: map[int64]struct{}{}, rooms: map[int64]*hubRoom{}, clients: map[*client]struct{}{},
		dirty: map[int64]struct{}{}, wake: make(chan struct{}, 1),
		instance: newInstanceID(), presenceDirty: map[int64]struct{}{}, remote: map[int64]map[string]remotePresence{}}
}

// Run listens for news of rooms and of ended sessions, and delivers new
// messages until ctx ends.
func (h *Hub) Run(ctx context.Context) error {
	stop := h.bus.Subscribe(Channel, pubsub.Handler{Notify: h.heard, Resync: h.resync})
	defer stop()
	stopSessions := accounts.WatchSessionEnds(h.bus, h.sessionsEnded, func() { go h.CheckSessions(ctx) })
	defer stopSessions()
	tick := time.NewTicker(presenceTick)
	defer tick.Stop()
	check := time.NewTicker(sessionCheck)
	defer check.Stop()
	pings := time.NewTicker(pingPeriod)
	defer pings.Stop()
	beats := 0
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			beats++
			h.tellPresence(ctx, beats%heartbeatTicks == 0)
			continue
		case <-check.C:
			h.CheckSessions(ctx)
			continue
		case <-pings.C:
			for _, c := range h.connected() {
				c.ping()
			}
			continue
		case <-h.wake:
		}
		h.regroupRooms(ctx)
		for _, roomID := range h.takeDirty() {
			if err := h.catchUp(ctx, roomID); err != nil && ctx.Err() == nil {
				h.log.Warn("chat: catch up a room", "room", roomID, "err", err)
				h.markDirty(roomID) // try again shortly
				select {
				case <-ctx.Done():
				case <-time.After(200 * time.Millisecond):
				}
			}
		}
	}
}

// heard handles an announcement, on the bus's goroutine: it only marks
// and hands over, never reads the database.
func (h *Hub) heard(payload string) {
	kind, roomID, what, ok := parseAnnouncement(payload)
	if !ok {
		return
	}
	switch kind {
	case kindMessage:
		h.markDirty(roomID)
	case kindHidden:
		if id, err := strconv.ParseInt(what, 10, 64); err == nil {
			h.toRoom(roomID, func(slug string) []byte { return mustJSON(hiddenFrame{Type: "hidden", Room: slug, ID: id}) }, nil)
		}
	case kindMembers:
		h.mu.Lock()
		if _, ok := h.rooms[roomID]; ok {
			h.regroup[roomID] = struct{}{}
		}
		h.mu.Unlock()
		h.poke()
	case kindPresence:
		h.heardPresence(roomID, what)
	case kindConsult:
		h.consultWaiting(int16(roomID), what)
	case kindTyping:
		h.toRoom(roomID, func(slug string) []byte { return mustJSON(typingFrame{Type: "typing", Room: slug, Handle: what}) },
			func(c *client) bool { return c.viewer.Handle != what })
	}
}

// resync runs after the bus (re)connected: announcements may have been
// missed, so every room with clients here is read again.
func (h *Hub) resync() {
	h.mu.Lock()
	for id := range h.rooms {
		h.dirty[id] = struct{}{}
	}
	h.mu.Unlock()
	h.poke()
}

func (h *Hub) markDirty(roomID int64) {
	h.mu.Lock()
	if _, ok := h.rooms[roomID]; ok {
		h.dirty[roomID] = struct{}{}
	}
	h.mu.Unlock()
	h.poke()
}

func (h *Hub) poke() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

func (h *Hub) takeDirty() []int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]int64, 0, len(h.dirty))
	for id := range h.dirty {
		out = append(out, id)
	}
	clear(h.dirty)
	slices.Sort(out)
	return out
}

// catchUp delivers a room's messages stored since the last one delivered
// here, in id order, each encoded once for all its clients.
func (h *Hub) catchUp(ctx context.Context, roomID int64) error {
	for {
		h.mu.Lock()
		r := h.rooms[roomID]
		if r == nil {
			h.mu.Unlock()
			return nil
		}
		after := r.lastID
		h.mu.Unlock()
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		list, err := h.svc.Since(cctx, roomID, after, hubBatch)
		cancel()
		if err != nil {
			return err
		}
		for i := range list {
			frame := encodeMessage(&list[i])
			h.mu.Lock()
			if r := h.rooms[roomID]; r != nil {
				r.lastID = max(r.lastID, list[i].ID)
				for c := range r.clients {
					c.deliver(roomID, list[i].ID, frame)
				}
			}
			h.mu.Unlock()
		}
		if len(list) < hubBatch {
			return nil
		}
	}
}

// toRoom sends a frame made once for the room to its clients here that pass keep (nil: all).
func (h *Hub) toRoom(roomID int64, frame func(slug string) []byte, keep func(*client) bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.rooms[roomID]
	if r == nil {
		return
	}
	b := frame(r.slug)
	for c := range r.clients {
		if keep == nil || keep(c) {
			c.deliver(roomID, 0, b)
		}
	}
}

// add puts c in the room; lastID is the room's newest message as read
// before c's replay, so nothing stored after it can slip between the two.
func (h *Hub) add(c *client, room *Room) {
	h.mu.Lock()
	r := h.rooms[room.ID]
	if r == nil {
		r = &hubRoom{slug: room.Slug, private: room.Private(), lastID: room.LastID, clients: map[*client]struct{}{}}
		h.rooms[room.ID] = r
	}
	r.clients[c] = struct{}{}
	h.presenceDirty[room.ID] = struct{}{}
	h.mu.Unlock()
}

// remove takes c out of the room, and forgets a room left with no one here.
func (h *Hub) remove(c *client, roomID int64) {
	h.mu.Lock()
	if r := h.rooms[roomID]; r != nil {
		delete(r.clients, c)
		if len(r.clients) == 0 {
			delete(h.rooms, roomID)
			delete(h.dirty, roomID)
		}
		h.presenceDirty[roomID] = struct{}{}
	}
	h.mu.Unlock()
}

func (h *Hub) connect(c *client) {
	h.mu.Lock()
	h.clients[c] = struct{}{}
	h.mu.Unlock()
}

func (h *Hub) disconnect(c *client) {
	h.mu.Lock()
	delete(h.clients, c)
	h.mu.Unlock()
}

// sessionsEnded closes the connections of sessions that ended anywhere.
func (h *Hub) sessionsEnded(e accounts.SessionsEnded) {
	for _, c := range h.connected() {
		if e.Covers(c.viewer.UserID, c.viewer.SessionID) {
			c.closeWith(closePolicy, "session ended")
		}
	}
}

// CheckSessions closes the connections whose sessions no longer let their
// member in: those that lapsed, and those whose end was announced while
// the bus was reconnecting. Run calls it every sessionCheck.
func (h *Hub) CheckSessions(ctx context.Context) {
	clients := h.connected()
	if len(clients) == 0 {
		return
	}
	ids := make([]int64, 0, len(clients))
	for _, c := range clients {
		ids = append(ids, c.viewer.SessionID)
	}
	live, err := h.sessions.LiveSessions(ctx, ids)
	if err != nil {
		h.log.Warn("chat: recheck sessions", "err", err)
		return
	}
	for _, c := range clients {
		if !live[c.viewer.SessionID] {
			c.closeWith(closePolicy, "session ended")
		}
	}
}

func (h *Hub) connected() []*client {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]*client, 0, len(h.clients))
	for c := range h.clients {
		out = append(out, c)
	}
	return out
}

// consultWaiting tells the specialty's members connected here (or the one
// member a consult was addressed to) that a consult waits for them.
func (h *Hub) consultWaiting(specialtyID int16, what string) {
	parts := strings.Split(what, ":")
	if len(parts) != 3 {
		return
	}
	id, err1 := strconv.ParseInt(parts[0], 10, 64)
	urgent, err2 := strconv.ParseBool(parts[1])
	member, err3 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return
	}
	frame := mustJSON(consultFrame{Type: "consult", ID: id, Urgent: urgent})
	for _, c := range h.connected() {
		v := c.viewer
		if (member != 0 && v.UserID == member) || (member == 0 && v.SpecialtyID != nil && *v.SpecialtyID == specialtyID) {
			c.queue(frame)
		}
	}
}

// regroupRooms takes out of private rooms the clients here whose members
// left them (a consultant who released the consult): they get not_found
// for the room and nothing more of it.
func (h *Hub) regroupRooms(ctx context.Context) {
	h.mu.Lock()
	rooms := make([]int64, 0, len(h.regroup))
	for id := range h.regroup {
		rooms = append(rooms, id)
	}
	clear(h.regroup)
	h.mu.Unlock()
	for _, roomID := range rooms {
		members, err := h.svc.members(ctx, roomID)
		if err != nil {
			h.log.Warn("chat: check a room's members", "room", roomID, "err", err)
			continue
		}
		h.mu.Lock()
		var gone []*client
		slug := ""
		if r := h.rooms[roomID]; r != nil && r.private {
			slug = r.slug
			for c := range r.clients {
				if !members[c.viewer.UserID] {
					gone = append(gone, c)
				}
			}
		}
		h.mu.Unlock()
		for _, c := range gone {
			c.leave(roomID)
			c.reply(errorFrame{Type: "error", Code: "not_found", Message: "No such room.", Room: slug})
		}
	}
}

package chat

import (
	"context"
	"slices"
	"strings"
	"time"
)

const (
	// presenceTick is how often changes of who is in a room go out: joins
	// and leaves are gathered, so a room that 2,000 clients join at once
	// gets one list a second rather than 2,000 × 2,000 frames.
	presenceTick = time.Second
	// Every heartbeatTicks ticks each instance repeats its lists, so one
	// that missed announcements (its bus reconnected) is right again soon,
	// and presenceTTL later the lists of an instance that went away lapse.
	heartbeatTicks = 20
	presenceTTL    = 3 * heartbeatTicks * presenceTick
	// maxPresenceBytes bounds the handles one instance announces for a
	// room, to keep well within a notification's payload.
	maxPresenceBytes = 6000
)

// remotePresence is who another instance said is in a room, and when.
type remotePresence struct {
	handles []string
	at      time.Time
}

func newInstanceID() string { return randomHex(6) }

// localHandles are the members in a room on this instance; h.mu is held.
func (h *Hub) localHandles(r *hubRoom) []string {
	out := make([]string, 0, len(r.clients))
	for c := range r.clients {
		out = append(out, c.viewer.Handle)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// tellPresence sends the rooms whose members changed (all rooms on a
// heartbeat) their lists: to the clients here, and to the other instances.
func (h *Hub) tellPresence(ctx context.Context, heartbeat bool) {
	type announcement struct {
		roomID  int64
		handles []string
	}
	var out []announcement
	h.mu.Lock()
	rooms := h.presenceDirty
	if heartbeat {
		for id := range h.rooms {
			rooms[id] = struct{}{}
		}
	}
	h.presenceDirty = map[int64]struct{}{}
	if heartbeat {
		h.sweepRemote()
	}
	for id := range rooms {
		var handles []string
		if r := h.rooms[id]; r != nil {
			handles = h.localHandles(r)
			h.sendPresence(id, r)
		}
		out = append(out, announcement{id, handles})
	}
	h.mu.Unlock()
	for _, a := range out {
		what := h.instance + ":" + joinUpTo(a.handles, maxPresenceBytes)
		if err := h.bus.Publish(ctx, Channel, announce(kindPresence, a.roomID, what)); err != nil && ctx.Err() == nil {
			h.log.Warn("chat: announce presence", "room", a.roomID, "err", err)
		}
	}
}

// heardPresence keeps another instance's list for a room and tells the
// room's clients here.
func (h *Hub) heardPresence(roomID int64, what string) {
	instance, list, ok := strings.Cut(what, ":")
	if !ok || instance == h.instance {
		return
	}
	var handles []string
	if list != "" {
		handles = strings.Split(list, ",")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	byInstance := h.remote[roomID]
	if byInstance == nil {
		byInstance = map[string]remotePresence{}
		h.remote[roomID] = byInstance
	}
	if len(handles) == 0 {
		delete(byInstance, instance)
		if len(byInstance) == 0 {
			delete(h.remote, roomID)
		}
	} else {
		byInstance[instance] = remotePresence{handles: handles, at: time.Now()}
	}
	if r := h.rooms[roomID]; r != nil {
		h.sendPresence(roomID, r)
	}
}

// sendPresence sends a room's clients here who is in it on every
// instance; h.mu is held.
func (h *Hub) sendPresence(roomID int64, r *hubRoom) {
	online := h.localHandles(r)
	for instance, p := range h.remote[roomID] {
		if time.Since(p.at) > presenceTTL {
			delete(h.remote[roomID], instance)
			continue
		}
		online = append(online, p.handles...)
	}
	slices.Sort(online)
	online = slices.Compact(online)
	b := mustJSON(presenceFrame{Type: "presence", Room: r.slug, Online: online})
	for c := range r.clients {
		c.deliver(roomID, 0, b)
	}
}

// joinUpTo joins handles with commas, as many as fit in n bytes.
func joinUpTo(handles []string, n int) string {
	var b strings.Builder
	for _, handle := range handles {
		if b.Len()+len(handle)+1 > n {
			break
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(handle)
	}
	return b.String()
}

// sweepRemote forgets lists that lapsed (an instance that went away) and
// rooms left with none; h.mu is held.
func (h *Hub) sweepRemote() {
	for roomID, byInstance := range h.remote {
		for instance, p := range byInstance {
			if time.Since(p.at) > presenceTTL {
				delete(byInstance, instance)
			}
		}
		if len(byInstance) == 0 {
			delete(h.remote, roomID)
		}
	}
}

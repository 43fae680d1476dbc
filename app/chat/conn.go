package chat

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/time/rate"

	"curbside/app/apperr"
	"curbside/app/identity"
	"curbside/app/phi"
)

const (
	// sendQueue bounds what waits for one client: a client that falls this
	// far behind is cut off rather than allowed to hold the others up.
	sendQueue = 64
	// writeWait bounds one write; pongWait is how long a silent client is
	// kept; pings go out well within it.
	writeWait  = 10 * time.Second
	pongWait   = 60 * time.Second
	pingPeriod = pongWait * 9 / 10
	// opTimeout bounds one frame's database work.
	opTimeout = 10 * time.Second
	// replayBatch is how many stored messages are read at a time.
	replayBatch = 500
	// maxJoined bounds the rooms one connection follows.
	maxJoined = 64

	closePolicy = websocket.ClosePolicyViolation

	// frameRate and frameBurst bound a client's other frames; typingEvery
	// is as often as its typing is passed on.
	frameRate   = rate.Limit(5)
	frameBurst  = 30
	typingEvery = 2 * time.Second
	// flushWait bounds the last writes before a close.
	flushWait = 500 * time.Millisecond
)

// client is one websocket connection: one tab of one member.
type client struct {
	hub    *Hub
	ws     *websocket.Conn
	viewer *identity.Viewer

	send chan []byte
	done chan struct{}
	// wmu guards writing: whether a writer goroutine runs, and whether the
	// close was written (then none starts again).
	wmu       sync.Mutex
	writing   bool
	finished  bool
	closeOnce sync.Once
	closeCode int
	closeWhy  string

	mu    sync.Mutex
	rooms map[int64]*joinedRoom

	// frames limits the frames other than sends (joins, reads, typing),
	// which cost a query or a cluster-wide notification each.
	frames *rate.Limiter
	// typedAt is when each room last heard this client type.
	typedAt map[int64]time.Time
}

// joinedRoom is a room the client follows. While it joins, live frames wait
// in pending, so that they follow the replay and `joined` in order.
type joinedRoom struct {
	slug     string
	joining  bool
	pending  []pendingFrame
	replayed int64
}

type pendingFrame struct {
	id    int64
	frame []byte
}

func newClient(h *Hub, ws *websocket.Conn, v *identity.Viewer) *client {
	return &client{hub: h, ws: ws, viewer: v, send: make(chan []byte, sendQueue), done: make(chan struct{}),
		rooms: map[int64]*joinedRoom{}, frames: rate.NewLimiter(frameRate, frameBurst), typedAt: map[int64]time.Time{}}
}

// serve runs the connection until either side ends it.
func (c *client) serve() {
	c.hub.connect(c)
	c.readLoop()
	c.closeWith(websocket.CloseNormalClosure, "")
	c.mu.Lock()
	rooms := make([]int64, 0, len(c.rooms))
	for id := range c.rooms {
		rooms = append(rooms, id)
	}
	c.mu.Unlock()
	for _, id := range rooms {
		c.hub.remove(c, id)
	}
	c.hub.disconnect(c)
}

// deliver queues a live frame of a room (id 0: not a message). It never
// blocks: the hub calls it for every client in turn.
func (c *client) deliver(roomID, id int64, frame []byte) {
	if c.isClosed() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.rooms[roomID]
	switch {
	case r == nil:
		return
	case r.joining:
		r.pending = append(r.pending, pendingFrame{id, frame})
		return
	case id != 0 && id <= r.replayed:
		return // sent by the replay already
	}
	c.queue(frame)
}

// queue hands a frame to the writer, or cuts a client that cannot keep up.
func (c *client) queue(frame []byte) {
	select {
	case c.send <- frame:
		c.kick()
	case <-c.done:
	default:
		c.closeWith(closePolicy, "too slow")
		_ = c.ws.UnderlyingConn().Close() // a stuck write would hold the close frame back
	}
}

// reply queues an answer to the client's own frame; the reader may wait for
// room in the queue, since it is the client's own pace.
func (c *client) reply(v any) { c.replyRaw(mustJSON(v)) }

func (c *client) replyRaw(frame []byte) {
	select {
	case c.send <- frame:
		c.kick()
	case <-c.done:
	}
}

func (c *client) isClosed() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// leave takes the client out of a room, here and in the hub.
func (c *client) leave(roomID int64) {
	c.mu.Lock()
	delete(c.rooms, roomID)
	c.mu.Unlock()
	c.hub.remove(c, roomID)
}

// closeWith ends the connection with a close frame (once).
func (c *client) closeWith(code int, why string) {
	c.closeOnce.Do(func() {
		c.closeCode, c.closeWhy = code, why
		close(c.done)
		c.kick() // the writer sends the close frame
	})
}

func (c *client) readLoop() {
	_ = c.ws.SetReadDeadline(time.Now().Add(pongWait))
	c.ws.SetPongHandler(func(string) error { return c.ws.SetReadDeadline(time.Now().Add(pongWait)) })
	for {
		kind, r, err := c.ws.NextReader()
		if err != nil {
			return
		}
		// Read at most one byte past the limit: a larger frame is refused
		// with an error frame before the close, and never held in memory.
		data, err := io.ReadAll(io.LimitReader(r, MaxFrame+1))
		if err != nil {
			return
		}
		if len(data) > MaxFrame {
			c.reply(errorFrame{Type: "error", Code: "too_large", Message: "A frame is at most 16 KiB."})
			c.closeWith(websocket.CloseMessageTooBig, "frame too large")
			return
		}
		if c.isClosed() {
			return // a session that ended may not send what was on its way
		}
		_ = c.ws.SetReadDeadline(time.Now().Add(pongWait))
		c.hub.sessions.Touch(c.viewer.SessionID)
		var f inFrame
		if kind != websocket.TextMessage || json.Unmarshal(data, &f) != nil {
			c.reply(errorFrame{Type: "error", Code: "bad_request", Message: "Send one JSON object per text frame."})
			continue
		}
		c.handle(f)
	}
}

func (c *client) handle(f inFrame) {
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	var err error
	if f.Type != "send" && !c.frames.Allow() {
		c.reply(errorFrame{Type: "error", Code: "rate_limited", Message: "Too many frames: slow down.", Room: f.Room})
		return
	}
	switch f.Type {
	case "join":
		err = c.join(ctx, f.Room, f.Since)
	case "send":
		var m *Message
		if m, err = c.hub.svc.Send(ctx, c.viewer, Outgoing{Room: f.Room, Body: f.Body, ClientID: f.ClientID, PHIAck: f.PHIAck}); err == nil {
			c.reply(ackFrame{Type: "ack", Room: m.Room, ClientID: f.ClientID, ID: m.ID})
		}
	case "typing":
		var room *Room
		if room, err = c.joined(ctx, f.Room); err == nil && c.typing(room.ID) {
			err = c.hub.svc.Typing(ctx, c.viewer, room)
		}
	case "read":
		var room *Room
		if room, err = c.joined(ctx, f.Room); err == nil {
			err = c.hub.svc.MarkRead(ctx, c.viewer, room, f.ID)
		}
	case "leave":
		var room *Room
		if room, err = c.joined(ctx, f.Room); err == nil {
			c.leave(room.ID)
		}
	default:
		err = errBadType
	}
	if err != nil {
		e, refused := errorFor(err, f)
		if !refused {
			c.hub.log.Error("chat: frame failed", "type", f.Type, "room", f.Room, "err", err)
		}
		c.reply(e)
	}
}

// typing reports whether to pass on that the client types in a room: once
// every typingEvery is enough for "… is typing".
func (c *client) typing(roomID int64) bool {
	now := time.Now()
	if now.Sub(c.typedAt[roomID]) < typingEvery {
		return false
	}
	c.typedAt[roomID] = now
	return true
}

var errBadType = errors.New(`type must be "join", "send", "typing", "read" or "leave"`)

// joined returns a room the client has joined (and may still see).
func (c *client) joined(ctx context.Context, slug string) (*Room, error) {
	room, err := c.hub.svc.Room(ctx, c.viewer, slug)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	_, ok := c.rooms[room.ID]
	c.mu.Unlock()
	if !ok {
		return nil, errNotJoined
	}
	return room, nil
}

var errNotJoined = errors.New("join the room first")

// join follows a room: subscribed first, then the stored messages after
// since are replayed, then `joined`, then what arrived live meanwhile
// (without what the replay already sent).
func (c *client) join(ctx context.Context, slug string, since int64) error {
	room, err := c.hub.svc.Room(ctx, c.viewer, slug)
	if err != nil {
		return err
	}
	c.mu.Lock()
	if _, again := c.rooms[room.ID]; !again && len(c.rooms) >= maxJoined {
		c.mu.Unlock()
		return errTooManyRooms
	}
	c.rooms[room.ID] = &joinedRoom{slug: room.Slug, joining: true}
	c.mu.Unlock()
	c.hub.add(c, room)

	last := max(since, 0)
	for {
		list, err := c.hub.svc.Since(ctx, room.ID, last, replayBatch)
		if err != nil {
			c.mu.Lock()
			delete(c.rooms, room.ID)
			c.mu.Unlock()
			c.hub.remove(c, room.ID)
			return err
		}
		for i := range list {
			c.replyRaw(encodeMessage(&list[i]))
			last = list[i].ID
		}
		if len(list) < replayBatch {
			break
		}
	}
	// `joined`, then what arrived live meanwhile, at the client's own pace
	// (it is reading its replay): frames that keep arriving wait in pending
	// until it is empty, so the order holds.
	c.replyRaw(mustJSON(joinedFrame{Type: "joined", Room: room.Slug, LastID: last}))
	for {
		c.mu.Lock()
		r := c.rooms[room.ID]
		if r == nil {
			c.mu.Unlock()
			return nil // left meanwhile
		}
		pending := r.pending
		r.pending = nil
		if len(pending) == 0 {
			r.replayed, r.joining = last, false
			c.mu.Unlock()
			return nil
		}
		c.mu.Unlock()
		for _, p := range pending {
			if p.id == 0 || p.id > last {
				c.replyRaw(p.frame)
				last = max(last, p.id)
			}
		}
	}
}

var errTooManyRooms = errors.New("too many rooms on one connection")

// errorFor turns a refusal into the contract's error frame; it never
// carries stored content, only what the client sent and why.
// refused is false when the server failed rather than refused.
func errorFor(err error, f inFrame) (e errorFrame, refused bool) {
	e = errorFrame{Type: "error", Room: f.Room, ClientID: f.ClientID}
	refused = true
	var held *phi.Held
	var limited *apperr.RateLimited
	var fields apperr.FieldErrors
	var conflict *apperr.Conflict
	switch {
	case errors.As(err, &held):
		e.Code, e.Message, e.Findings = "phi", "This looks as if it may identify a patient. Edit it, or send it again with phi_ack.", findingsOf(held)
	case errors.As(err, &limited):
		e.Code, e.Message = "rate_limited", "Too many messages: try again in "+strconv.Itoa(limited.Seconds())+" s."
	case errors.Is(err, apperr.ErrNotFound):
		e.Code, e.Message = "not_found", "No such room."
	case errors.Is(err, apperr.ErrForbidden), errors.As(err, &conflict):
		e.Code, e.Message = "forbidden", "You cannot do that here."
		if conflict != nil {
			e.Message = conflict.Message
		}
	case errors.Is(err, ErrTooLong):
		e.Code, e.Message = "too_large", ErrTooLong.Error()
	case errors.As(err, &fields):
		e.Code, e.Message = "bad_request", fields["body"]
	case errors.Is(err, ErrBadClientID), errors.Is(err, errBadType), errors.Is(err, errNotJoined), errors.Is(err, errTooManyRooms):
		e.Code, e.Message = "bad_request", err.Error()
	default:
		// The contract has no code for the server's own failures: the
		// client is told to try again, and the error is logged.
		e.Code, e.Message, refused = "bad_request", "The server could not do this just now; try again.", false
	}
	return e, refused
}

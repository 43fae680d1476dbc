package main

// The minimal reference: the chat a straightforward gorilla/websocket
// server would be (its chat example's shape), with no login, no database and
// no history. Each connection has a reader (the handler's goroutine) and a
// writer goroutine fed by a buffered channel; a room is a set of
// connections in memory; a message is encoded once and queued to every
// connection of its room. The driver runs it as a process of its own
// (`chat -reference -addr … -pprof …`), so its memory is read the way
// Curbside's is.

import (
	"encoding/json"
	"errors"
	"html"
	"log"
	"net/http"
	"net/http/pprof"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

const (
	refSendQueue  = 256
	refWriteWait  = 10 * time.Second
	refPongWait   = 60 * time.Second
	refPingPeriod = refPongWait * 9 / 10
	refMaxFrame   = 16 << 10
)

type refServer struct {
	upgrader websocket.Upgrader
	mu       sync.Mutex
	rooms    map[string]map[*refConn]struct{}
	lastID   atomic.Int64
}

type refConn struct {
	srv  *refServer
	ws   *websocket.Conn
	send chan []byte
	done chan struct{}
	once sync.Once
}

type refIn struct {
	Type     string `json:"type"`
	Room     string `json:"room"`
	Body     string `json:"body"`
	ClientID string `json:"client_id"`
}

type refAuthor struct {
	Handle      string `json:"handle"`
	DisplayName string `json:"display_name"`
}

type refMessage struct {
	Type      string    `json:"type"`
	Room      string    `json:"room"`
	ID        int64     `json:"id"`
	Author    refAuthor `json:"author"`
	Body      string    `json:"body"`
	HTML      string    `json:"html"`
	CreatedAt string    `json:"created_at"`
	ClientID  string    `json:"client_id"`
}

// serveReference runs the reference until the process is killed.
func serveReference(addr, pprofAddr string) error {
	s := &refServer{rooms: map[string]map[*refConn]struct{}{}, upgrader: websocket.Upgrader{
		ReadBufferSize: 1024, WriteBufferSize: 1024, HandshakeTimeout: 10 * time.Second,
		CheckOrigin: func(*http.Request) bool { return true },
	}}
	pm := http.NewServeMux()
	pm.HandleFunc("/debug/pprof/", pprof.Index)
	go func() { log.Fatal(http.ListenAndServe(pprofAddr, pm)) }()
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	mux.HandleFunc("/ws", s.socket)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func (s *refServer) socket(w http.ResponseWriter, r *http.Request) {
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &refConn{srv: s, ws: ws, send: make(chan []byte, refSendQueue), done: make(chan struct{})}
	go c.writeLoop()
	joined := c.readLoop()
	c.close()
	s.mu.Lock()
	for _, room := range joined {
		delete(s.rooms[room], c)
	}
	s.mu.Unlock()
}

func (c *refConn) close() { c.once.Do(func() { close(c.done) }) }

// queue hands a frame to the writer; a client that fell a whole queue behind is cut off.
func (c *refConn) queue(frame []byte) {
	select {
	case c.send <- frame:
	case <-c.done:
	default:
		c.close()
	}
}

func (c *refConn) readLoop() (joined []string) {
	c.ws.SetReadLimit(refMaxFrame)
	_ = c.ws.SetReadDeadline(time.Now().Add(refPongWait))
	c.ws.SetPongHandler(func(string) error { return c.ws.SetReadDeadline(time.Now().Add(refPongWait)) })
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			return joined
		}
		var f refIn
		if json.Unmarshal(data, &f) != nil {
			continue
		}
		switch f.Type {
		case "join":
			c.srv.mu.Lock()
			if c.srv.rooms[f.Room] == nil {
				c.srv.rooms[f.Room] = map[*refConn]struct{}{}
			}
			c.srv.rooms[f.Room][c] = struct{}{}
			c.srv.mu.Unlock()
			joined = append(joined, f.Room)
			c.queue(mustJSON(map[string]any{"type": "joined", "room": f.Room, "last_id": c.srv.lastID.Load()}))
		case "send":
			id := c.srv.lastID.Add(1)
			frame := mustJSON(refMessage{Type: "message", Room: f.Room, ID: id,
				Author: refAuthor{Handle: "reference", DisplayName: "Reference Member"}, Body: f.Body,
				HTML: "<p>" + html.EscapeString(f.Body) + "</p>", CreatedAt: time.Now().UTC().Format(time.RFC3339), ClientID: f.ClientID})
			c.queue(mustJSON(map[string]any{"type": "ack", "room": f.Room, "client_id": f.ClientID, "id": id}))
			c.srv.mu.Lock()
			for other := range c.srv.rooms[f.Room] {
				other.queue(frame)
			}
			c.srv.mu.Unlock()
		}
	}
}

func (c *refConn) writeLoop() {
	ping := time.NewTicker(refPingPeriod)
	defer func() {
		ping.Stop()
		_ = c.ws.Close()
	}()
	for {
		select {
		case frame := <-c.send:
			_ = c.ws.SetWriteDeadline(time.Now().Add(refWriteWait))
			if err := c.ws.WriteMessage(websocket.TextMessage, frame); err != nil {
				c.close()
				return
			}
		case <-ping.C:
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(refWriteWait)); err != nil {
				c.close()
				return
			}
		case <-c.done:
			return
		}
	}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

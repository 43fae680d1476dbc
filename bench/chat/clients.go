package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// probe is one measurement's shared state: when each of its messages was
// sent (by index in its client id, "<prefix>-<index>"), and what came back.
type probe struct {
	prefix    string
	sentAt    []atomic.Int64 // UnixNano, 0 until sent
	first     []atomic.Int64 // by message: the quickest delivery's latency (ns)
	last      []atomic.Int64 // and the slowest's
	received  atomic.Int64   // message frames of this probe read by any client
	acks      atomic.Int64
	lastFrame atomic.Int64 // UnixNano of the last frame any client read

	mu     sync.Mutex
	errors map[string]int // error frames by code
}

func newProbe(prefix string, n int) *probe {
	return &probe{prefix: prefix, sentAt: make([]atomic.Int64, n), first: make([]atomic.Int64, n),
		last: make([]atomic.Int64, n), errors: map[string]int{}}
}

func (p *probe) clientID(i int) string { return p.prefix + "-" + strconv.Itoa(i) }

// index is the message index of one of this probe's client ids.
func (p *probe) index(clientID string) (int, bool) {
	rest, ok := strings.CutPrefix(clientID, p.prefix+"-")
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(rest)
	return i, err == nil && i >= 0 && i < len(p.sentAt)
}

// delivered records a delivery of message i after lat ns.
func (p *probe) delivered(i int, lat int64) {
	for {
		old := p.first[i].Load()
		if (old != 0 && old <= lat) || p.first[i].CompareAndSwap(old, lat) {
			break
		}
	}
	for {
		old := p.last[i].Load()
		if old >= lat || p.last[i].CompareAndSwap(old, lat) {
			break
		}
	}
	p.received.Add(1)
}

// spread summarises, over the messages delivered, the quickest and the
// slowest delivery of each.
func (p *probe) spread() (first, last latency) {
	var f, l []int64
	for i := range p.first {
		if v := p.first[i].Load(); v != 0 {
			f, l = append(f, v), append(l, p.last[i].Load())
		}
	}
	return summarise(f), summarise(l)
}

func (p *probe) errorsText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.errors) == 0 {
		return "none"
	}
	var parts []string
	for code, n := range p.errors {
		parts = append(parts, fmt.Sprintf("%s×%d", code, n))
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}

// settle waits until no client has read a frame for quiet, counted from
// now at the earliest (at most limit).
func (p *probe) settle(ctx context.Context, quiet, limit time.Duration) {
	from := time.Now()
	deadline := from.Add(limit)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		last := time.Unix(0, p.lastFrame.Load())
		if last.Before(from) {
			last = from
		}
		if time.Since(last) >= quiet {
			return
		}
		time.Sleep(quiet / 10)
	}
}

// wsClient is one load client: one websocket, read by its own goroutine.
type wsClient struct {
	ws      *websocket.Conn
	wmu     sync.Mutex
	joined  chan struct{}
	replies chan reply // acks and errors, when someone waits for them
	closed  chan struct{}
	lat     []int64 // delivery latencies in ns; the reader's own until closed
}

type reply struct {
	ok   bool
	code string
}

var dialer = &websocket.Dialer{HandshakeTimeout: 60 * time.Second, ReadBufferSize: 1024, WriteBufferSize: 1024}

// dial opens a websocket on base (http://addr) as the session token's member.
func dial(ctx context.Context, base, token string, p *probe) (*wsClient, error) {
	h := http.Header{"Origin": {base}, "Cookie": {"curbside_session=" + token}}
	ws, resp, err := dialer.DialContext(ctx, "ws"+strings.TrimPrefix(base, "http")+"/ws", h)
	if err != nil {
		if resp != nil {
			err = fmt.Errorf("%w (status %d)", err, resp.StatusCode)
		}
		return nil, fmt.Errorf("dial %s/ws: %w", base, err)
	}
	c := &wsClient{ws: ws, joined: make(chan struct{}, 1), replies: make(chan reply, 1), closed: make(chan struct{})}
	go c.read(p)
	return c, nil
}

// read reads frames until the connection ends. It stays lean, since it
// shares the machine with the server it measures: one buffer per client,
// and only the fields it needs picked out, not the whole frame decoded.
func (c *wsClient) read(p *probe) {
	defer close(c.closed)
	var buf bytes.Buffer
	for {
		_, r, err := c.ws.NextReader()
		if err != nil {
			return
		}
		buf.Reset()
		if _, err := buf.ReadFrom(r); err != nil {
			return
		}
		now := time.Now().UnixNano()
		p.lastFrame.Store(now)
		data := buf.Bytes()
		switch typ := field(data, "type"); typ {
		case "message":
			if i, ok := p.index(field(data, "client_id")); ok {
				if t := p.sentAt[i].Load(); t != 0 {
					c.lat = append(c.lat, now-t)
					p.delivered(i, now-t)
				}
			}
		case "joined":
			select {
			case c.joined <- struct{}{}:
			default:
			}
		case "ack", "error":
			code := ""
			if typ == "ack" {
				p.acks.Add(1)
			} else {
				code = field(data, "code")
				p.mu.Lock()
				p.errors[code]++
				p.mu.Unlock()
			}
			select {
			case c.replies <- reply{ok: typ == "ack", code: code}:
			default:
			}
		}
	}
}

// field is a string field of a JSON frame: the last `"name":"…"` in it.
// The bench's own message bodies never hold such text.
func field(data []byte, name string) string {
	key := `"` + name + `":"`
	i := bytes.LastIndex(data, []byte(key))
	if i < 0 {
		return ""
	}
	rest := data[i+len(key):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return ""
	}
	return string(rest[:j])
}

func (c *wsClient) write(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(30 * time.Second))
	return c.ws.WriteMessage(websocket.TextMessage, b)
}

func (c *wsClient) send(room, clientID, body string) error {
	return c.write(map[string]any{"type": "send", "room": room, "body": body, "client_id": clientID, "phi_ack": false})
}

// join follows room from message since on, and waits for `joined`.
func (c *wsClient) join(ctx context.Context, room string, since int64) error {
	if err := c.write(map[string]any{"type": "join", "room": room, "since": since}); err != nil {
		return err
	}
	select {
	case <-c.joined:
		return nil
	case <-c.closed:
		return errors.New("closed by the server while joining")
	case <-time.After(2 * time.Minute):
		return errors.New("no `joined` within 2 minutes")
	case <-ctx.Done():
		return ctx.Err()
	}
}

// gone reports whether the server closed the connection.
func (c *wsClient) gone() bool {
	select {
	case <-c.closed:
		return true
	default:
		return false
	}
}

// openClients dials n clients (conc at a time), joins each to room after
// since when room is set, and returns them; on an error it closes those open.
func openClients(ctx context.Context, n, conc int, target func(i int) (base, token string), room string, since int64, p *probe) ([]*wsClient, error) {
	clients := make([]*wsClient, n)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		next  atomic.Int64
	)
	for range min(conc, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				base, token := target(i)
				c, err := dial(ctx, base, token, p)
				if err == nil {
					clients[i] = c
					if room != "" {
						err = c.join(ctx, room, since)
					}
				}
				if err != nil {
					mu.Lock()
					if first == nil {
						first = fmt.Errorf("client %d of %d: %w", i+1, n, err)
					}
					mu.Unlock()
					cancel()
					return
				}
			}
		}()
	}
	wg.Wait()
	if first == nil && ctx.Err() != nil {
		first = ctx.Err()
	}
	if first != nil {
		stopAll(clients)
		return nil, first
	}
	return clients, nil
}

// stopAll closes the clients (nil ones skipped) and waits for their readers.
func stopAll(clients []*wsClient) {
	for _, c := range clients {
		if c != nil {
			_ = c.ws.Close()
		}
	}
	for _, c := range clients {
		if c != nil {
			<-c.closed
		}
	}
}

// latency summarises delivery latencies.
type latency struct {
	n                  int
	p50, p90, p99, max time.Duration
}

func summarise(ns []int64) latency {
	if len(ns) == 0 {
		return latency{}
	}
	slices.Sort(ns)
	at := func(q float64) time.Duration { return time.Duration(ns[min(len(ns)-1, int(q*float64(len(ns))))]) }
	return latency{n: len(ns), p50: at(0.50), p90: at(0.90), p99: at(0.99), max: time.Duration(ns[len(ns)-1])}
}

func (l latency) String() string {
	return fmt.Sprintf("p50 %s, p90 %s, p99 %s, max %s (%d deliveries)", ms(l.p50), ms(l.p90), ms(l.p99), ms(l.max), l.n)
}

func ms(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 2, 64) + " ms" }

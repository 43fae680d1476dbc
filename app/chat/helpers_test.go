package chat_test

import (
	"curbside/app/db/testdb"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"curbside/app/web/webtest"
)

// socket is one websocket client of a test.
type socket struct {
	t    testing.TB
	conn *websocket.Conn
	// own are the ids of messages this socket sent: their echo is skipped.
	own map[int64]bool
	// held are frames read while waiting for something else, read first.
	held []frame
	// echoed are the ids of own messages whose echo came back.
	echoed map[int64]bool
}

// frame is a decoded server frame.
type frame map[string]any

func (f frame) str(k string) string { s, _ := f[k].(string); return s }
func (f frame) id() int64           { n, _ := f["id"].(float64); return int64(n) }

// dialResult dials the instance's /ws with the browser's session and the
// given Origin ("" for the instance's own).
func dialResult(t testing.TB, on *webtest.App, c *webtest.Client, origin string) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	h := http.Header{}
	if origin == "" {
		origin = on.HTTP.URL
	}
	h.Set("Origin", origin)
	if c != nil {
		h.Set("Cookie", "curbside_session="+c.Cookie("curbside_session"))
	}
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	return d.Dial("ws"+strings.TrimPrefix(on.HTTP.URL, "http")+"/ws", h)
}

// dial opens a socket for the browser's member on the instance.
func dial(t testing.TB, on *webtest.App, c *webtest.Client) *socket {
	t.Helper()
	conn, res, err := dialResult(t, on, c, "")
	if err != nil {
		status := 0
		if res != nil {
			status = res.StatusCode
		}
		t.Fatalf("dial /ws: %v (status %d)", err, status)
	}
	t.Cleanup(func() { conn.Close() })
	return &socket{t: t, conn: conn, own: map[int64]bool{}, echoed: map[int64]bool{}}
}

func (s *socket) send(v any) {
	s.t.Helper()
	if err := s.conn.WriteJSON(v); err != nil {
		s.t.Fatalf("write frame: %v", err)
	}
}

// next reads the next frame, skipping presence, typing and consult notices (which come
// whenever members come and go) unless asked for.
func (s *socket) next(want ...string) frame {
	s.t.Helper()
	for {
		var f frame
		if len(s.held) > 0 {
			f, s.held = s.held[0], s.held[1:]
		} else {
			_ = s.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			if err := s.conn.ReadJSON(&f); err != nil {
				s.t.Fatalf("read frame (want %v): %v", want, err)
			}
		}
		typ := f.str("type")
		if len(want) > 0 && typ == want[0] {
			return f
		}
		if typ == "message" && s.own[f.id()] {
			s.echoed[f.id()] = true
			continue
		}
		if typ == "presence" || typ == "typing" || typ == "consult" {
			continue
		}
		if len(want) > 0 {
			s.t.Fatalf("got frame %v, want type %q", f, want[0])
		}
		return f
	}
}

// join joins a room from since and returns the replayed messages.
func (s *socket) join(room string, since int64) []frame {
	s.t.Helper()
	s.send(map[string]any{"type": "join", "room": room, "since": since})
	var replay []frame
	for {
		f := s.next()
		switch f.str("type") {
		case "message":
			replay = append(replay, f)
		case "joined":
			return replay
		default:
			s.t.Fatalf("joining %s: got %v", room, f)
		}
	}
}

// say sends a message and returns its ack, skipping the message's own echo.
func (s *socket) say(room, clientID, body string) frame {
	s.t.Helper()
	s.send(map[string]any{"type": "send", "room": room, "body": body, "client_id": clientID})
	return s.answer(clientID)
}

// answer waits for the ack or error of the send with clientID, holding
// back others' messages for next.
func (s *socket) answer(clientID string) frame {
	s.t.Helper()
	for {
		f := s.next()
		switch f.str("type") {
		case "ack":
			s.own[f.id()] = true
			return f
		case "error":
			return f
		case "message":
			if f.str("client_id") == clientID {
				s.own[f.id()], s.echoed[f.id()] = true, true
			} else {
				s.held = append(s.held, f)
			}
		default:
			s.t.Fatalf("sending: got %v", f)
		}
	}
}

// closed waits for the server to end the connection and returns its close code.
func (s *socket) closed(within time.Duration) int {
	s.t.Helper()
	_ = s.conn.SetReadDeadline(time.Now().Add(within))
	for {
		if _, _, err := s.conn.ReadMessage(); err != nil {
			if ce, ok := err.(*websocket.CloseError); ok {
				return ce.Code
			}
			if ne, ok := err.(interface{ Timeout() bool }); ok && ne.Timeout() {
				s.t.Fatalf("the connection stayed open for %v", within)
			}
			return websocket.CloseAbnormalClosure
		}
	}
}

func mustJSON(t testing.TB, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// started is a server with its runners (the bus and the chat hub) going.
func started(t *testing.T) *webtest.App {
	a := webtest.New(t)
	a.StartRunners()
	return a
}

// across is two instances on one database with a member on each, both in
// the general room.
type across struct {
	one, two   *webtest.App
	alice, bob webtest.Account
	as, bs     *socket
}

func startAcross(t *testing.T) across {
	one := started(t)
	two := one.Twin()
	two.StartRunners()
	alice, aliceAcct := one.Verified("cardiology")
	bob, bobAcct := one.Verified("neurology")
	x := across{one: one, two: two, alice: aliceAcct, bob: bobAcct, as: dial(t, one, alice), bs: dial(t, two, bob.On(two))}
	x.as.join("general", 0)
	x.bs.join("general", 0)
	return x
}

// echo waits until the socket's own message id came back to it: then the
// hub of its instance has handed it to every client there.
func (s *socket) echo(id int64) {
	s.t.Helper()
	for !s.echoed[id] {
		f := s.next("message")
		if f.id() == id {
			return
		}
		s.held = append(s.held, f)
	}
}

// stored counts the chat messages matching where (a condition of the test's own).
func stored(t *testing.T, a *webtest.App, where string, args ...any) int64 {
	t.Helper()
	return testdb.Scalar[int64](t, a.DB, `SELECT count(*) FROM chat_messages WHERE `+where, args...)
}

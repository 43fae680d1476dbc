package kit

import (
	"context"
	"sync"

	"github.com/labstack/echo/v4"
)

// Conns tracks the long-lived connections of one server, which
// http.Server.Shutdown neither closes nor waits for once hijacked.
type Conns struct {
	mu      sync.Mutex
	closers map[int64]func()
	next    int64
	closing bool
	wg      sync.WaitGroup
}

// NewConns returns an empty set.
func NewConns() *Conns { return &Conns{closers: map[int64]func(){}} }

const connsKey = "curbside.conns"

// SetConns hands a long-lived route the server's connection set.
func SetConns(c echo.Context, conns *Conns) { c.Set(connsKey, conns) }

// TrackConn registers a long-lived connection of this request: closeFn is
// called once when the server shuts down (a websocket sends its close
// frame there), and done must be called when the connection has ended.
// It panics on a route not marked LongLived: a programming error.
func TrackConn(c echo.Context, closeFn func()) (done func()) {
	conns, ok := c.Get(connsKey).(*Conns)
	if !ok {
		panic("kit.TrackConn on a route not marked LongLived: " + c.Path())
	}
	return conns.track(closeFn)
}

func (cs *Conns) track(closeFn func()) func() {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.closing {
		go closeFn() // arrived during shutdown: close at once
	}
	id := cs.next
	cs.next++
	cs.closers[id] = closeFn
	cs.wg.Add(1)
	var once sync.Once
	return func() {
		once.Do(func() {
			cs.mu.Lock()
			delete(cs.closers, id)
			cs.mu.Unlock()
			cs.wg.Done()
		})
	}
}

// CloseAll asks every tracked connection to close, and any that arrives
// later to close at once.
func (cs *Conns) CloseAll() {
	cs.mu.Lock()
	cs.closing = true
	closers := make([]func(), 0, len(cs.closers))
	for _, fn := range cs.closers {
		closers = append(closers, fn)
	}
	cs.mu.Unlock()
	for _, fn := range closers {
		fn()
	}
}

// Wait blocks until every tracked connection is done or ctx ends.
func (cs *Conns) Wait(ctx context.Context) error {
	finished := make(chan struct{})
	go func() { cs.wg.Wait(); close(finished) }()
	select {
	case <-finished:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// IsLongLived reports whether the request is on a long-lived route, whose
// duration says nothing about the server's speed.
func IsLongLived(c echo.Context) bool { _, ok := c.Get(connsKey).(*Conns); return ok }

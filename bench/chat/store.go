package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// storeResult compares how many messages a second 8 senders store.
type storeResult struct {
	senders               int
	rawN, curbN           int64
	rawRate, curbRate     float64 // messages per second
	members               int     // Curbside members (connections) the senders took turns with
	limited, failed, lost int64   // Curbside sends refused by the rate limit, refused otherwise, unanswered
	failures              string
	rawCPU, curbCPU       cpuUse
}

// rawStore is the floor: senders goroutines inserting into chat_messages
// with pgx directly, one autocommitted INSERT each, for dur.
// The CPU is read before the pool closes, while its backends still count.
func rawStore(ctx context.Context, dbURL string, roomID int64, authors []member, senders int, dur time.Duration) (int64, float64, cpuUse, error) {
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return 0, 0, cpuUse{}, err
	}
	cfg.MaxConns, cfg.MinConns = int32(senders), int32(senders)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return 0, 0, cpuUse{}, err
	}
	defer pool.Close()
	if err := pool.Ping(ctx); err != nil {
		return 0, 0, cpuUse{}, err
	}
	const insert = `INSERT INTO chat_messages (room_id, author_id, client_id, body, body_html) VALUES ($1, $2, $3, $4, $5)`
	var (
		n     atomic.Int64
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	cpu0 := snapCPU(nil)
	start := time.Now()
	deadline := start.Add(dur)
	for g := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline) && ctx.Err() == nil; i++ {
				author := authors[(g+i*senders)%len(authors)].id
				_, err := pool.Exec(ctx, insert, roomID, author, "raw-"+strconv.Itoa(g)+"-"+strconv.Itoa(i), roomBody, "<p>"+roomBody+"</p>")
				if err != nil {
					mu.Lock()
					first = err
					mu.Unlock()
					return
				}
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := cpu0.until(snapCPU(nil))
	if first != nil {
		return 0, 0, cpu, fmt.Errorf("raw pgx insert: %w", first)
	}
	return n.Load(), float64(n.Load()) / elapsed.Seconds(), cpu, ctx.Err()
}

// curbsideStore has senders goroutines send messages to room general
// through srv's websocket for dur, each waiting for its message's ack
// before the next. A member may send a burst of 10 and then one a second,
// so each sender takes turns over its share of the members' connections;
// the connections do not join the room, so nothing is delivered: this is
// the store's path alone.
func curbsideStore(ctx context.Context, srv *proc, tokens []string, senders int, dur time.Duration) (storeResult, error) {
	r := storeResult{senders: senders, members: len(tokens)}
	p := newProbe("store", 0)
	clients, err := openClients(ctx, len(tokens), 100, func(i int) (string, string) { return srv.base, tokens[i] }, "", 0, p)
	if err != nil {
		return r, fmt.Errorf("%s: %w", srv.Name, err)
	}
	defer stopAll(clients)
	var (
		ok, limited, failed, lost atomic.Int64
		wg                        sync.WaitGroup
	)
	cpu0 := snapCPU([]*proc{srv})
	start := time.Now()
	deadline := start.Add(dur)
	for g := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var pool []*wsClient
			for i := g; i < len(clients); i += senders {
				pool = append(pool, clients[i])
			}
			for i := 0; len(pool) > 0 && time.Now().Before(deadline) && ctx.Err() == nil; i++ {
				c := pool[i%len(pool)]
				if c.gone() { // cut off: counted once, and left out from then on
					lost.Add(1)
					pool = slices.Delete(pool, i%len(pool), i%len(pool)+1)
					continue
				}
				if err := c.send("general", "store-"+strconv.Itoa(g)+"-"+strconv.Itoa(i), roomBody); err != nil {
					lost.Add(1)
					continue
				}
				select {
				case rep := <-c.replies:
					switch {
					case rep.ok:
						ok.Add(1)
					case rep.code == "rate_limited":
						limited.Add(1)
					default:
						failed.Add(1)
					}
				case <-time.After(15 * time.Second):
					lost.Add(1)
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	r.curbCPU = cpu0.until(snapCPU([]*proc{srv}))
	r.curbN, r.limited, r.failed, r.lost = ok.Load(), limited.Load(), failed.Load(), lost.Load()
	r.curbRate = float64(r.curbN) / elapsed.Seconds()
	r.failures = p.errorsText()
	if srv.Exited() {
		return r, srv.DeadErr()
	}
	return r, ctx.Err()
}

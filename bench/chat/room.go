package main

import (
	"context"
	"fmt"
	"time"
)

// roomResult is one fan-out run: delivery latencies per instance.
type roomResult struct {
	clients, senders int
	sent             int
	expected         int64
	delivered        int64
	acks             int64
	errors           string
	cutOff           int // clients the server disconnected during the run
	joinTime         time.Duration
	perInstance      []latency
	// Over messages: each one's quickest delivery (store, announce, read:
	// the pipeline) and its slowest (the pipeline and the whole fan-out).
	first, last latency
	cpu         cpuUse
}

// roomBody is every fan-out message's text: no digits, so the privacy
// guard has nothing to hold; the client id carries the message's index.
const roomBody = "Bench message: how would you work up new atrial fibrillation in a marathon runner?"

// measureRoom puts perInstance clients on each instance in room general
// (after message since), lets the joins go quiet, then sends rate messages
// a second for dur from senders clients of the first instance, each a
// member of its own (token(1..senders); every other client is member 0),
// taking turns. Every client reads every message; a delivery's latency is
// from just before its send frame was written to just after the frame was
// read, both clocks in this process.
func measureRoom(ctx context.Context, insts []*proc, perInstance, senders, rate int, dur time.Duration,
	since int64, token func(i int) string, prefix string) (roomResult, error) {
	senders = min(senders, perInstance)
	total := int(float64(rate) * dur.Seconds())
	r := roomResult{clients: perInstance * len(insts), senders: senders, sent: total}
	p := newProbe(prefix, total)
	target := func(i int) (string, string) {
		inst, j := i/perInstance, i%perInstance
		if inst == 0 && j < senders {
			return insts[0].base, token(j + 1)
		}
		return insts[inst].base, token(0)
	}
	start := time.Now()
	clients, err := openClients(ctx, r.clients, 100, target, "general", since, p)
	if err != nil {
		return r, fmt.Errorf("%s: %w", insts[0].Name, err)
	}
	defer stopAll(clients)
	p.settle(ctx, time.Second, 5*time.Minute)
	r.joinTime = time.Since(start)

	// One message per sender first, not measured: the first of anything is slow.
	for i := range senders {
		if err := clients[i].send("general", fmt.Sprintf("warm-%s-%d", prefix, i), roomBody); err != nil {
			return r, fmt.Errorf("%s: warm-up send: %w", insts[0].Name, err)
		}
	}
	p.settle(ctx, 500*time.Millisecond, time.Minute)
	p.acks.Store(0)

	interval := time.Second / time.Duration(rate)
	cpu0 := snapCPU(insts)
	start = time.Now()
	for i := range total {
		if d := time.Until(start.Add(time.Duration(i) * interval)); d > 0 {
			select {
			case <-ctx.Done():
				return r, ctx.Err()
			case <-time.After(d):
			}
		}
		c := clients[i%senders]
		p.sentAt[i].Store(time.Now().UnixNano())
		if err := c.send("general", p.clientID(i), roomBody); err != nil && !c.gone() {
			return r, fmt.Errorf("%s: send: %w", insts[0].Name, err)
		}
	}
	// Wait for every delivery, or until the clients have read nothing for 5 s.
	r.expected = int64(total) * int64(r.clients)
	for p.received.Load() < r.expected && ctx.Err() == nil {
		if time.Since(time.Unix(0, p.lastFrame.Load())) > 5*time.Second {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.cpu = cpu0.until(snapCPU(insts))
	for _, c := range clients {
		if c.gone() {
			r.cutOff++
		}
	}
	stopAll(clients)
	r.delivered, r.acks, r.errors = p.received.Load(), p.acks.Load(), p.errorsText()
	r.first, r.last = p.spread()
	for inst := range insts {
		var all []int64
		for _, c := range clients[inst*perInstance : (inst+1)*perInstance] {
			all = append(all, c.lat...)
		}
		r.perInstance = append(r.perInstance, summarise(all))
	}
	for _, in := range insts {
		if in.Exited() {
			return r, in.DeadErr()
		}
	}
	return r, ctx.Err()
}

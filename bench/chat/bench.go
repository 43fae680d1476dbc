package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"

	"curbside/bench/internal/benchenv"
)

// bench holds what the scenarios share: the binaries, the database, the
// members, and every server started, to stop them whatever happens.
type bench struct {
	tmp, bins, self  string
	admin, dbURL     string
	secret           string
	conn             *pgx.Conn
	members          []member
	procs            []*proc
	started, dropped bool
}

func newBench(ctx context.Context) (*bench, error) {
	b := &bench{secret: benchenv.RandomHex(24)}
	var err error
	if b.self, err = os.Executable(); err != nil {
		return nil, err
	}
	root, err := benchenv.ModuleRoot(ctx, "bench/chat", "make bench-chat")
	if err != nil {
		return nil, err
	}
	if b.tmp, err = os.MkdirTemp("", "curbside-bench-chat-"); err != nil {
		return nil, err
	}
	b.bins = filepath.Join(b.tmp, "bin")
	fail := func(err error) (*bench, error) { return nil, errors.Join(err, b.close(true)) }
	progress("building curbside")
	if err := benchenv.Build(ctx, root, b.bins, "./cmd/curbside"); err != nil {
		return fail(err)
	}
	if b.admin, err = benchenv.AdminURL(ctx, root, b.bins); err != nil {
		return fail(err)
	}
	if b.dbURL, err = benchenv.CreateDB(ctx, b.admin, benchDB); err != nil {
		return fail(err)
	}
	b.started = true
	progress("preparing " + benchDB + ": migrate up, a verified member")
	if err := prepareData(ctx, b.bins, b.env("127.0.0.1:1", "127.0.0.1:2")); err != nil {
		return fail(err)
	}
	if b.conn, err = pgx.Connect(ctx, b.dbURL); err != nil {
		return fail(err)
	}
	return b, nil
}

// close stops every server, drops the database and removes the temp dir;
// after a failure (keepLogs) the server logs stay, and the error says where.
func (b *bench) close(keepLogs bool) error {
	for _, p := range b.procs {
		p.Stop()
	}
	b.procs = nil
	var errs []error
	if b.conn != nil {
		b.conn.Close(context.Background())
		b.conn = nil
	}
	if b.started && !b.dropped {
		b.dropped = true
		errs = append(errs, benchenv.DropDB(b.admin, benchDB))
	}
	os.RemoveAll(b.bins)
	if logs, _ := filepath.Glob(filepath.Join(b.tmp, "*.log")); keepLogs && len(logs) > 0 {
		errs = append(errs, fmt.Errorf("server logs kept in %s", b.tmp))
	} else {
		os.RemoveAll(b.tmp)
	}
	return errors.Join(errs...)
}

func (b *bench) env(addr, pprofAddr string) []string {
	return curbsideEnv(b.dbURL, addr, pprofAddr, b.secret, filepath.Join(b.tmp, "data"))
}

// profiled is the extra environment of a server whose heap profile should
// record every allocation, not a sample: off-heap, so HeapInuse is unchanged.
var profiled = []string{"GODEBUG=memprofilerate=1"}

func (b *bench) startCurbside(ctx context.Context, name string, extraEnv ...string) (*proc, error) {
	addrs, err := benchenv.FreeAddrs(2)
	if err != nil {
		return nil, err
	}
	p, err := startServer(ctx, name, filepath.Join(b.bins, "curbside"), []string{"serve"}, append(b.env(addrs[0], addrs[1]), extraEnv...),
		filepath.Join(b.tmp, name+".log"), addrs[0], addrs[1])
	if err == nil {
		b.procs = append(b.procs, p)
	}
	return p, err
}

func (b *bench) startReference(ctx context.Context, name string, extraEnv ...string) (*proc, error) {
	addrs, err := benchenv.FreeAddrs(2)
	if err != nil {
		return nil, err
	}
	p, err := startServer(ctx, name, b.self, []string{"-reference", "-addr", addrs[0], "-pprof", addrs[1]}, append(benchenv.CleanEnv(), extraEnv...),
		filepath.Join(b.tmp, name+".log"), addrs[0], addrs[1])
	if err == nil {
		b.procs = append(b.procs, p)
	}
	return p, err
}

// stopServers stops the servers started so far (one scenario's).
func (b *bench) stopServers() {
	for _, p := range b.procs {
		p.Stop()
	}
	b.procs = nil
}

// ensureMembers makes sure n members with sessions exist.
func (b *bench) ensureMembers(ctx context.Context, n int) error {
	var err error
	b.members, err = members(ctx, b.conn, b.members, n)
	return err
}

func (b *bench) token(i int) string { return b.members[i].token }

// lastID is the newest stored message: clients join after it, so joining
// replays nothing an earlier scenario sent.
func (b *bench) lastID(ctx context.Context) (int64, error) {
	var id int64
	err := b.conn.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM chat_messages`).Scan(&id)
	return id, err
}

// roomSenders is how many members take turns sending rate messages a
// second: each sends one every two seconds, half of what the limit allows.
func roomSenders(rate int) int { return 2 * rate }

func (b *bench) idle(ctx context.Context, set settings) (ref, curb idleResult, err error) {
	if err := b.ensureMembers(ctx, 1); err != nil {
		return ref, curb, err
	}
	since, err := b.lastID(ctx)
	if err != nil {
		return ref, curb, err
	}
	defer b.stopServers()
	for _, s := range []struct {
		into  *idleResult
		start func(context.Context, string, ...string) (*proc, error)
		name  string
	}{{&ref, b.startReference, "reference-idle"}, {&curb, b.startCurbside, "curbside-idle"}} {
		srv, err := s.start(ctx, s.name, profiled...)
		if err != nil {
			return ref, curb, err
		}
		progress(fmt.Sprintf("idle: %d connections to %s", set.idle, s.name))
		if *s.into, err = measureIdle(ctx, srv, set.idle, set.idleJoin, since, func(int) string { return b.token(0) }); err != nil {
			return ref, curb, err
		}
		srv.Stop()
	}
	return ref, curb, nil
}

// room runs rounds of the fan-out on the reference and on Curbside, both
// serving throughout, in turns (who goes first alternates).
func (b *bench) room(ctx context.Context, set settings) (ref, curb []roomResult, err error) {
	senders := roomSenders(set.rate)
	if err := b.ensureMembers(ctx, senders+1); err != nil {
		return nil, nil, err
	}
	defer b.stopServers()
	refSrv, err := b.startReference(ctx, "reference-room")
	if err != nil {
		return nil, nil, err
	}
	curbSrv, err := b.startCurbside(ctx, "curbside-room")
	if err != nil {
		return nil, nil, err
	}
	for round := range set.rounds {
		order := []*proc{refSrv, curbSrv}
		if round%2 == 1 {
			order = []*proc{curbSrv, refSrv}
		}
		for _, srv := range order {
			since, err := b.lastID(ctx)
			if err != nil {
				return nil, nil, err
			}
			progress(fmt.Sprintf("room, round %d of %d: %d clients of %s, %d msg/s for %s",
				round+1, set.rounds, set.room, srv.Name, set.rate, set.seconds))
			r, err := measureRoom(ctx, []*proc{srv}, set.room, senders, set.rate, set.seconds, since, b.token,
				fmt.Sprintf("%s-r%d", srv.Name, round+1))
			if err != nil {
				return nil, nil, err
			}
			if srv == refSrv {
				ref = append(ref, r)
			} else {
				curb = append(curb, r)
			}
		}
	}
	return ref, curb, nil
}

// cross runs rounds of the fan-out over two Curbside instances.
func (b *bench) cross(ctx context.Context, set settings) ([]roomResult, error) {
	senders := roomSenders(set.rate)
	if err := b.ensureMembers(ctx, senders+1); err != nil {
		return nil, err
	}
	defer b.stopServers()
	var insts []*proc
	for _, name := range []string{"curbside-a", "curbside-b"} {
		p, err := b.startCurbside(ctx, name)
		if err != nil {
			return nil, err
		}
		insts = append(insts, p)
	}
	var out []roomResult
	for round := range set.rounds {
		since, err := b.lastID(ctx)
		if err != nil {
			return nil, err
		}
		progress(fmt.Sprintf("cross, round %d of %d: %d clients on each of two instances, %d msg/s sent on the first for %s",
			round+1, set.rounds, set.room/2, set.rate, set.seconds))
		r, err := measureRoom(ctx, insts, set.room/2, senders, set.rate, set.seconds, since, b.token, fmt.Sprintf("cross-r%d", round+1))
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// store measures the pgx floor, then Curbside. A member may send a burst
// of 10 and then one a second, so Curbside's senders take turns over many
// members: a one-second calibration on members of its own tells how fast
// Curbside goes, hence how many members the measured run needs to stay
// within the limit, with a margin.
func (b *bench) store(ctx context.Context, set settings) (storeResult, error) {
	calib := 100 * set.senders
	if err := b.ensureMembers(ctx, calib); err != nil {
		return storeResult{}, err
	}
	var roomID int64
	if err := b.conn.QueryRow(ctx, `SELECT id FROM chat_rooms WHERE slug = 'general'`).Scan(&roomID); err != nil {
		return storeResult{}, err
	}
	progress(fmt.Sprintf("store: %d goroutines inserting with pgx for %s", set.senders, set.seconds))
	rawN, rawRate, rawCPU, err := rawStore(ctx, b.dbURL, roomID, b.members, set.senders, set.seconds)
	if err != nil {
		return storeResult{}, err
	}
	defer b.stopServers()
	srv, err := b.startCurbside(ctx, "curbside-store")
	if err != nil {
		return storeResult{}, err
	}
	tokens := func(from, to int) []string {
		out := make([]string, 0, to-from)
		for _, m := range b.members[from:to] {
			out = append(out, m.token)
		}
		return out
	}
	progress(fmt.Sprintf("store: calibrating curbside for 1s over %d members", calib))
	cal, err := curbsideStore(ctx, srv, tokens(0, calib), set.senders, time.Second)
	if err != nil {
		return storeResult{}, err
	}
	secs := set.seconds.Seconds()
	need := int(math.Ceil(cal.curbRate*1.3*secs/(10+secs))) + set.senders
	need = min(max(need, 4*set.senders), 12000)
	if err := b.ensureMembers(ctx, calib+need); err != nil {
		return storeResult{}, err
	}
	progress(fmt.Sprintf("store: %d senders through curbside for %s, taking turns over %d members (calibration: %.0f/s)",
		set.senders, set.seconds, need, cal.curbRate))
	r, err := curbsideStore(ctx, srv, tokens(calib, calib+need), set.senders, set.seconds)
	r.rawN, r.rawRate, r.rawCPU = rawN, rawRate, rawCPU
	return r, err
}

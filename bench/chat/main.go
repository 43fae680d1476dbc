// Command chat measures Curbside's live chat against a minimal reference
// and prints how they compare (`make bench-chat`; bench/README.md, "Chat").
// It builds curbside afresh, prepares a fresh curbside_chatbench database
// with verified members and sessions, and runs four scenarios, each on
// servers started for it and stopped after it:
//
//   - idle: N idle signed-in websockets (joined to general): the server's
//     heap and goroutine stacks per connection, against the minimal
//     reference (this binary with -reference: a bare gorilla/websocket chat);
//   - room: one room of M clients, R messages a second for S seconds:
//     delivery latency, against the reference;
//   - cross: two Curbside instances on one database, M/2 clients on each,
//     messages sent on the first: latency on the second against the first;
//   - store: 8 senders storing messages through Curbside, against 8
//     goroutines inserting into chat_messages with pgx.
//
// Settings, all optional: BENCH_CHAT_IDLE (5000), BENCH_CHAT_ROOM (2000),
// BENCH_CHAT_RATE (20 messages a second), BENCH_CHAT_SECONDS (10),
// BENCH_CHAT_SENDERS (8), BENCH_CHAT_ROUNDS (3 rounds of room and cross,
// whose medians are reported), BENCH_CHAT_ONLY (some of
// idle,room,cross,store), BENCH_CHAT_IDLE_JOIN (1: idle connections join
// general; 0: they only connect), BENCH_CHAT_PROFILES (a directory for the
// idle servers' heap profiles and goroutine dumps). DATABASE_URL picks the
// PostgreSQL server; without it the private cluster of `curbside devdb url`
// is used. It is a measurement: it exits 0 when every scenario ran,
// whatever the verdicts.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"curbside/bench/internal/benchenv"
)

type settings struct {
	idle, room, rate, senders int
	rounds                    int
	seconds                   time.Duration
	idleJoin                  bool
	only                      map[string]bool
}

func (s settings) runs(scenario string) bool { return len(s.only) == 0 || s.only[scenario] }

func main() {
	reference := flag.Bool("reference", false, "serve the minimal reference chat (the driver starts it)")
	addr := flag.String("addr", "127.0.0.1:0", "reference: address of its websocket")
	pprofAddr := flag.String("pprof", "127.0.0.1:0", "reference: address of its profiler")
	flag.Parse()
	if *reference {
		if err := serveReference(*addr, *pprofAddr); err != nil {
			fmt.Fprintln(os.Stderr, "reference:", err)
			os.Exit(1)
		}
		return
	}
	// The load clients make garbage with every frame they read; collecting
	// less often keeps them from competing with the servers they measure.
	debug.SetGCPercent(400)
	benchenv.Main("bench-chat", benchDB, run)
}

func loadSettings() (settings, error) {
	s := settings{idle: 5000, room: 2000, rate: 20, senders: 8, rounds: 3, seconds: 10 * time.Second, idleJoin: true}
	errs := []error{
		benchenv.EnvInt("BENCH_CHAT_IDLE", &s.idle, 1, 50000),
		benchenv.EnvInt("BENCH_CHAT_ROOM", &s.room, 2, 20000),
		benchenv.EnvInt("BENCH_CHAT_RATE", &s.rate, 1, 1000),
		benchenv.EnvInt("BENCH_CHAT_SENDERS", &s.senders, 1, 256),
		benchenv.EnvInt("BENCH_CHAT_ROUNDS", &s.rounds, 1, 20),
		benchenv.EnvSeconds("BENCH_CHAT_SECONDS", &s.seconds, 1, 600),
	}
	if raw := os.Getenv("BENCH_CHAT_IDLE_JOIN"); raw != "" {
		s.idleJoin = raw != "0"
	}
	if raw := os.Getenv("BENCH_CHAT_ONLY"); raw != "" {
		s.only = map[string]bool{}
		for _, name := range strings.Split(raw, ",") {
			name = strings.TrimSpace(name)
			if name != "idle" && name != "room" && name != "cross" && name != "store" {
				errs = append(errs, fmt.Errorf("BENCH_CHAT_ONLY lists idle, room, cross or store, not %q", name))
			}
			s.only[name] = true
		}
	}
	return s, errors.Join(errs...)
}

// raiseFileLimit lifts the soft limit on open files to the hard one; the
// servers started later inherit it. It returns the limit now in force.
func raiseFileLimit() (uint64, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, err
	}
	if lim.Cur < lim.Max {
		lim.Cur = lim.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
			return 0, err
		}
	}
	return lim.Cur, nil
}

func run(ctx context.Context) (err error) {
	set, err := loadSettings()
	if err != nil {
		return err
	}
	files, err := raiseFileLimit()
	if err != nil {
		return fmt.Errorf("raise the open-file limit: %w", err)
	}
	// Each connection is a file here and another in the server.
	need := uint64(max(set.idle, set.room) + 200)
	if files < need {
		return fmt.Errorf("open files are limited to %d here, %d needed: lower BENCH_CHAT_IDLE/BENCH_CHAT_ROOM or raise the hard limit (ulimit -Hn)", files, need)
	}
	b, err := newBench(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := b.close(err != nil && ctx.Err() == nil); cerr != nil {
			err = errors.Join(err, cerr)
		}
	}()
	progress(fmt.Sprintf("open files: %d; idle %d, room %d, %d msg/s for %s, %d rounds, %d store senders",
		files, set.idle, set.room, set.rate, set.seconds, set.rounds, set.senders))
	var res results
	res.set = set
	// Other work on the machine skews every figure: say so.
	c0 := snapCPU(nil)
	time.Sleep(2 * time.Second)
	res.busyBefore = c0.until(snapCPU(nil)).busy
	if res.busyBefore > 0.15 {
		progress(fmt.Sprintf("warning: the machine is %.0f%% busy before the run: the figures will be noisy", 100*res.busyBefore))
	}
	if set.runs("idle") {
		if res.idleRef, res.idleCurb, err = b.idle(ctx, set); err != nil {
			return err
		}
	}
	if set.runs("room") {
		if res.roomRef, res.roomCurb, err = b.room(ctx, set); err != nil {
			return err
		}
	}
	if set.runs("cross") {
		if res.cross, err = b.cross(ctx, set); err != nil {
			return err
		}
	}
	if set.runs("store") {
		if res.store, err = b.store(ctx, set); err != nil {
			return err
		}
	}
	res.print(os.Stdout)
	return nil
}

// progress prints a step of the run on stderr, keeping stdout for the tables.
func progress(msg string) {
	fmt.Fprintf(os.Stderr, "bench-chat: %s %s\n", time.Now().Format("15:04:05"), msg)
}

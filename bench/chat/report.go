package main

import (
	"fmt"
	"io"
	"runtime"
	"strconv"
	"time"

	"curbside/bench/internal/benchenv"
)

// Targets (the issue's).
const (
	idleMaxBytes     = 20 << 10 // bytes per idle connection at most
	idleMaxRatio     = 1.3      // of the reference's bytes per connection
	roomMaxRatio     = 1.5      // of the reference's p99
	roomMaxP99       = 50 * time.Millisecond
	crossMaxRatio    = 1.3 // other instance's p99 over the same instance's
	storeMinRatio    = 0.6 // of the raw pgx loop's messages per second
	breakdownSites   = 12
	refBreakdownSite = 6
)

type results struct {
	set               settings
	idleRef, idleCurb idleResult
	roomRef, roomCurb []roomResult // by round
	cross             []roomResult
	store             storeResult
	busyBefore        float64 // the machine's busy share before the run
}

func verdict(ok bool) string {
	if ok {
		return "ok"
	}
	return "MISS"
}

func ratio(a, b float64) string {
	if b == 0 {
		return "–"
	}
	return strconv.FormatFloat(a/b, 'f', 2, 64)
}

// p99s are the rounds' p99 latencies on instance inst, in ns.
func p99s(rs []roomResult, inst int) []float64 {
	var out []float64
	for _, r := range rs {
		out = append(out, float64(r.perInstance[inst].p99))
	}
	return out
}

// ratios are the rounds' a/b.
func ratios(a, b []float64) []float64 {
	var out []float64
	for i := range min(len(a), len(b)) {
		if b[i] > 0 {
			out = append(out, a[i]/b[i])
		}
	}
	return out
}

// lossNote flags rounds in which some deliveries never arrived.
func lossNote(rs ...[]roomResult) string {
	var missing, expected int64
	for _, list := range rs {
		for _, r := range list {
			missing += max(r.expected-r.delivered, 0)
			expected += r.expected
		}
	}
	if missing == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d of %d deliveries missing)", missing, expected)
}

func msf(ns float64) string { return ms(time.Duration(ns)) }

func (r results) print(w io.Writer) {
	s := r.set
	fmt.Fprintln(w, "\n## Chat: Curbside against the minimal reference")
	fmt.Fprintf(w, "\n%d cores; the machine was %.0f%% busy before the run.\n\n", runtime.NumCPU(), 100*r.busyBefore)
	fmt.Fprintln(w, "| scenario | reference | curbside | ratio | target | verdict |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	if s.runs("idle") {
		ref, c := r.idleRef, r.idleCurb
		ok := c.perConn <= idleMaxBytes && c.perConn <= idleMaxRatio*ref.perConn
		fmt.Fprintf(w, "| idle: heap+stacks per connection (%d) | %s | %s | %s | ≤ %.1f× and ≤ %s | %s |\n",
			s.idle, kib(ref.perConn), kib(c.perConn), ratio(c.perConn, ref.perConn), idleMaxRatio, kib(idleMaxBytes), verdict(ok))
	}
	if s.runs("room") {
		ref, c := p99s(r.roomRef, 0), p99s(r.roomCurb, 0)
		q := benchenv.Median(ratios(c, ref))
		lost := lossNote(r.roomRef, r.roomCurb)
		ok := q <= roomMaxRatio && benchenv.Median(c) < float64(roomMaxP99) && lost == ""
		fmt.Fprintf(w, "| room: p99 delivery (%d clients, %d msg/s; median of %d) | %s | %s | %.2f | ≤ %.1f× and < %s | %s%s |\n",
			s.room, s.rate, len(c), msf(benchenv.Median(ref)), msf(benchenv.Median(c)), q, roomMaxRatio, ms(roomMaxP99), verdict(ok), lost)
	}
	if s.runs("cross") {
		same, other := p99s(r.cross, 0), p99s(r.cross, 1)
		q := benchenv.Median(ratios(other, same))
		lost := lossNote(r.cross)
		fmt.Fprintf(w, "| cross: p99 on the other instance (2×%d clients; median of %d) | %s (same instance) | %s (other instance) | %.2f | ≤ %.1f× | %s%s |\n",
			s.room/2, len(same), msf(benchenv.Median(same)), msf(benchenv.Median(other)), q, crossMaxRatio, verdict(q <= crossMaxRatio && lost == ""), lost)
	}
	if s.runs("store") {
		st := r.store
		ok := st.curbRate >= storeMinRatio*st.rawRate
		fmt.Fprintf(w, "| store: messages/s (%d senders) | %.0f (raw pgx INSERT) | %.0f | %s | ≥ %.1f× | %s |\n",
			st.senders, st.rawRate, st.curbRate, ratio(st.curbRate, st.rawRate), storeMinRatio, verdict(ok))
	}
	fmt.Fprintln(w, "\nRaw numbers:")
	fmt.Fprintln(w)
	if s.runs("idle") {
		join := "each joined to general"
		if !s.idleJoin {
			join = "connected only"
		}
		fmt.Fprintf(w, "- idle, %d connections %s:\n", s.idle, join)
		for _, x := range []struct {
			name string
			r    idleResult
		}{{"reference", r.idleRef}, {"curbside", r.idleCurb}} {
			fmt.Fprintf(w, "  - %s: %s per connection (heap %s, stacks %s), %.2f goroutines per connection; HeapInuse %s → %s, StackInuse %s → %s; %d cut off\n",
				x.name, kib(x.r.perConn), kib(x.r.heapPer), kib(x.r.stackPer), x.r.goroutinesPer,
				mib(x.r.before.heapInuse), mib(x.r.after.heapInuse), mib(x.r.before.stackInuse), mib(x.r.after.stackInuse), x.r.dropped)
		}
	}
	if s.runs("room") {
		fmt.Fprintf(w, "- room, %d clients, %d senders taking turns, %d msg/s for %s, by round:\n", s.room, roomSenders(s.rate), s.rate, s.seconds)
		for i := range r.roomCurb {
			for _, x := range []struct {
				name string
				r    roomResult
			}{{"reference", r.roomRef[i]}, {"curbside", r.roomCurb[i]}} {
				fmt.Fprintf(w, "  - round %d, %s: %s\n    - by message: first delivery p50 %s, p99 %s; last delivery p50 %s, p99 %s\n    - %s\n    - %s\n",
					i+1, x.name, x.r.perInstance[0], ms(x.r.first.p50), ms(x.r.first.p99), ms(x.r.last.p50), ms(x.r.last.p99), roomCounts(x.r), x.r.cpu)
			}
		}
	}
	if s.runs("cross") {
		fmt.Fprintf(w, "- cross, two instances, %d clients each, %d msg/s sent on the first for %s, by round:\n", s.room/2, s.rate, s.seconds)
		for i, c := range r.cross {
			fmt.Fprintf(w, "  - round %d: same instance %s; other instance %s\n    - by message: first delivery p50 %s, p99 %s; last delivery p50 %s, p99 %s\n    - %s\n    - %s\n",
				i+1, c.perInstance[0], c.perInstance[1], ms(c.first.p50), ms(c.first.p99), ms(c.last.p50), ms(c.last.p99), roomCounts(c), c.cpu)
		}
	}
	if s.runs("store") {
		st := r.store
		fmt.Fprintf(w, "- store, %d senders for %s: raw pgx %d rows (%.0f/s); curbside %d acknowledged (%.0f/s) over %d members' connections, %d rate-limited, %d refused otherwise, %d unanswered (error frames: %s)\n",
			st.senders, s.seconds, st.rawN, st.rawRate, st.curbN, st.curbRate, st.members, st.limited, st.failed, st.lost, st.failures)
		us := func(d time.Duration, n int64) string {
			return strconv.FormatFloat(float64(d.Microseconds())/float64(max(n, 1)), 'f', 0, 64) + " µs"
		}
		fmt.Fprintf(w, "  - raw pgx: %s; per row: PostgreSQL %s, driver %s\n", st.rawCPU, us(st.rawCPU.postgres, st.rawN), us(st.rawCPU.self, st.rawN))
		fmt.Fprintf(w, "  - curbside: %s; per message: PostgreSQL %s, server %s, driver %s\n", st.curbCPU,
			us(st.curbCPU.postgres, st.curbN), us(st.curbCPU.server, st.curbN), us(st.curbCPU.self, st.curbN))
	}
	if s.runs("idle") {
		printSites(w, "Curbside", r.idleCurb, breakdownSites)
		printSites(w, "Reference", r.idleRef, refBreakdownSite)
	}
}

func roomCounts(r roomResult) string {
	return fmt.Sprintf("%d sent, %d acked, %d of %d deliveries, %d clients cut off, errors: %s; joining took %s",
		r.sent, r.acks, r.delivered, r.expected, r.cutOff, r.errors, r.joinTime.Round(100*time.Millisecond))
}

// printSites shows where a server's heap grew per idle connection, from its
// heap profiles (sampled, scaled as pprof does: estimates).
func printSites(w io.Writer, name string, r idleResult, n int) {
	fmt.Fprintf(w, "\n%s per idle connection: %s heap in use (%s of live objects, the rest partly used spans), %s goroutine stacks (%.2f goroutines, about %s each).\n",
		name, kib(r.heapPer), kib(r.livePer), kib(r.stackPer), r.goroutinesPer, kib(r.stackPer/max(r.goroutinesPer, 0.01)))
	fmt.Fprint(w, "Goroutines per connection:")
	for _, g := range r.goroutines {
		if g.objects >= 0.01 {
			fmt.Fprintf(w, " %.2f %s;", g.objects, g.where)
		}
	}
	fmt.Fprintf(w, "\nHeap growth by allocation site (%s in all):\n\n", kib(r.heapProfiledPer))
	fmt.Fprintln(w, "| bytes/conn | objects/conn | allocated at (innermost frames outside the runtime) |")
	fmt.Fprintln(w, "|---|---|---|")
	for i, s := range r.sites {
		if i == n {
			break
		}
		fmt.Fprintf(w, "| %.0f | %.2f | %s |\n", s.bytes, s.objects, s.where)
	}
}

func mib(b int64) string { return strconv.FormatFloat(float64(b)/(1<<20), 'f', 1, 64) + " MiB" }

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"curbside/bench/internal/benchenv"
)

// loadResult is the JSON line bench/load prints.
type loadResult struct {
	RPS        float64 `json:"rps"`
	P50ms      float64 `json:"p50_ms"`
	P90ms      float64 `json:"p90_ms"`
	P99ms      float64 `json:"p99_ms"`
	Requests   int     `json:"requests"`
	All        int     `json:"all_requests"`
	Non2xx     int     `json:"non2xx"`
	Errors     int     `json:"errors"`
	FirstError string  `json:"first_error"`
	Truncated  bool    `json:"truncated"`
}

type target struct {
	name string
	base string
	p    *benchenv.Proc
}

// result is one load run against one server.
type result struct {
	loadResult
	// newConns is how many PostgreSQL sessions were opened on the bench
	// database during the run (pg_stat_database.sessions), warm-up included.
	newConns int64
	// cpu is the server's processor time per request (warm-up included in both).
	cpu time.Duration
	// pool is the change in Curbside's database/sql pool counters (subject only).
	pool poolStats
}

// row is one page at one concurrency, every round of both servers.
type row struct {
	page        string
	concurrency int
	ref, subj   []result
}

type measurer struct {
	set                settings
	load, cookie       string
	admin              string
	subject, reference target
	mon                *pgx.Conn // on the admin database, for statistics
}

func (m *measurer) connect(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, m.admin)
	if err != nil {
		return fmt.Errorf("connect for statistics: %w", err)
	}
	m.mon = conn
	return nil
}

func (m *measurer) close() {
	if m.mon != nil {
		m.mon.Close(context.Background())
	}
}

func (m *measurer) measureAll(ctx context.Context) ([]row, error) {
	total := len(m.set.pages) * len(m.set.concurrency) * m.set.rounds * 2
	progress(fmt.Sprintf("%d runs of %s (+%s warm-up) each, about %s", total, m.set.seconds, m.set.warmup,
		(time.Duration(total) * (m.set.seconds + m.set.warmup + 200*time.Millisecond)).Round(time.Second)))
	var rows []row
	for _, page := range m.set.pages {
		for _, c := range m.set.concurrency {
			r := row{page: page, concurrency: c}
			for round := range m.set.rounds {
				order := []*target{&m.reference, &m.subject}
				if round%2 == 1 {
					slices.Reverse(order) // alternate who goes first, so drift hits both alike
				}
				for _, t := range order {
					res, err := m.runOne(ctx, t, page, c)
					if err != nil {
						return nil, err
					}
					if t == &m.subject {
						r.subj = append(r.subj, res)
					} else {
						r.ref = append(r.ref, res)
					}
					progress(fmt.Sprintf("%-20s c=%-3d round %d %-9s %8.0f req/s  p99 %7.2f ms  new pg conns %d",
						page, c, round+1, t.name, res.RPS, res.P99ms, res.newConns))
				}
			}
			rows = append(rows, r)
		}
	}
	return rows, nil
}

func (m *measurer) runOne(ctx context.Context, t *target, page string, c int) (result, error) {
	if t.p.Exited() {
		return result{}, t.p.DeadErr()
	}
	var res result
	before, err := m.sessionsOpened(ctx)
	if err != nil {
		return res, err
	}
	var poolBefore poolStats
	if t == &m.subject {
		if poolBefore, err = scrapePool(ctx, t.base); err != nil {
			return res, err
		}
	}
	var sampler *pgSampler
	if m.set.pgstat && c == slices.Max(m.set.concurrency) {
		sampler = startSampler(ctx, m.admin, m.set.warmup)
	}
	cpuBefore := t.p.CPU()
	cmd := exec.CommandContext(ctx, m.load, "-url", t.base+page, "-c", strconv.Itoa(c),
		"-d", m.set.seconds.String(), "-warmup", m.set.warmup.String(), "-cookie", m.cookie)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	cpuUsed := t.p.CPU() - cpuBefore
	if sampler != nil {
		sampler.stop()
	}
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	if err != nil {
		return res, fmt.Errorf("load %s%s: %w: %s", t.base, page, err, benchenv.LastLine(stderr.Bytes()))
	}
	if err := json.Unmarshal(stdout.Bytes(), &res.loadResult); err != nil {
		return res, fmt.Errorf("load printed %q: %w", benchenv.LastLine(stdout.Bytes()), err)
	}
	if sampler != nil {
		sampler.report(fmt.Sprintf("%s c=%d %s", page, c, t.name), res.RPS)
	}
	if res.All > 0 {
		res.cpu = cpuUsed / time.Duration(res.All)
	}
	if t == &m.subject {
		after, err := scrapePool(ctx, t.base)
		if err != nil {
			return res, err
		}
		res.pool = after.minus(poolBefore)
	}
	after, err := m.sessionsOpened(ctx)
	if err != nil {
		return res, err
	}
	res.newConns = after - before
	return res, nil
}

// sessionsOpened counts PostgreSQL sessions ever opened on the bench
// database. The server publishes the count within a second or so, so the
// driver lets it settle before reading.
func (m *measurer) sessionsOpened(ctx context.Context) (int64, error) {
	select {
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-time.After(150 * time.Millisecond):
	}
	var n int64
	err := m.mon.QueryRow(ctx, "SELECT coalesce(sum(sessions), 0)::bigint FROM pg_stat_database WHERE datname = $1", benchDB).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("read pg_stat_database: %w", err)
	}
	return n, nil
}

func medianOf(runs []result, f func(result) float64) float64 {
	xs := make([]float64, len(runs))
	for i, r := range runs {
		xs[i] = f(r)
	}
	return benchenv.Median(xs)
}

// ratios are the medians over rounds of subject/reference, round by round.
func (r row) ratios() (rps, p99 float64) {
	var a, b []float64
	for i := range min(len(r.ref), len(r.subj)) {
		if r.ref[i].RPS > 0 {
			a = append(a, r.subj[i].RPS/r.ref[i].RPS)
		}
		if r.ref[i].P99ms > 0 {
			b = append(b, r.subj[i].P99ms/r.ref[i].P99ms)
		}
	}
	return benchenv.Median(a), benchenv.Median(b)
}

func printTable(w io.Writer, set settings, rows []row) {
	fmt.Fprintf(w, "\nCurbside (subject) against the bare reference: %d rounds of %s per cell, medians; targets: req/s ratio ≥ %.2f, p99 ratio ≤ %.2f\n\n",
		set.rounds, set.seconds, targetRPSRatio, targetP99Ratio)
	fmt.Fprintln(w, "| page | c | ref req/s | ref p99 ms | subj req/s | subj p99 ms | req/s ratio (target) | p99 ratio (≤ 2.00) | verdict |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|--:|---|")
	for _, r := range rows {
		rps, p99 := r.ratios()
		target := targetRPSRatio
		verdict := "ok"
		if rps < target || p99 > targetP99Ratio {
			verdict = "MISS"
		}
		fmt.Fprintf(w, "| %s | %d | %.0f | %.2f | %.0f | %.2f | %.2f (%.2f) | %.2f | %s |\n", r.page, r.concurrency,
			medianOf(r.ref, func(x result) float64 { return x.RPS }), medianOf(r.ref, func(x result) float64 { return x.P99ms }),
			medianOf(r.subj, func(x result) float64 { return x.RPS }), medianOf(r.subj, func(x result) float64 { return x.P99ms }),
			rps, target, p99, verdict)
	}
	fmt.Fprintf(w, "\nCost per run (medians): server CPU per request; PostgreSQL sessions opened on %s; Curbside's pool (database/sql) counters\n\n", benchDB)
	fmt.Fprintln(w, "| page | c | ref CPU µs/req | subj CPU µs/req | ref new conns | subj new conns | subj pool waits | subj wait ms/req | subj closed (idle full) |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %d | %.0f | %.0f | %.0f | %.0f | %.0f | %.2f | %.0f |\n", r.page, r.concurrency,
			medianOf(r.ref, func(x result) float64 { return float64(x.cpu.Microseconds()) }),
			medianOf(r.subj, func(x result) float64 { return float64(x.cpu.Microseconds()) }),
			medianOf(r.ref, func(x result) float64 { return float64(x.newConns) }),
			medianOf(r.subj, func(x result) float64 { return float64(x.newConns) }),
			medianOf(r.subj, func(x result) float64 { return x.pool.waits }),
			medianOf(r.subj, func(x result) float64 { return waitPerRequest(x) }),
			medianOf(r.subj, func(x result) float64 { return x.pool.idleClosed }))
	}
}

// waitPerRequest is the pool wait per request, warm-up included.
func waitPerRequest(x result) float64 {
	if x.All == 0 {
		return 0
	}
	return x.pool.waitSeconds * 1000 / float64(x.All)
}

// badRuns fails the benchmark when any run saw errors or non-2xx answers:
// its figures would not measure the page.
func badRuns(rows []row) error {
	var errs []error
	for _, r := range rows {
		for _, runs := range []struct {
			name string
			list []result
		}{{"reference", r.ref}, {"subject", r.subj}} {
			for _, x := range runs.list {
				if x.Non2xx > 0 || x.Errors > 0 || x.Truncated {
					errs = append(errs, fmt.Errorf("%s %s c=%d: %d non-2xx, %d errors, truncated %v %s",
						runs.name, r.page, r.concurrency, x.Non2xx, x.Errors, x.Truncated, x.FirstError))
				}
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%d runs were not clean; first: %w", len(errs), errs[0])
	}
	return nil
}

// Command driver runs the load benchmark behind `make bench`: it builds
// Curbside, the bare reference (bench/reference) and the load generator
// (bench/load), prepares a fresh curbside_bench database with a signed-in
// verified member, serves both on loopback and, page by page, loads them in
// turns, then prints how Curbside compares with the reference.
//
// Settings, all optional: BENCH_ROUNDS (3), BENCH_SECONDS (5), BENCH_WARMUP
// (0.5 seconds), BENCH_CONCURRENCY (16,64), BENCH_PAGES (comma-separated
// paths), BENCH_PGSTAT=1 (sample pg_stat_activity during the runs at the
// highest concurrency), BENCH_PPROF=host:port (Curbside's profiler, to profile
// it under load). DATABASE_URL picks the server; without it the private
// cluster of `curbside devdb url` is used.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"curbside/bench/internal/benchenv"
)

// pages are the signed-in pages compared with the reference; /healthz shows
// what the middleware costs when a browser sends its session cookie there.
// "{case}" stands for the bench case, which has 20 replies, and
// "{consult}" for the consult the bench member claimed, with ten messages.
var pages = []string{"/cases", "/cases/{case}", "/consults", "/consults/{consult}", "/notifications", "/settings/security", "/healthz"}

// Targets for Curbside against the reference, for every signed-in page
// (the consult pages' own issue asked for at least half; they meet the
// forum's target too).
const (
	targetRPSRatio = 0.7 // at least this share of the reference's requests per second
	targetP99Ratio = 2.0 // at most this multiple of the reference's p99 latency
)

type settings struct {
	rounds      int
	seconds     time.Duration
	warmup      time.Duration
	concurrency []int
	pages       []string
	pgstat      bool
}

func main() { benchenv.Main("bench", benchDB, run) }

func loadSettings() (settings, error) {
	s := settings{rounds: 3, seconds: 5 * time.Second, warmup: 500 * time.Millisecond,
		concurrency: []int{16, 64}, pages: pages, pgstat: os.Getenv("BENCH_PGSTAT") == "1"}
	errs := []error{
		benchenv.EnvInt("BENCH_ROUNDS", &s.rounds, 1, 20),
		benchenv.EnvSeconds("BENCH_SECONDS", &s.seconds, 0.5, 120),
		benchenv.EnvSeconds("BENCH_WARMUP", &s.warmup, 0, 30),
	}
	if v := os.Getenv("BENCH_CONCURRENCY"); v != "" {
		s.concurrency = nil
		for _, part := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(part))
			if err != nil || n < 1 || n > 512 {
				errs = append(errs, fmt.Errorf("BENCH_CONCURRENCY must list numbers from 1 to 512, not %q", v))
				break
			}
			s.concurrency = append(s.concurrency, n)
		}
	}
	if v := os.Getenv("BENCH_PAGES"); v != "" {
		s.pages = nil
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); !strings.HasPrefix(p, "/") {
				errs = append(errs, fmt.Errorf("BENCH_PAGES must list paths starting with /, not %q", p))
				break
			}
			s.pages = append(s.pages, p)
		}
	}
	return s, errors.Join(errs...)
}

func run(ctx context.Context) (err error) {
	set, err := loadSettings()
	if err != nil {
		return err
	}
	root, err := benchenv.ModuleRoot(ctx, "the driver", "make bench")
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "curbside-bench-")
	if err != nil {
		return err
	}
	defer func() {
		os.RemoveAll(filepath.Join(tmp, "bin"))
		if logs, _ := filepath.Glob(filepath.Join(tmp, "*.log")); err != nil && ctx.Err() == nil && len(logs) > 0 {
			err = fmt.Errorf("%w (server logs kept in %s)", err, tmp)
			return
		}
		os.RemoveAll(tmp)
	}()
	bins := filepath.Join(tmp, "bin")
	progress("building curbside, the reference and the load generator")
	if err := benchenv.Build(ctx, root, bins, "./cmd/curbside", "./bench/reference", "./bench/load"); err != nil {
		return err
	}
	admin, err := benchenv.AdminURL(ctx, root, bins)
	if err != nil {
		return err
	}
	benchURL, err := benchenv.CreateDB(ctx, admin, benchDB)
	if err != nil {
		return err
	}
	defer func() {
		if dropErr := benchenv.DropDB(admin, benchDB); dropErr != nil {
			err = errors.Join(err, dropErr)
		}
	}()
	addrs, err := benchenv.FreeAddrs(2)
	if err != nil {
		return err
	}
	subjectAddr, refAddr := addrs[0], addrs[1]
	env := curbsideEnv(benchURL, subjectAddr, tmp)
	progress("preparing " + benchDB + ": migrate up, seed --demo, a verified member and a session")
	token, caseID, consultID, err := prepareData(ctx, bins, env, benchURL)
	if err != nil {
		return err
	}
	ids := strings.NewReplacer("{case}", strconv.FormatInt(caseID, 10), "{consult}", strconv.FormatInt(consultID, 10))
	for i, p := range set.pages {
		set.pages[i] = ids.Replace(p)
	}
	subject, err := benchenv.Server{Name: "curbside", Bin: filepath.Join(bins, "curbside"), Args: []string{"serve"},
		Env: env, Log: filepath.Join(tmp, "curbside.log")}.Start()
	if err != nil {
		return err
	}
	defer subject.Stop()
	reference, err := benchenv.Server{Name: "reference", Bin: filepath.Join(bins, "reference"), Args: []string{"-addr", refAddr},
		Env: append(benchenv.CleanEnv(), "DATABASE_URL="+benchURL), Log: filepath.Join(tmp, "reference.log")}.Start()
	if err != nil {
		return err
	}
	defer reference.Stop()
	for _, s := range []struct {
		p    *benchenv.Proc
		addr string
	}{{subject, subjectAddr}, {reference, refAddr}} {
		if err := s.p.WaitReady(ctx, "http://"+s.addr+"/healthz"); err != nil {
			return err
		}
	}
	cookie := "curbside_session=" + token
	csrf, err := checkPages(ctx, set.pages, "http://"+subjectAddr, "http://"+refAddr, cookie)
	if err != nil {
		return err
	}
	if csrf != "" {
		cookie += "; curbside_csrf=" + csrf // as a browser would send back: no new CSRF token per request
	}
	m := &measurer{set: set, load: filepath.Join(bins, "load"), cookie: cookie, admin: admin,
		subject: target{"subject", "http://" + subjectAddr, subject}, reference: target{"reference", "http://" + refAddr, reference}}
	if err := m.connect(ctx); err != nil {
		return err
	}
	defer m.close()
	rows, err := m.measureAll(ctx)
	if err != nil {
		return err
	}
	printTable(os.Stdout, set, rows)
	if err := badRuns(rows); err != nil {
		return err
	}
	return benchSearch(ctx, bins, env, "http://"+subjectAddr, cookie, set.seconds)
}

// progress prints a step of the run on stderr, keeping stdout for the table.
func progress(msg string) {
	fmt.Fprintf(os.Stderr, "bench: %s %s\n", time.Now().Format("15:04:05"), msg)
}

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
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// pages are the signed-in pages compared with the reference; /healthz shows
// what the middleware costs when a browser sends its session cookie there.
// "{case}" stands for the bench case, which has 20 replies, and
// "{consult}" for the consult the bench member claimed, with ten messages.
var pages = []string{"/cases", "/cases/{case}", "/consults", "/consults/{consult}", "/notifications", "/settings/security", "/healthz"}

// Targets for Curbside against the reference.
const (
	targetRPSRatio = 0.7 // at least this share of the reference's requests per second
	targetP99Ratio = 2.0 // at most this multiple of the reference's p99 latency
	// The consult pages' own target (their issue's): at least half.
	consultRPSRatio = 0.5
)

// rpsTarget is the share of the reference's requests per second a page
// must reach.
func rpsTarget(page string) float64 {
	if strings.HasPrefix(page, "/consults") {
		return consultRPSRatio
	}
	return targetRPSRatio
}

type settings struct {
	rounds      int
	seconds     time.Duration
	warmup      time.Duration
	concurrency []int
	pages       []string
	pgstat      bool
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx)
	if ctx.Err() != nil && err != nil {
		err = errors.New("interrupted; servers stopped, " + benchDB + " dropped")
	}
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench: "+strings.Join(strings.Fields(err.Error()), " "))
		os.Exit(1)
	}
}

func loadSettings() (settings, error) {
	s := settings{rounds: 3, seconds: 5 * time.Second, warmup: 500 * time.Millisecond,
		concurrency: []int{16, 64}, pages: pages, pgstat: os.Getenv("BENCH_PGSTAT") == "1"}
	var errs []error
	if v := os.Getenv("BENCH_ROUNDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 20 {
			errs = append(errs, fmt.Errorf("BENCH_ROUNDS must be 1 to 20, not %q", v))
		}
		s.rounds = n
	}
	for _, d := range []struct {
		name     string
		into     *time.Duration
		min, max float64
	}{{"BENCH_SECONDS", &s.seconds, 0.5, 120}, {"BENCH_WARMUP", &s.warmup, 0, 30}} {
		if v := os.Getenv(d.name); v != "" {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < d.min || f > d.max {
				errs = append(errs, fmt.Errorf("%s must be a number of seconds from %g to %g, not %q", d.name, d.min, d.max, v))
			}
			*d.into = time.Duration(f * float64(time.Second))
		}
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
	root, err := moduleRoot(ctx)
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
	if err := build(ctx, root, bins); err != nil {
		return err
	}
	admin, err := adminURL(ctx, root, bins)
	if err != nil {
		return err
	}
	benchURL, err := createBenchDB(ctx, admin)
	if err != nil {
		return err
	}
	defer func() {
		if dropErr := dropBenchDB(admin); dropErr != nil {
			err = errors.Join(err, dropErr)
		}
	}()
	subjectAddr, refAddr, err := twoFreeAddrs()
	if err != nil {
		return err
	}
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
	subject, err := startServer("curbside", filepath.Join(bins, "curbside"), []string{"serve"}, env, filepath.Join(tmp, "curbside.log"))
	if err != nil {
		return err
	}
	defer subject.stop()
	refEnv := append(cleanEnv(), "DATABASE_URL="+benchURL)
	reference, err := startServer("reference", filepath.Join(bins, "reference"), []string{"-addr", refAddr}, refEnv, filepath.Join(tmp, "reference.log"))
	if err != nil {
		return err
	}
	defer reference.stop()
	for _, s := range []struct {
		p    *proc
		addr string
	}{{subject, subjectAddr}, {reference, refAddr}} {
		if err := waitReady(ctx, s.p, "http://"+s.addr); err != nil {
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

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return truncate(lines[len(lines)-1], 400)
}

func firstLines(b []byte, n int) string {
	lines := strings.SplitN(strings.TrimSpace(string(b)), "\n", n+1)
	return truncate(strings.Join(lines[:min(n, len(lines))], " | "), 600)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

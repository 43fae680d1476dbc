package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// poolStats are Curbside's database/sql pool counters from its /metrics
// (served to local scrapers), as exported by the Prometheus DBStats collector.
type poolStats struct {
	waits       float64 // go_sql_wait_count_total: requests that waited for a connection
	waitSeconds float64 // go_sql_wait_duration_seconds_total
	idleClosed  float64 // go_sql_max_idle_closed_total: closed because the idle list was full
}

func (a poolStats) minus(b poolStats) poolStats {
	return poolStats{a.waits - b.waits, a.waitSeconds - b.waitSeconds, a.idleClosed - b.idleClosed}
}

// scrapePool reads the pool counters; a server without them reads as zeros.
func scrapePool(ctx context.Context, base string) (poolStats, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	if err != nil {
		return poolStats{}, err
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return poolStats{}, fmt.Errorf("GET %s/metrics: %w", base, err)
	}
	defer resp.Body.Close()
	var s poolStats
	if resp.StatusCode != http.StatusOK {
		return s, nil
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			continue
		}
		name, _, _ := strings.Cut(line[:i], "{")
		switch strings.TrimSpace(name) {
		case "go_sql_wait_count_total":
			s.waits += v
		case "go_sql_wait_duration_seconds_total":
			s.waitSeconds += v
		case "go_sql_max_idle_closed_total":
			s.idleClosed += v
		}
	}
	return s, sc.Err()
}

// pgSampler looks at pg_stat_activity once a second during a run (after the
// warm-up) and reports the average number of backends by application,
// state and wait event.
type pgSampler struct {
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	samples int
	counts  map[string]float64
	maxApp  map[string]int
	err     error
	// first and last readings of the database's transaction and session
	// counters, for steady-state rates (the server publishes them with a
	// lag of about a second, which a rate over the run does not mind)
	first, last dbCounters
}

type dbCounters struct {
	at              time.Time
	xacts, sessions float64
}

const activityQuery = `SELECT coalesce(application_name, ''), coalesce(state, ''),
	coalesce(wait_event_type, ''), coalesce(wait_event, ''), count(*)
FROM pg_stat_activity WHERE datname = $1 GROUP BY 1, 2, 3, 4`

func startSampler(ctx context.Context, admin string, delay time.Duration) *pgSampler {
	ctx, cancel := context.WithCancel(ctx)
	s := &pgSampler{cancel: cancel, counts: map[string]float64{}, maxApp: map[string]int{}}
	s.wg.Go(func() {
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			s.err = err
			return
		}
		defer conn.Close(context.Background())
		wait := delay + 500*time.Millisecond
		for range 600 { // a run lasts at most minutes; the bound is a safety net
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
			wait = time.Second
			if err := s.sample(ctx, conn); err != nil {
				if ctx.Err() == nil {
					s.err = err
				}
				return
			}
		}
	})
	return s
}

func (s *pgSampler) sample(ctx context.Context, conn *pgx.Conn) error {
	rows, err := conn.Query(ctx, activityQuery, benchDB)
	if err != nil {
		return err
	}
	defer rows.Close()
	perApp := map[string]int{}
	for rows.Next() {
		var app, state, typ, event string
		var n int
		if err := rows.Scan(&app, &state, &typ, &event, &n); err != nil {
			return err
		}
		key := fmt.Sprintf("%s %s/%s:%s", app, state, typ, event)
		s.counts[key] += float64(n)
		perApp[app] += n
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for app, n := range perApp {
		s.maxApp[app] = max(s.maxApp[app], n)
	}
	c := dbCounters{at: time.Now()}
	err = conn.QueryRow(ctx, `SELECT (xact_commit + xact_rollback)::float8, sessions::float8
		FROM pg_stat_database WHERE datname = $1`, benchDB).Scan(&c.xacts, &c.sessions)
	if err != nil {
		return err
	}
	if s.samples == 0 {
		s.first = c
	}
	s.last = c
	s.samples++
	return nil
}

func (s *pgSampler) stop() {
	s.cancel()
	s.wg.Wait()
}

// report prints the averages on stderr; rps, the run's throughput, turns
// the transaction rate into transactions per request.
func (s *pgSampler) report(label string, rps float64) {
	if s.err != nil {
		fmt.Fprintf(os.Stderr, "bench: pg_stat_activity %s: %v\n", label, s.err)
		return
	}
	if s.samples == 0 {
		return
	}
	keys := make([]string, 0, len(s.counts))
	for k := range s.counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return int(s.counts[b]*100 - s.counts[a]*100) })
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%.1f", k, s.counts[k]/float64(s.samples)))
	}
	apps := make([]string, 0, len(s.maxApp))
	for app, n := range s.maxApp {
		apps = append(apps, fmt.Sprintf("%s=%d", app, n))
	}
	slices.Sort(apps)
	rates := ""
	if dt := s.last.at.Sub(s.first.at).Seconds(); dt > 0 && rps > 0 {
		xps := (s.last.xacts - s.first.xacts) / dt
		rates = fmt.Sprintf("; %.0f transactions/s (%.2f per request), %.1f new sessions/s",
			xps, xps/rps, (s.last.sessions-s.first.sessions)/dt)
	}
	fmt.Fprintf(os.Stderr, "bench: pg_stat_activity %s, %d samples, mean backends: %s; max backends per app: %s%s\n",
		label, s.samples, strings.Join(parts, ", "), strings.Join(apps, ", "), rates)
}

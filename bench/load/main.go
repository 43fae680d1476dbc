// Command load is a small HTTP load generator in the manner of hey: a fixed
// number of keep-alive clients request one URL for a fixed time (bounded by
// a request count), after a short warm-up, and one JSON line reports the
// throughput and latency percentiles.
//
//	go run ./bench/load -url http://127.0.0.1:8080/cases -c 16 -d 5s -cookie 'curbside_session=...'
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Result is the one line the tool prints.
type Result struct {
	URL         string         `json:"url"`
	Concurrency int            `json:"concurrency"`
	Seconds     float64        `json:"seconds"`
	Requests    int            `json:"requests"`
	RPS         float64        `json:"rps"`
	P50ms       float64        `json:"p50_ms"`
	P90ms       float64        `json:"p90_ms"`
	P99ms       float64        `json:"p99_ms"`
	MaxMs       float64        `json:"max_ms"`
	Non2xx      int            `json:"non2xx"`
	Errors      int            `json:"errors"`
	Status      map[string]int `json:"status"`
	FirstError  string         `json:"first_error,omitempty"`
	// AllRequests counts the warm-up too, for costs measured around the whole run.
	AllRequests int `json:"all_requests"`
	// Truncated means the request bound ended the run before the duration.
	Truncated bool `json:"truncated"`
}

type options struct {
	url         string
	vary        string
	concurrency int
	duration    time.Duration
	warmup      time.Duration
	maxRequests int64
	cookie      string
	timeout     time.Duration
}

func main() {
	var o options
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.url, "url", "", "URL to request (GET)")
	fs.StringVar(&o.vary, "vary", "", "comma-separated query strings, added to -url in turn (e.g. q=syncope,q=chest+pain)")
	fs.IntVar(&o.concurrency, "c", 16, "concurrent clients, each with its own keep-alive connection")
	fs.DurationVar(&o.duration, "d", 5*time.Second, "measured duration")
	fs.DurationVar(&o.warmup, "warmup", time.Second, "warm-up before measuring (not counted)")
	fs.Int64Var(&o.maxRequests, "n", 2_000_000, "safety bound on requests, warm-up included")
	fs.StringVar(&o.cookie, "cookie", "", "Cookie header to send")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Second, "per-request timeout")
	if err := fs.Parse(os.Args[1:]); err != nil {
		fail(fmt.Errorf("%w (flags: -url -vary -c -d -warmup -n -cookie -timeout)", err))
	}
	if err := o.check(); err != nil {
		fail(err)
	}
	res, err := run(o)
	if err != nil {
		fail(err)
	}
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		fail(err)
	}
	if res.Requests == res.Errors {
		fail(fmt.Errorf("no answer in the measured %s (truncated %v): %s", o.duration, res.Truncated, res.FirstError))
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "load: "+err.Error())
	os.Exit(1)
}

func (o options) check() error {
	u, err := url.Parse(o.url)
	switch {
	case o.url == "":
		return errors.New("-url is required")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return fmt.Errorf("-url must be an http(s) URL, not %q", o.url)
	case o.concurrency < 1 || o.concurrency > 1024:
		return errors.New("-c must be between 1 and 1024")
	case o.duration <= 0 || o.duration > 10*time.Minute:
		return errors.New("-d must be positive and at most 10m")
	case o.warmup < 0 || o.warmup > time.Minute:
		return errors.New("-warmup must be between 0 and 1m")
	case o.maxRequests < 1:
		return errors.New("-n must be at least 1")
	case o.timeout <= 0:
		return errors.New("-timeout must be positive")
	}
	return nil
}

// worker holds what one client saw during the measured window.
type worker struct {
	latencies []time.Duration
	status    map[int]int
	errors    int
	all       int
	firstErr  error
}

func run(o options) (Result, error) {
	tr := &http.Transport{
		Proxy:               nil, // straight to the target, whatever the environment says
		MaxIdleConnsPerHost: o.concurrency,
		MaxIdleConns:        o.concurrency,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{
		Transport: tr,
		Timeout:   o.timeout,
		// A redirect is an answer to count (a 303 to /login means the cookie failed), not to follow.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	targets := []string{o.url}
	if o.vary != "" {
		targets = nil
		for _, q := range strings.Split(o.vary, ",") {
			targets = append(targets, o.url+"?"+q)
		}
	}
	reqs := make([]*http.Request, len(targets))
	for i, target := range targets {
		req, err := http.NewRequest(http.MethodGet, target, nil)
		if err != nil {
			return Result{}, err
		}
		if o.cookie != "" {
			req.Header.Set("Cookie", o.cookie)
		}
		req.Header.Set("User-Agent", "curbside-bench-load/1")
		reqs[i] = req
	}

	start := time.Now()
	measureFrom := start.Add(o.warmup)
	end := measureFrom.Add(o.duration)
	var issued atomic.Int64
	var truncated atomic.Bool
	workers := make([]*worker, o.concurrency)
	var wg sync.WaitGroup
	for i := range workers {
		w := &worker{status: map[int]int{}, latencies: make([]time.Duration, 0, 4096)}
		workers[i] = w
		wg.Go(func() {
			for {
				t0 := time.Now()
				if !t0.Before(end) {
					return
				}
				n := issued.Add(1)
				if n > o.maxRequests {
					truncated.Store(true)
					return
				}
				code, err := do(client, reqs[n%int64(len(reqs))])
				w.all++
				if t0.Before(measureFrom) {
					continue // warm-up
				}
				switch {
				case err != nil:
					w.errors++
					if w.firstErr == nil {
						w.firstErr = err
					}
				default:
					w.status[code]++
					w.latencies = append(w.latencies, time.Since(t0))
				}
			}
		})
	}
	wg.Wait()
	elapsed := max(time.Since(measureFrom), 0)
	return summarise(o, workers, elapsed, truncated.Load()), nil
}

// do sends one request and reads the whole body, so the connection is reused.
func do(client *http.Client, req *http.Request) (int, error) {
	resp, err := client.Do(req.Clone(context.Background())) // a request is not shared between goroutines
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, err
}

func summarise(o options, workers []*worker, elapsed time.Duration, truncated bool) Result {
	r := Result{URL: o.url, Concurrency: o.concurrency, Seconds: round(elapsed.Seconds()),
		Status: map[string]int{}, Truncated: truncated}
	var all []time.Duration
	for _, w := range workers {
		all = append(all, w.latencies...)
		r.Errors += w.errors
		r.AllRequests += w.all
		if r.FirstError == "" && w.firstErr != nil {
			r.FirstError = w.firstErr.Error()
		}
		for code, n := range w.status {
			r.Status[strconv.Itoa(code)] += n
			if code < 200 || code > 299 {
				r.Non2xx += n
			}
		}
	}
	slices.Sort(all)
	r.Requests = len(all) + r.Errors
	if elapsed > 0 {
		r.RPS = round(float64(len(all)) / elapsed.Seconds())
	}
	r.P50ms, r.P90ms, r.P99ms = percentile(all, 50), percentile(all, 90), percentile(all, 99)
	if len(all) > 0 {
		r.MaxMs = ms(all[len(all)-1])
	}
	return r
}

// percentile is the nearest-rank percentile of sorted latencies, in milliseconds.
func percentile(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return ms(sorted[max(i, 0)])
}

func ms(d time.Duration) float64 { return round(float64(d) / float64(time.Millisecond)) }

func round(f float64) float64 { return math.Round(f*1000) / 1000 }

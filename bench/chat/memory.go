package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// memSample is a server's memory after a forced collection.
type memSample struct {
	heapInuse, heapAlloc, stackInuse int64
	goroutines                       int
	heap                             []byte // the heap profile, debug=1
	stacks                           []byte // the goroutine profile, debug=1
}

// sampleMem forces collections in the server and reads its MemStats, heap
// profile and goroutine count.
// With BENCH_CHAT_PROFILES=dir, the profiles are also saved there, named
// after the server and label.
func (p *proc) sampleMem(ctx context.Context, label string) (memSample, error) {
	var s memSample
	// A collection shrinks the stacks of goroutines using under a quarter
	// of theirs, by half: three of them let idle stacks settle as a
	// long-lived server's would.
	for range 2 {
		if _, err := get(ctx, p.pprof+"/debug/pprof/heap?gc=1"); err != nil {
			return s, err
		}
	}
	heap, err := get(ctx, p.pprof+"/debug/pprof/heap?gc=1&debug=1")
	if err != nil {
		return s, err
	}
	s.heap = heap
	stats := map[string]int64{}
	sc := bufio.NewScanner(bytes.NewReader(heap))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if k, v, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "# "), " = "); ok && strings.HasPrefix(sc.Text(), "# ") {
			v, _, _ = strings.Cut(v, " / ") // "# Stack = inuse / sys"
			if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
				stats[k] = n
			}
		}
	}
	s.heapInuse, s.heapAlloc, s.stackInuse = stats["HeapInuse"], stats["HeapAlloc"], stats["Stack"]
	if s.heapInuse == 0 {
		return s, fmt.Errorf("%s: no HeapInuse in its heap profile", p.Name)
	}
	g, err := get(ctx, p.pprof+"/debug/pprof/goroutine?debug=1")
	if err != nil {
		return s, err
	}
	s.stacks = g
	first, _, _ := strings.Cut(string(g), "\n")
	if s.goroutines, err = strconv.Atoi(strings.TrimPrefix(first, "goroutine profile: total ")); err != nil {
		return s, fmt.Errorf("%s: goroutine profile: %q", p.Name, first)
	}
	if dir := os.Getenv("BENCH_CHAT_PROFILES"); dir != "" {
		if err := p.saveProfiles(ctx, dir, label); err != nil {
			return s, err
		}
	}
	return s, nil
}

// saveProfiles writes the server's heap profile (for go tool pprof, e.g.
// -diff_base before.pb.gz after.pb.gz) and its goroutines into dir.
func (p *proc) saveProfiles(ctx context.Context, dir, label string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range []struct{ path, name string }{
		{"/debug/pprof/heap", "heap-" + label + ".pb.gz"},
		{"/debug/pprof/goroutine?debug=1", "goroutines-" + label + ".txt"},
	} {
		b, err := get(ctx, p.pprof+f.path)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, p.Name+"-"+f.name), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func get(ctx context.Context, u string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: status %d", u, resp.StatusCode)
	}
	return buf.Bytes(), nil
}

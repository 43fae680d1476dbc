package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// idleResult is what one server holds per idle connection.
type idleResult struct {
	n                          int
	perConn, heapPer, stackPer float64 // bytes
	livePer                    float64 // HeapAlloc: the live objects in heapPer
	goroutinesPer              float64
	before, after              memSample
	dropped                    int
	sites                      []site  // heap growth by allocation site, per connection
	goroutines                 []site  // goroutine growth by function, per connection (objects)
	heapProfiledPer            float64 // their sum
}

// measureIdle opens n connections to srv (joined to general after since
// when join is set), lets them go quiet, and compares the server's memory
// with what it held before: ((HeapInuse+StackInuse) after − before) / n,
// both read after a forced collection. A few connections opened and
// closed first warm the server's pools and caches up.
func measureIdle(ctx context.Context, srv *proc, n int, join bool, since int64, token func(i int) string) (idleResult, error) {
	r := idleResult{n: n}
	p := newProbe("idle", 0)
	room := ""
	if join {
		room = "general"
	}
	target := func(i int) (string, string) { return srv.base, token(i) }
	warm, err := openClients(ctx, min(50, n), 50, target, room, since, p)
	if err != nil {
		return r, fmt.Errorf("%s: warm-up: %w", srv.Name, err)
	}
	stopAll(warm)
	time.Sleep(time.Second)
	if r.before, err = srv.sampleMem(ctx, "before"); err != nil {
		return r, err
	}
	clients, err := openClients(ctx, n, 200, target, room, since, p)
	if err != nil {
		return r, fmt.Errorf("%s: %w", srv.Name, err)
	}
	defer stopAll(clients)
	p.settle(ctx, 2*time.Second, 5*time.Minute)
	if r.after, err = srv.sampleMem(ctx, "after"); err != nil {
		return r, err
	}
	for _, c := range clients {
		if c.gone() {
			r.dropped++
		}
	}
	if srv.Exited() {
		return r, srv.DeadErr()
	}
	per := func(a, b int64) float64 { return float64(b-a) / float64(n) }
	r.heapPer = per(r.before.heapInuse, r.after.heapInuse)
	r.stackPer = per(r.before.stackInuse, r.after.stackInuse)
	r.livePer = per(r.before.heapAlloc, r.after.heapAlloc)
	r.perConn = r.heapPer + r.stackPer
	r.goroutinesPer = float64(r.after.goroutines-r.before.goroutines) / float64(n)
	r.sites = heapGrowth(r.before.heap, r.after.heap, n)
	r.goroutines = goroutineGrowth(r.before.stacks, r.after.stacks, n)
	for _, s := range r.sites {
		r.heapProfiledPer += s.bytes
	}
	return r, nil
}

// site is an allocation site's share of the heap's growth, per connection.
type site struct {
	where          string
	bytes, objects float64
}

// heapGrowth compares two heap profiles (debug=1 text) and returns the
// growth of in-use memory by allocation site, per connection, largest
// first. Sampled figures are scaled up as pprof does.
func heapGrowth(before, after []byte, n int) []site {
	b, a := heapSites(before), heapSites(after)
	var out []site
	for where, s := range a {
		s.bytes -= b[where].bytes
		s.objects -= b[where].objects
		if s.bytes > 0 {
			out = append(out, site{where: where, bytes: s.bytes / float64(n), objects: s.objects / float64(n)})
		}
	}
	slices.SortFunc(out, func(x, y site) int { return int(y.bytes - x.bytes) })
	return out
}

// heapSites sums a heap profile's in-use bytes and objects by site: the
// innermost frames of the allocating stack outside the runtime.
func heapSites(profile []byte) map[string]site {
	out := map[string]site{}
	sc := bufio.NewScanner(bytes.NewReader(profile))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var rate int64
	var cur *site
	var frames, rt []string
	flush := func() {
		if cur != nil {
			where := strings.Join(frames, " < ")
			if where == "" {
				where = "runtime: " + strings.Join(rt, " < ")
			}
			s := out[where]
			s.bytes += cur.bytes
			s.objects += cur.objects
			out[where] = s
		}
		cur, frames, rt = nil, nil, nil
	}
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "heap profile: "):
			if _, r, ok := strings.Cut(line, "@ heap/"); ok {
				rate, _ = strconv.ParseInt(strings.TrimSpace(r), 10, 64)
				rate /= 2 // the header says 2*MemProfileRate, for history's sake
			}
		case strings.HasPrefix(line, "#\t"):
			f := strings.Fields(line) // the profile is aligned with tabs: fields, not columns
			if cur == nil || len(f) < 4 || len(frames) >= 3 {
				continue
			}
			fn, _, _ := strings.Cut(f[2], "+0x")
			if strings.HasPrefix(fn, "runtime.") || strings.HasPrefix(fn, "internal/") {
				if len(rt) < 2 && !strings.Contains(fn, "malloc") && fn != "runtime.newobject" {
					rt = append(rt, fn)
				}
				continue
			}
			frames = append(frames, shortFunc(fn)+" ("+path.Base(f[3])+")")
		case strings.Contains(line, " @ ") && strings.Contains(line, "]"):
			flush()
			var objs, size, aobjs, asize int64
			if _, err := fmt.Sscanf(line, "%d: %d [%d: %d]", &objs, &size, &aobjs, &asize); err != nil {
				continue
			}
			o, s := scaleHeapSample(objs, size, rate)
			cur = &site{bytes: s, objects: o}
		case strings.HasPrefix(line, "# runtime.MemStats"):
			flush()
		}
	}
	flush()
	return out
}

// shortFunc drops a function's import path, keeping its package name.
func shortFunc(fn string) string {
	if i := strings.LastIndex(fn, "/"); i >= 0 {
		return fn[i+1:]
	}
	return fn
}

// scaleHeapSample is runtime/pprof's: a sampled site's counts scaled to
// the estimated true counts.
func scaleHeapSample(count, size, rate int64) (float64, float64) {
	if count == 0 || size == 0 {
		return 0, 0
	}
	if rate <= 1 {
		return float64(count), float64(size)
	}
	avg := float64(size) / float64(count)
	scale := 1 / (1 - math.Exp(-avg/float64(rate)))
	return float64(count) * scale, float64(size) * scale
}

// kib formats bytes in KiB.
func kib(b float64) string { return strconv.FormatFloat(b/1024, 'f', 1, 64) + " KiB" }

// goroutineGrowth compares two goroutine profiles (debug=1) and returns the
// growth in goroutines per connection by what they run: the innermost frame
// of Curbside's (or this program's) code, else the goroutine's entry.
func goroutineGrowth(before, after []byte, n int) []site {
	b, a := goroutineSites(before), goroutineSites(after)
	var out []site
	for where, count := range a {
		if d := count - b[where]; d > 0 {
			out = append(out, site{where: where, objects: float64(d) / float64(n)})
		}
	}
	slices.SortFunc(out, func(x, y site) int { return int(1000 * (y.objects - x.objects)) })
	return out
}

func goroutineSites(profile []byte) map[string]int {
	out := map[string]int{}
	count, own, outer := 0, "", ""
	flush := func() {
		if count > 0 {
			where := own
			if where == "" {
				where = outer
			}
			out[where] += count
		}
		count, own, outer = 0, "", ""
	}
	for _, line := range strings.Split(string(profile), "\n") {
		switch {
		case strings.HasPrefix(line, "#"):
			f := strings.Fields(line)
			if count == 0 || len(f) < 4 {
				continue
			}
			fn, _, _ := strings.Cut(f[2], "+0x")
			outer = shortFunc(fn)
			if own == "" && (strings.HasPrefix(fn, "curbside/") || strings.HasPrefix(fn, "main.")) {
				own = shortFunc(fn) + " (" + path.Base(f[3]) + ")"
			}
		case strings.Contains(line, " @ "):
			flush()
			count, _ = strconv.Atoi(strings.TrimSpace(strings.SplitN(line, " @ ", 2)[0]))
		}
	}
	flush()
	return out
}

package main

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"curbside/bench/internal/benchenv"
)

// cpuSnap is where the CPU clocks stood: the servers', this process's
// (the load clients') and the whole machine's.
type cpuSnap struct {
	at            time.Time
	servers       int
	server, self  time.Duration
	postgres      time.Duration // every process named postgres
	busy, elapsed int64         // the machine's busy and total jiffies
}

// cpuUse is the CPU spent between two snapshots.
type cpuUse struct {
	wall, server, self time.Duration
	postgres, other    time.Duration // other: every other process on the machine
	busy               float64       // share of the machine's capacity in use
	servers            int
}

func snapCPU(servers []*proc) cpuSnap {
	s := cpuSnap{at: time.Now(), servers: len(servers)}
	for _, p := range servers {
		s.server += p.CPU()
	}
	s.postgres = postgresCPU()
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		s.self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	if b, err := os.ReadFile("/proc/stat"); err == nil {
		line, _, _ := bytes.Cut(b, []byte("\n"))
		f := strings.Fields(string(line))
		for i, v := range f[1:] {
			n, _ := strconv.ParseInt(v, 10, 64)
			if i >= 8 { // guest time is counted in user time already
				break
			}
			s.elapsed += n
			if i != 3 && i != 4 { // idle, iowait
				s.busy += n
			}
		}
	}
	return s
}

func (s cpuSnap) until(e cpuSnap) cpuUse {
	u := cpuUse{wall: e.at.Sub(s.at), server: e.server - s.server, self: e.self - s.self, servers: s.servers}
	u.postgres = e.postgres - s.postgres
	if d := e.elapsed - s.elapsed; d > 0 {
		u.busy = float64(e.busy-s.busy) / float64(d)
		u.other = max(time.Duration(u.busy*float64(runtime.NumCPU())*float64(u.wall))-u.server-u.self-u.postgres, 0)
	}
	return u
}

func (u cpuUse) String() string {
	secs := func(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + " s" }
	server := ""
	if u.servers > 0 {
		server = "server " + secs(u.server) + ", "
	}
	return fmt.Sprintf("CPU over %s: %sthis driver %s, PostgreSQL %s, anything else %s; machine %.0f%% busy (%d cores)",
		secs(u.wall), server, secs(u.self), secs(u.postgres), secs(u.other), 100*u.busy, runtime.NumCPU())
}

// postgresCPU is the CPU time of every postgres process there is (the
// bench database's server, if it runs on this machine).
func postgresCPU() time.Duration {
	var sum time.Duration
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if name, d := benchenv.ProcCPU(pid); name == "postgres" {
			sum += d
		}
	}
	return sum
}

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
		s.server += p.cpuTime()
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

// cpuTime is the CPU time the server has used.
func (p *proc) cpuTime() time.Duration {
	_, d := procCPU(p.cmd.Process.Pid)
	return d
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
		if name, d := procCPU(pid); name == "postgres" {
			sum += d
		}
	}
	return sum
}

// procCPU is a process's name and CPU time (user and system, in the
// kernel's 100 Hz ticks).
func procCPU(pid int) (string, time.Duration) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return "", 0
	}
	name := ""
	if open := bytes.IndexByte(b, '('); open >= 0 {
		if end := bytes.LastIndexByte(b, ')'); end > open {
			name = string(b[open+1 : end])
		}
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 || i+2 > len(b) {
		return name, 0
	}
	f := strings.Fields(string(b[i+2:])) // from field 3, the state
	if len(f) < 13 {
		return name, 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return name, time.Duration(ut+st) * time.Second / 100
}

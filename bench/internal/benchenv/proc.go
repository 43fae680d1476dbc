package benchenv

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Server says how to start a server the benchmark measures.
type Server struct {
	Name      string // for messages
	Bin       string
	Args, Env []string
	Log       string // its stdout and stderr; it runs in this file's directory
	// StopWithParent has the kernel tell the server to stop (SIGTERM)
	// should the benchmark die without stopping it (Linux only).
	StopWithParent bool
}

// Proc is a server the benchmark started and must stop.
type Proc struct {
	Name string
	Log  string
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// Start starts the server in its own process group: Ctrl-C reaches the
// benchmark alone, which then stops its servers in order.
func (s Server) Start() (*Proc, error) {
	logf, err := os.Create(s.Log)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(s.Bin, s.Args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = s.Env, logf, logf
	cmd.Dir = filepath.Dir(s.Log)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if s.StopWithParent {
		stopWithParent(cmd.SysProcAttr)
	}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", s.Name, err)
	}
	p := &Proc{Name: s.Name, Log: s.Log, cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		logf.Close()
		close(p.done)
	}()
	return p, nil
}

// Exited reports whether the server has exited.
func (p *Proc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Stop asks the server to shut down, and kills it if it takes over 15
// seconds. A nil or exited server is left alone, so cleanup may call it
// whatever was started.
func (p *Proc) Stop() {
	if p == nil || p.Exited() {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// DeadErr describes a server that exited, with the last line of its log,
// which usually says why.
func (p *Proc) DeadErr() error {
	b, _ := os.ReadFile(p.Log)
	return fmt.Errorf("%s exited (%v): %s", p.Name, p.err, LastLine(b))
}

// WaitReady waits, 30 seconds at most in all, until each of urls answers
// 200 in turn, failing early should the server exit.
func (p *Proc) WaitReady(ctx context.Context, urls ...string) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for _, u := range urls {
		for {
			if p.Exited() {
				return p.DeadErr()
			}
			if resp, err := client.Get(u); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					break
				}
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s did not answer %s within 30s (log: %s)", p.Name, u, p.Log)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
	return nil
}

// CPU is the processor time the server has used so far; 0 where there is
// no /proc.
func (p *Proc) CPU() time.Duration {
	_, d := ProcCPU(p.cmd.Process.Pid)
	return d
}

// ProcCPU is a process's name and the processor time it has used (user and
// system), from /proc; "" and 0 where there is no /proc.
func ProcCPU(pid int) (string, time.Duration) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return "", 0
	}
	// The name is in parentheses and may hold any character, ')' too.
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
	// Fields after the name: state is [0], utime [11], stime [12].
	f := strings.Fields(string(b[i+2:]))
	if len(f) < 13 {
		return name, 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return name, time.Duration(ut+st) * time.Second / clockTicks
}

// clockTicks is USER_HZ, 100 on Linux whatever the kernel's own tick rate.
const clockTicks = 100

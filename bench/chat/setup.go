package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

const (
	benchDB    = "curbside_chatbench"
	benchEmail = "chatbench-member@example.org"
)

// moduleRoot is the directory of the curbside module, where builds and devdb run.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	mod := strings.TrimSpace(string(out))
	if err != nil || mod == "" || mod == os.DevNull {
		return "", errors.New("run bench/chat inside the curbside module (make bench-chat)")
	}
	return filepath.Dir(mod), nil
}

// build compiles curbside afresh, so a run measures the code as it is now.
func build(ctx context.Context, root, bins string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(bins, "curbside"), "./cmd/curbside")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./cmd/curbside: %w: %s", err, firstLines(out, 3))
	}
	return nil
}

// adminURL is DATABASE_URL, or the private cluster's database.
func adminURL(ctx context.Context, root, bins string) (string, error) {
	if u := os.Getenv("DATABASE_URL"); u != "" {
		return u, nil
	}
	cmd := exec.CommandContext(ctx, filepath.Join(bins, "curbside"), "devdb", "url")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("curbside devdb url: %w: %s", err, firstLines(stderr.Bytes(), 1))
	}
	return strings.TrimSpace(string(out)), nil
}

// createBenchDB makes an empty curbside_chatbench beside the admin database and returns its URL.
func createBenchDB(ctx context.Context, admin string) (string, error) {
	u, err := url.Parse(admin)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", errors.New("DATABASE_URL must be a postgres:// URL")
	}
	if strings.TrimPrefix(u.Path, "/") == benchDB {
		return "", fmt.Errorf("DATABASE_URL must name a database other than %s, which the benchmark drops", benchDB)
	}
	u.Path = "/" + benchDB
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer conn.Close(context.Background())
	for _, stmt := range []string{"DROP DATABASE IF EXISTS " + benchDB + " WITH (FORCE)", "CREATE DATABASE " + benchDB} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			return "", fmt.Errorf("%s: %w", stmt, err)
		}
	}
	return u.String(), nil
}

// dropBenchDB runs at the end, also after a failure or Ctrl-C, hence its own context.
func dropBenchDB(admin string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return fmt.Errorf("drop %s: %w", benchDB, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+benchDB+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop %s: %w", benchDB, err)
	}
	return nil
}

// freeAddrs returns n loopback addresses nobody listens on (yet).
func freeAddrs(n int) ([]string, error) {
	var addrs []string
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer l.Close()
		addrs = append(addrs, l.Addr().String())
	}
	return addrs, nil
}

// cleanEnv is the environment without any Curbside or database setting of the caller's.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(k, "CURBSIDE_") && k != "DATABASE_URL" && k != "TEST_DATABASE_URL" {
			env = append(env, kv)
		}
	}
	return env
}

// curbsideEnv is an instance's environment: its own address and profiler
// port, the shared database and secret.
func curbsideEnv(dbURL, addr, pprofAddr, secret, dataDir string) []string {
	return append(cleanEnv(), "DATABASE_URL="+dbURL, "CURBSIDE_ADDR="+addr, "CURBSIDE_BASE_URL=http://"+addr,
		"CURBSIDE_SECRET="+secret, "CURBSIDE_MOD_2FA=optional", "CURBSIDE_DATA_DIR="+dataDir,
		"CURBSIDE_PPROF_ADDR="+pprofAddr)
}

// prepareData migrates the bench database and creates its first verified member.
func prepareData(ctx context.Context, bins string, env []string) error {
	for _, args := range [][]string{
		{"migrate", "up"},
		{"user", "create", "--email", benchEmail, "--password", randomHex(12), "--name", "Chat Bench",
			"--verified", "--specialty", "cardiology"},
	} {
		cmd := exec.CommandContext(ctx, filepath.Join(bins, "curbside"), args...)
		cmd.Env, cmd.Dir = env, bins
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("curbside %s: %w: %s", strings.Join(args[:2], " "), err, lastLine(out))
		}
	}
	return nil
}

// member is a verified member with a live session.
type member struct {
	id    int64
	token string
}

// members creates verified members (copies of the first one) with a
// session each, in SQL, until there are n, and returns them all.
func members(ctx context.Context, conn *pgx.Conn, have []member, n int) ([]member, error) {
	if len(have) >= n {
		return have, nil
	}
	emails, hashes, tokens := []string{}, [][]byte{}, map[string]string{}
	for i := len(have); i < n; i++ {
		raw := make([]byte, 32)
		if _, err := rand.Read(raw); err != nil {
			return nil, err
		}
		token := base64.RawURLEncoding.EncodeToString(raw)
		sum := sha256.Sum256([]byte(token))
		email := benchEmail
		if i > 0 {
			email = "chatbench-" + strconv.Itoa(i) + "@example.org"
		}
		emails, hashes, tokens[email] = append(emails, email), append(hashes, sum[:]), token
	}
	_, err := conn.Exec(ctx, `INSERT INTO users (email, handle, display_name, password_hash, role, status, specialty_id)
		SELECT e, 'chatbench_' || split_part(split_part(e, '@', 1), '-', 2), 'Chat Bench ' || split_part(split_part(e, '@', 1), '-', 2),
			u.password_hash, u.role, u.status, u.specialty_id
		FROM users u, unnest($1::text[]) AS e WHERE lower(u.email) = lower($2) AND e <> $2`, emails, benchEmail)
	if err != nil {
		return nil, fmt.Errorf("insert bench members: %w", err)
	}
	rows, err := conn.Query(ctx, `INSERT INTO sessions (user_id, token_hash, issued_role, issued_status, user_agent, ip, expires_at, last_seen_at)
		SELECT u.id, t.h, u.role, u.status, 'curbside-bench-chat/1', '127.0.0.1', now() + interval '12 hours', now()
		FROM unnest($1::text[], $2::bytea[]) AS t(e, h) JOIN users u ON lower(u.email) = lower(t.e)
		RETURNING user_id, (SELECT email FROM users WHERE id = user_id)`, emails, hashes)
	if err != nil {
		return nil, fmt.Errorf("insert bench sessions: %w", err)
	}
	byEmail := map[string]member{}
	for rows.Next() {
		var id int64
		var email string
		if err := rows.Scan(&id, &email); err != nil {
			return nil, err
		}
		byEmail[email] = member{id: id, token: tokens[email]}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("insert bench sessions: %w", err)
	}
	for _, e := range emails {
		m, ok := byEmail[e]
		if !ok {
			return nil, fmt.Errorf("bench member %s has no session", e)
		}
		have = append(have, m)
	}
	return have, nil
}

// proc is a server the driver started and must stop.
type proc struct {
	name  string
	cmd   *exec.Cmd
	log   string
	base  string // http://addr
	pprof string // http://addr of its profiler
	done  chan struct{}
	err   error
}

func startServer(ctx context.Context, name, bin string, args, env []string, logPath, addr, pprofAddr string) (*proc, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = env, logf, logf
	cmd.Dir = filepath.Dir(logPath)
	// Its own process group: Ctrl-C reaches the driver, which stops the
	// server; should the driver die, the server is told to stop too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, log: logPath, base: "http://" + addr, pprof: "http://" + pprofAddr, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		logf.Close()
		close(p.done)
	}()
	if err := p.waitReady(ctx); err != nil {
		p.stop()
		return nil, err
	}
	return p, nil
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop asks the server to shut down, and kills it if it takes over 15 seconds.
func (p *proc) stop() {
	if p == nil || p.exited() {
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

// deadErr describes a server that exited, with the last line of its log.
func (p *proc) deadErr() error {
	b, _ := os.ReadFile(p.log)
	return fmt.Errorf("%s exited (%v): %s", p.name, p.err, lastLine(b))
}

// waitReady waits until the server and its profiler answer.
func (p *proc) waitReady(ctx context.Context) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for _, u := range []string{p.base + "/healthz", p.pprof + "/debug/pprof/"} {
		for {
			if p.exited() {
				return p.deadErr()
			}
			if resp, err := client.Get(u); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					break
				}
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s did not answer %s within 30s (log: %s)", p.name, u, p.log)
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

package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

const (
	benchDB    = "curbside_bench"
	benchEmail = "bench-member@example.org"
)

// moduleRoot is the directory of the curbside module, where builds and devdb run.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	mod := strings.TrimSpace(string(out))
	if err != nil || mod == "" || mod == os.DevNull {
		return "", errors.New("run the driver inside the curbside module (make bench)")
	}
	return filepath.Dir(mod), nil
}

func build(ctx context.Context, root, bins string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bins+string(filepath.Separator),
		"./cmd/curbside", "./bench/reference", "./bench/load")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %w: %s", err, firstLines(out, 3))
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

// createBenchDB makes an empty curbside_bench beside the admin database and returns its URL.
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

func twoFreeAddrs() (string, string, error) {
	var addrs []string
	for range 2 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return "", "", err
		}
		defer l.Close()
		addrs = append(addrs, l.Addr().String())
	}
	return addrs[0], addrs[1], nil
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

// curbsideEnv is the server's environment; BENCH_PPROF=host:port serves its
// profiler there, to profile the server while it is under load.
func curbsideEnv(dbURL, addr, tmp string) []string {
	env := append(cleanEnv(), "DATABASE_URL="+dbURL, "CURBSIDE_ADDR="+addr, "CURBSIDE_BASE_URL=http://"+addr,
		"CURBSIDE_SECRET="+randomHex(20), "CURBSIDE_MOD_2FA=optional", "CURBSIDE_DATA_DIR="+filepath.Join(tmp, "data"))
	if v := os.Getenv("BENCH_PPROF"); v != "" {
		env = append(env, "CURBSIDE_PPROF_ADDR="+v)
	}
	return env
}

// prepareData migrates and seeds the bench database, creates a verified
// member and opens a session for it directly in SQL, posts the bench case
// with 20 replies and files the bench consults; it returns the session
// token, the case's id and the id of the consult the member claimed.
func prepareData(ctx context.Context, bins string, env []string, dbURL string) (token string, caseID, consultID int64, err error) {
	for _, args := range [][]string{
		{"migrate", "up"},
		{"seed", "--demo"},
		{"user", "create", "--email", benchEmail, "--password", randomHex(12), "--name", "Bench Member",
			"--verified", "--specialty", "cardiology"},
	} {
		cmd := exec.CommandContext(ctx, filepath.Join(bins, "curbside"), args...)
		cmd.Env, cmd.Dir = env, bins
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", 0, 0, fmt.Errorf("curbside %s: %w: %s", strings.Join(args[:2], " "), err, lastLine(out))
		}
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return "", 0, 0, fmt.Errorf("connect to %s: %w", benchDB, err)
	}
	defer conn.Close(context.Background())
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", 0, 0, err
	}
	token = base64.RawURLEncoding.EncodeToString(raw)
	sum := sha256.Sum256([]byte(token))
	var id int64
	err = conn.QueryRow(ctx, `INSERT INTO sessions (user_id, token_hash, issued_role, issued_status, user_agent, ip, expires_at, last_seen_at)
		SELECT id, $1, role, status, 'curbside-bench-load/1', '127.0.0.1', now() + interval '12 hours', now()
		FROM users WHERE lower(email) = lower($2) RETURNING id`, sum[:], benchEmail).Scan(&id)
	if err != nil {
		return "", 0, 0, fmt.Errorf("insert the bench session: %w", err)
	}
	if caseID, err = benchCase(ctx, conn); err != nil {
		return "", 0, 0, err
	}
	consultID, err = benchConsults(ctx, conn)
	return token, caseID, consultID, err
}

// benchConsults files, as SQL, five open cardiology consults for the bench
// member's queue and one they claimed with ten messages, whose id it returns.
func benchConsults(ctx context.Context, conn *pgx.Conn) (int64, error) {
	_, err := conn.Exec(ctx, `INSERT INTO consults (requester_id, specialty_id, urgency, question, summary, summary_html, created_at)
		SELECT u.id, s.id, CASE WHEN g % 2 = 0 THEN 'urgent' ELSE 'routine' END, 'Bench question ' || g || ': anticoagulate?',
			'Summary.', '<p>Summary.</p>', now() - make_interval(mins => g)
		FROM users u, specialties s, generate_series(1, 5) AS g
		WHERE u.email = 'family@demo.curbside.test' AND s.slug = 'cardiology'`)
	if err != nil {
		return 0, fmt.Errorf("insert the bench queue: %w", err)
	}
	var id int64
	err = conn.QueryRow(ctx, `INSERT INTO consults (requester_id, specialty_id, urgency, question, summary, summary_html,
			history, medications, results, status, consultant_id, first_claimed_at)
		SELECT u.id, s.id, 'routine', 'Bench consult: new LBBB before elective surgery?', 'Walks two miles daily.',
			'<p>Walks two miles daily.</p>', 'Hypertension.', 'Amlodipine', 'QRS 146 ms', 'claimed', b.id, now()
		FROM users u, users b, specialties s
		WHERE u.email = 'family@demo.curbside.test' AND lower(b.email) = lower($1) AND s.slug = 'cardiology'
		RETURNING id`, benchEmail).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert the bench consult: %w", err)
	}
	_, err = conn.Exec(ctx, `INSERT INTO consult_messages (consult_id, author_id, body, body_html)
		SELECT $1, CASE WHEN g % 2 = 0 THEN c.requester_id ELSE c.consultant_id END, 'Message ' || g,
			'<p>Message ' || g || ': what does the <strong>echo</strong> show?</p>'
		FROM consults c, generate_series(1, 10) AS g WHERE c.id = $1`, id)
	if err != nil {
		return 0, fmt.Errorf("insert the bench consult's messages: %w", err)
	}
	_, err = conn.Exec(ctx, `INSERT INTO consult_events (consult_id, actor_id, action, from_status, to_status)
		SELECT id, requester_id, 'requested', NULL, 'open' FROM consults WHERE id = $1
		UNION ALL SELECT id, consultant_id, 'claimed', 'open', 'claimed' FROM consults WHERE id = $1`, id)
	return id, err
}

// benchCase posts a case with 20 replies by the demo members, as SQL: the
// page that reads it is what is measured, not how it was written.
func benchCase(ctx context.Context, conn *pgx.Conn) (int64, error) {
	var id int64
	err := conn.QueryRow(ctx, `INSERT INTO cases (author_id, specialty_id, title, body, body_html, reply_count, created_at, last_activity_at)
		SELECT u.id, u.specialty_id, 'Bench case: recurrent syncope in a young athlete', 'Collapsed twice during football.',
			'<p>Collapsed twice during football.</p>', 20, now(), now()
		FROM users u WHERE lower(u.email) = lower($1) RETURNING id`, benchEmail).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert the bench case: %w", err)
	}
	_, err = conn.Exec(ctx, `INSERT INTO replies (case_id, author_id, body, body_html, helpful_count)
		SELECT $1, (SELECT id FROM users WHERE email LIKE '%@demo.curbside.test' ORDER BY id OFFSET g % 5 LIMIT 1),
			'Reply ' || g || ': consider an echocardiogram and an exercise test.',
			'<p>Reply ' || g || ': consider an <strong>echocardiogram</strong> and an exercise test.</p>', g % 4
		FROM generate_series(1, 20) AS g`, id)
	if err != nil {
		return 0, fmt.Errorf("insert the bench replies: %w", err)
	}
	return id, nil
}

// proc is a server the driver started and must stop.
type proc struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
	err  error
}

func startServer(name, bin string, args, env []string, logPath string) (*proc, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = env, logf, logf
	cmd.Dir = filepath.Dir(logPath)
	// Its own process group: Ctrl-C reaches the driver, which stops the server in order.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		logf.Close()
		close(p.done)
	}()
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
	if p.exited() {
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

func waitReady(ctx context.Context, p *proc, base string) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if p.exited() {
			return p.deadErr()
		}
		if resp, err := client.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s did not answer %s/healthz within 30s (log: %s)", p.name, base, p.log)
}

// checkPages makes sure every page answers 200 to the cookie on both servers
// before measuring, and returns the CSRF token Curbside hands out.
func checkPages(ctx context.Context, paths []string, subject, reference, cookie string) (string, error) {
	client := &http.Client{Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	csrf := ""
	for _, path := range paths {
		for _, base := range []string{subject, reference} {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
			if err != nil {
				return "", err
			}
			req.Header.Set("Cookie", cookie)
			resp, err := client.Do(req)
			if err != nil {
				return "", fmt.Errorf("GET %s%s: %w", base, path, err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return "", fmt.Errorf("GET %s%s with the bench session: status %d, want 200 (location %q)",
					base, path, resp.StatusCode, resp.Header.Get("Location"))
			}
			for _, ck := range resp.Cookies() {
				if ck.Name == "curbside_csrf" && ck.Value != "" && base == subject {
					csrf = ck.Value
				}
			}
		}
	}
	return csrf, nil
}

package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"

	"curbside/bench/internal/benchenv"
)

const (
	benchDB    = "curbside_bench"
	benchEmail = "bench-member@example.org"
)

// curbsideEnv is the server's environment; BENCH_PPROF=host:port serves its
// profiler there, to profile the server while it is under load.
func curbsideEnv(dbURL, addr, tmp string) []string {
	env := benchenv.CurbsideEnv(dbURL, addr, benchenv.RandomHex(20), filepath.Join(tmp, "data"))
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
		{"user", "create", "--email", benchEmail, "--password", benchenv.RandomHex(12), "--name", "Bench Member",
			"--verified", "--specialty", "cardiology"},
	} {
		if err := benchenv.Curbside(ctx, bins, env, args...); err != nil {
			return "", 0, 0, err
		}
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return "", 0, 0, fmt.Errorf("connect to %s: %w", benchDB, err)
	}
	defer conn.Close(context.Background())
	token, hash, err := benchenv.SessionToken()
	if err != nil {
		return "", 0, 0, err
	}
	ids, err := benchenv.InsertSessions(ctx, conn, "curbside-bench-load/1", []string{benchEmail}, [][]byte{hash})
	if err != nil {
		return "", 0, 0, err
	}
	if len(ids) != 1 {
		return "", 0, 0, fmt.Errorf("insert the bench session: no member %s", benchEmail)
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

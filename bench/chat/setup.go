package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"curbside/bench/internal/benchenv"
)

const (
	benchDB    = "curbside_chatbench"
	benchEmail = "chatbench-member@example.org"
)

// curbsideEnv is an instance's environment: its own address and profiler
// port, the shared database and secret.
func curbsideEnv(dbURL, addr, pprofAddr, secret, dataDir string) []string {
	return append(benchenv.CurbsideEnv(dbURL, addr, secret, dataDir), "CURBSIDE_PPROF_ADDR="+pprofAddr)
}

// prepareData migrates the bench database and creates its first verified member.
func prepareData(ctx context.Context, bins string, env []string) error {
	for _, args := range [][]string{
		{"migrate", "up"},
		{"user", "create", "--email", benchEmail, "--password", benchenv.RandomHex(12), "--name", "Chat Bench",
			"--verified", "--specialty", "cardiology"},
	} {
		if err := benchenv.Curbside(ctx, bins, env, args...); err != nil {
			return err
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
		token, hash, err := benchenv.SessionToken()
		if err != nil {
			return nil, err
		}
		email := benchEmail
		if i > 0 {
			email = "chatbench-" + strconv.Itoa(i) + "@example.org"
		}
		emails, hashes, tokens[email] = append(emails, email), append(hashes, hash), token
	}
	_, err := conn.Exec(ctx, `INSERT INTO users (email, handle, display_name, password_hash, role, status, specialty_id)
		SELECT e, 'chatbench_' || split_part(split_part(e, '@', 1), '-', 2), 'Chat Bench ' || split_part(split_part(e, '@', 1), '-', 2),
			u.password_hash, u.role, u.status, u.specialty_id
		FROM users u, unnest($1::text[]) AS e WHERE lower(u.email) = lower($2) AND e <> $2`, emails, benchEmail)
	if err != nil {
		return nil, fmt.Errorf("insert bench members: %w", err)
	}
	ids, err := benchenv.InsertSessions(ctx, conn, "curbside-bench-chat/1", emails, hashes)
	if err != nil {
		return nil, err
	}
	for _, e := range emails {
		id, ok := ids[e]
		if !ok {
			return nil, fmt.Errorf("bench member %s has no session", e)
		}
		have = append(have, member{id: id, token: tokens[e]})
	}
	return have, nil
}

// proc is a server the driver started and must stop, with where it serves.
type proc struct {
	*benchenv.Proc
	base  string // http://addr
	pprof string // http://addr of its profiler
}

// startServer starts a server serving on addr, its profiler on pprofAddr,
// and waits until both answer. Should the driver die, the server is told
// to stop too.
func startServer(ctx context.Context, name, bin string, args, env []string, logPath, addr, pprofAddr string) (*proc, error) {
	bp, err := benchenv.Server{Name: name, Bin: bin, Args: args, Env: env, Log: logPath, StopWithParent: true}.Start()
	if err != nil {
		return nil, err
	}
	p := &proc{Proc: bp, base: "http://" + addr, pprof: "http://" + pprofAddr}
	if err := p.WaitReady(ctx, p.base+"/healthz", p.pprof+"/debug/pprof/"); err != nil {
		p.Stop()
		return nil, err
	}
	return p, nil
}

// Package benchenv is what the benchmark programs (bench/driver behind
// `make bench`, bench/chat behind `make bench-chat`) share to set up a run:
// a fresh build of curbside, a PostgreSQL database of their own that they
// drop afterwards, free loopback ports, Curbside's environment, servers they
// start and stop, and the small helpers their settings and reports use.
// It lives here once so that the two programs prepare and tear down alike.
package benchenv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Main runs run with a context that Ctrl-C or SIGTERM cancels, so that the
// program still stops its servers and drops db on the way out. A failure is
// printed on one line, after "prog: ", and exits 1; after an interruption
// the line says what was cleaned up rather than which step was cut short.
func Main(prog, db string, run func(context.Context) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx)
	if ctx.Err() != nil && err != nil {
		err = errors.New("interrupted; servers stopped, " + db + " dropped")
	}
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, prog+": "+strings.Join(strings.Fields(err.Error()), " "))
		os.Exit(1)
	}
}

// ModuleRoot is the directory of the curbside module, where builds and devdb
// run. who and how complete the error for a program started elsewhere: "run
// <who> inside the curbside module (<how>)".
func ModuleRoot(ctx context.Context, who, how string) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	mod := strings.TrimSpace(string(out))
	if err != nil || mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("run %s inside the curbside module (%s)", who, how)
	}
	return filepath.Dir(mod), nil
}

// Build compiles the packages (./cmd/curbside and any others) afresh into
// bins, so that a run measures the code as it is now.
func Build(ctx context.Context, root, bins string, pkgs ...string) error {
	cmd := exec.CommandContext(ctx, "go", append([]string{"build", "-o", bins + string(filepath.Separator)}, pkgs...)...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %w: %s", strings.Join(pkgs, " "), err, FirstLines(out, 3))
	}
	return nil
}

// AdminURL is DATABASE_URL, or the private cluster's database, which only
// the curbside binary in bins knows how to find.
func AdminURL(ctx context.Context, root, bins string) (string, error) {
	if u := os.Getenv("DATABASE_URL"); u != "" {
		return u, nil
	}
	cmd := exec.CommandContext(ctx, filepath.Join(bins, "curbside"), "devdb", "url")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("curbside devdb url: %w: %s", err, FirstLines(stderr.Bytes(), 1))
	}
	return strings.TrimSpace(string(out)), nil
}

// CreateDB makes an empty database called name beside the admin database,
// dropping any left by an earlier run, and returns its URL. It refuses an
// admin URL that names that database, which the benchmark will drop.
func CreateDB(ctx context.Context, admin, name string) (string, error) {
	u, err := url.Parse(admin)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", errors.New("DATABASE_URL must be a postgres:// URL")
	}
	if strings.TrimPrefix(u.Path, "/") == name {
		return "", fmt.Errorf("DATABASE_URL must name a database other than %s, which the benchmark drops", name)
	}
	u.Path = "/" + name
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer conn.Close(context.Background())
	for _, stmt := range []string{"DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", "CREATE DATABASE " + name} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			return "", fmt.Errorf("%s: %w", stmt, err)
		}
	}
	return u.String(), nil
}

// DropDB drops the database called name. It runs at the end, also after a
// failure or Ctrl-C, hence its own context rather than the run's.
func DropDB(admin, name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return fmt.Errorf("drop %s: %w", name, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop %s: %w", name, err)
	}
	return nil
}

// FreeAddrs returns n loopback addresses nobody listens on (yet): the
// listeners stay open until all n are found, so the n differ.
func FreeAddrs(n int) ([]string, error) {
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

// CleanEnv is the environment without any Curbside or database setting of
// the caller's, which would otherwise leak into the servers measured.
func CleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(k, "CURBSIDE_") && k != "DATABASE_URL" && k != "TEST_DATABASE_URL" {
			env = append(env, kv)
		}
	}
	return env
}

// CurbsideEnv is the environment of a curbside instance on the bench
// database, serving on addr (loopback, plain HTTP); two-factor sign-in is
// optional so the bench members need none.
func CurbsideEnv(dbURL, addr, secret, dataDir string) []string {
	return append(CleanEnv(), "DATABASE_URL="+dbURL, "CURBSIDE_ADDR="+addr, "CURBSIDE_BASE_URL=http://"+addr,
		"CURBSIDE_SECRET="+secret, "CURBSIDE_MOD_2FA=optional", "CURBSIDE_DATA_DIR="+dataDir)
}

// Curbside runs bins/curbside with args (a subcommand such as migrate up)
// in env; a failure names the subcommand and ends with its last line.
func Curbside(ctx context.Context, bins string, env []string, args ...string) error {
	cmd := exec.CommandContext(ctx, filepath.Join(bins, "curbside"), args...)
	cmd.Env, cmd.Dir = env, bins
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("curbside %s: %w: %s", strings.Join(args[:min(2, len(args))], " "), err, LastLine(out))
	}
	return nil
}

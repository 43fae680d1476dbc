package db

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// LocalCluster is a private PostgreSQL cluster for development and tests,
// kept under a project directory and listening on loopback only.
type LocalCluster struct {
	// Root is the project's data directory (".data"); the cluster lives in Root/postgres.
	Root string
}

const clusterDB = "curbside"

// dataDir is where the cluster's files live. When running as root the
// cluster runs as an unprivileged user, who must be able to reach it; if a
// parent directory is closed to others, the cluster moves under the temp dir.
func (lc LocalCluster) dataDir() (string, error) {
	root, err := filepath.Abs(lc.Root)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(root, "postgres")
	if os.Geteuid() == 0 && !reachableByOthers(filepath.Dir(root)) {
		sum := sha256.Sum256([]byte(root))
		dir = filepath.Join(os.TempDir(), "curbside-pg-"+hex.EncodeToString(sum[:6]), "postgres")
	}
	return dir, nil
}

// AppURL starts the cluster (see Ensure), creates the application's database
// unless it exists, and returns its URL.
func (lc LocalCluster) AppURL(ctx context.Context) (string, error) {
	admin, err := lc.Ensure(ctx)
	if err != nil {
		return "", err
	}
	if err := CreateDatabase(ctx, admin, clusterDB, ""); err != nil {
		return "", err
	}
	return WithDatabase(admin, clusterDB), nil
}

// Ensure creates the cluster if needed, starts it if stopped and returns the
// URL of its maintenance database. Concurrent callers (parallel test
// binaries) are serialised with a file lock.
func (lc LocalCluster) Ensure(ctx context.Context) (string, error) {
	if err := os.MkdirAll(lc.Root, 0o711); err != nil {
		return "", err
	}
	unlock, err := lockFile(filepath.Join(lc.Root, "cluster.lock"))
	if err != nil {
		return "", err
	}
	defer unlock()

	dir, err := lc.dataDir()
	if err != nil {
		return "", err
	}
	bin, err := findPGBin()
	if err != nil {
		return "", err
	}
	owner, err := clusterOwner()
	if err != nil {
		return "", err
	}
	urlFile := filepath.Join(lc.Root, "postgres.url")
	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := initCluster(bin, dir, owner, urlFile); err != nil {
			return "", err
		}
	}
	raw, err := os.ReadFile(urlFile)
	if err != nil {
		return "", fmt.Errorf("read %s (delete %s to start afresh): %w", urlFile, dir, err)
	}
	url := strings.TrimSpace(string(raw))
	if !pingURL(ctx, url) {
		if err := runAs(owner, filepath.Join(bin, "pg_ctl"), "-D", dir, "-l", filepath.Join(dir, "server.log"), "-w", "-t", "60", "start"); err != nil {
			return "", fmt.Errorf("start local PostgreSQL (see %s): %w", filepath.Join(dir, "server.log"), err)
		}
	}
	return url, nil
}

// Stop stops the cluster if it runs.
func (lc LocalCluster) Stop() error {
	dir, err := lc.dataDir()
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); err != nil {
		return nil
	}
	bin, err := findPGBin()
	if err != nil {
		return err
	}
	owner, err := clusterOwner()
	if err != nil {
		return err
	}
	if runAs(owner, filepath.Join(bin, "pg_ctl"), "-D", dir, "status") != nil {
		return nil
	}
	return runAs(owner, filepath.Join(bin, "pg_ctl"), "-D", dir, "-m", "fast", "-w", "stop")
}

func initCluster(bin, dir string, owner *user.User, urlFile string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := os.Chmod(filepath.Dir(dir), 0o711); err != nil {
		return err
	}
	if err := chownTo(owner, dir, 0o700); err != nil {
		return err
	}
	password := randomHex(16)
	pwFile := filepath.Join(dir, "..", "initdb.pw")
	if err := os.WriteFile(pwFile, []byte(password+"\n"), 0o600); err != nil {
		return err
	}
	defer os.Remove(pwFile)
	if err := chownTo(owner, pwFile, 0o600); err != nil {
		return err
	}
	err := runAs(owner, filepath.Join(bin, "initdb"), "-D", dir, "-U", "curbside", "--pwfile", pwFile,
		"--auth-host=scram-sha-256", "--auth-local=peer", "-E", "UTF8", "--no-locale", "--no-instructions")
	if err != nil {
		os.RemoveAll(dir)
		return fmt.Errorf("initdb: %w", err)
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	conf := fmt.Sprintf("\n# Curbside private cluster\nlisten_addresses = '127.0.0.1'\nport = %d\n"+
		"unix_socket_directories = ''\nmax_connections = 300\nsynchronous_commit = off\n"+
		"shared_buffers = 128MB\nlog_min_messages = warning\n", port)
	f, err := os.OpenFile(filepath.Join(dir, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(conf); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	url := fmt.Sprintf("postgres://curbside:%s@127.0.0.1:%d/postgres?sslmode=disable", password, port)
	return os.WriteFile(urlFile, []byte(url+"\n"), 0o600)
}

// findPGBin locates the directory holding initdb and pg_ctl.
func findPGBin() (string, error) {
	var candidates []string
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		candidates = append(candidates, strings.TrimSpace(string(out)))
	}
	versions, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(versions, func(i, j int) bool { return pgVersion(versions[i]) > pgVersion(versions[j]) })
	candidates = append(candidates, versions...)
	if p, err := exec.LookPath("initdb"); err == nil {
		candidates = append(candidates, filepath.Dir(p))
	}
	for _, dir := range candidates {
		if isExecutable(filepath.Join(dir, "initdb")) && isExecutable(filepath.Join(dir, "pg_ctl")) {
			return dir, nil
		}
	}
	return "", errors.New("no PostgreSQL server binaries found (install the postgresql package, or set DATABASE_URL)")
}

func pgVersion(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

func isExecutable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0
}

// clusterOwner is the account the server runs as: the caller, or an
// unprivileged system account when the caller is root (initdb refuses root).
func clusterOwner() (*user.User, error) {
	if os.Geteuid() != 0 {
		return user.Current()
	}
	for _, name := range []string{"postgres", "nobody"} {
		if u, err := user.Lookup(name); err == nil {
			return u, nil
		}
	}
	return nil, errors.New("running as root and no unprivileged account (postgres or nobody) to run PostgreSQL as")
}

func runAs(owner *user.User, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = os.TempDir()
	if os.Geteuid() == 0 {
		uid, _ := strconv.Atoi(owner.Uid)
		gid, _ := strconv.Atoi(owner.Gid)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
		cmd.Env = append(os.Environ(), "HOME="+os.TempDir(), "USER="+owner.Username)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w: %s", filepath.Base(name), err, strings.TrimSpace(string(out)))
	}
	return nil
}

func chownTo(owner *user.User, path string, mode os.FileMode) error {
	if err := os.Chmod(path, mode); err != nil {
		return err
	}
	if os.Geteuid() != 0 {
		return nil
	}
	uid, _ := strconv.Atoi(owner.Uid)
	gid, _ := strconv.Atoi(owner.Gid)
	return os.Chown(path, uid, gid)
}

// reachableByOthers reports whether every directory from / down to dir can be
// traversed by an unprivileged account.
func reachableByOthers(dir string) bool {
	for d := dir; ; d = filepath.Dir(d) {
		st, err := os.Stat(d)
		if err != nil || st.Mode().Perm()&0o001 == 0 {
			return false
		}
		if d == filepath.Dir(d) {
			return true
		}
	}
}

func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func pingURL(ctx context.Context, url string) bool {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return false
	}
	conn.Close(ctx)
	return true
}

// CreateDatabase creates name on the server behind adminURL unless it exists,
// copying template when one is named.
func CreateDatabase(ctx context.Context, adminURL, name, template string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("connect to local PostgreSQL: %w", err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	stmt := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize()
	if template != "" {
		stmt += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	}
	_, err = conn.Exec(ctx, stmt)
	return err
}

// WithDatabase returns url pointing at another database on the same server.
func WithDatabase(url, name string) string {
	i := strings.LastIndex(url, "/")
	q := ""
	if j := strings.Index(url[i:], "?"); j >= 0 {
		q = url[i+j:]
	}
	return url[:i+1] + name + q
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

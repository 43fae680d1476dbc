// Package testdb gives each test a migrated PostgreSQL database of its own.
//
// The server is TEST_DATABASE_URL or DATABASE_URL when set (the role needs
// CREATEDB), else the project's private cluster under .data/, started on
// demand. Migrations run once into a template database named after their
// content; each test's database is a copy of it, dropped when the test ends.
// There is no fallback: without PostgreSQL the test fails.
package testdb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"curbside/app/db"
	"curbside/migrations"
)

var (
	serverOnce sync.Once
	adminURL   string
	serverErr  error
)

// server returns the URL of a maintenance database on the test server.
func server() (string, error) {
	serverOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		for _, env := range []string{"TEST_DATABASE_URL", "DATABASE_URL"} {
			if u := os.Getenv(env); u != "" {
				adminURL = u
				return
			}
		}
		root, err := moduleRoot()
		if err != nil {
			serverErr = err
			return
		}
		adminURL, serverErr = db.LocalCluster{Root: filepath.Join(root, ".data")}.Ensure(ctx)
	})
	return adminURL, serverErr
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// templateName names the migrated template after the migrations' content, so
// a changed migration gets a fresh template.
func templateName() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, p)
		h.Write([]byte(p))
		h.Write(b)
		return err
	})
	return "curbside_tpl_" + hex.EncodeToString(h.Sum(nil)[:6]), err
}

var (
	templateOnce sync.Once
	tplName      string
	templateErr  error
)

// ensureTemplate creates and migrates the template database once per server,
// guarded by an advisory lock against other test binaries running at once.
func ensureTemplate(ctx context.Context, admin string) (string, error) {
	templateOnce.Do(func() {
		tplName, templateErr = templateName()
		if templateErr != nil {
			return
		}
		templateErr = withAdvisoryLock(ctx, admin, func(conn *pgx.Conn) error {
			var ready bool
			err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)", tplName).Scan(&ready)
			if err != nil || ready {
				return err
			}
			if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{tplName}.Sanitize()+" WITH (FORCE)"); err != nil {
				return err
			}
			if err := db.CreateDatabase(ctx, admin, tplName, ""); err != nil {
				return err
			}
			gdb, err := db.Open(ctx, db.WithDatabase(admin, tplName), db.PoolOptions{MaxOpen: 2, MaxIdle: 1})
			if err != nil {
				return err
			}
			err = db.MigrateUp(ctx, gdb, io.Discard)
			db.Close(gdb)
			if err != nil {
				return err
			}
			_, err = conn.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{tplName}.Sanitize()+" WITH is_template true")
			return err
		})
	})
	return tplName, templateErr
}

func withAdvisoryLock(ctx context.Context, admin string, fn func(*pgx.Conn) error) error {
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(727274)"); err != nil {
		return err
	}
	defer conn.Exec(context.Background(), "SELECT pg_advisory_unlock(727274)")
	return fn(conn)
}

// DB is a test's own database.
type DB struct {
	*gorm.DB
	URL string
}

// New creates a migrated database for t and drops it when t ends.
func New(t testing.TB) *DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin, err := server()
	if err != nil {
		t.Fatalf("testdb: no PostgreSQL for tests: %v", err)
	}
	tpl, err := ensureTemplate(ctx, admin)
	if err != nil {
		t.Fatalf("testdb: prepare template database: %v", err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "curbside_test_" + hex.EncodeToString(b)
	if err := db.CreateDatabase(ctx, admin, name, tpl); err != nil {
		t.Fatalf("testdb: create %s: %v", name, err)
	}
	url := db.WithDatabase(admin, name)
	gdb, err := db.Open(ctx, url, db.PoolOptions{MaxOpen: 8, MaxIdle: 4})
	if err != nil {
		t.Fatalf("testdb: open %s: %v", name, err)
	}
	t.Cleanup(func() {
		db.Close(gdb)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Errorf("testdb: drop %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("testdb: drop %s: %v", name, err)
		}
	})
	return &DB{DB: gdb, URL: url}
}

// Command reference is the bare baseline the load benchmark compares
// Curbside with: net/http, a pgx pool sized like Curbside's and html/template.
// Every path but /healthz is a signed-in page: one query resolves the
// curbside_session cookie to its member, another reads 20 rows, and the page
// lists them under the member's name. Without a live session it answers 303
// to /login. /healthz answers "ok" and touches nothing.
//
//	DATABASE_URL=postgres://... go run ./bench/reference -addr 127.0.0.1:8081
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// sessionQuery resolves a token to its member in one round trip.
const sessionQuery = `SELECT u.id, u.display_name
FROM sessions s JOIN users u ON u.id = s.user_id
WHERE s.token_hash = $1 AND s.expires_at > now() AND u.status <> 'suspended'`

const rowsQuery = `SELECT id, slug, name FROM specialties ORDER BY name LIMIT 20`

var page = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} · Curbside reference</title></head>
<body><header><a href="/">Curbside</a> <span>Signed in as {{.Name}}</span></header>
<main><h1>{{.Title}}</h1><ul>
{{range .Rows}}<li><a href="/cases?specialty={{.Slug}}">{{.Name}}</a> <small>#{{.ID}}</small></li>
{{end}}</ul></main></body></html>
`))

type row struct {
	ID   int16
	Slug string
	Name string
}

type view struct {
	Title string
	Name  string
	Rows  []row
}

type server struct{ pool *pgxpool.Pool }

func main() {
	fs := flag.NewFlagSet("reference", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	addr := fs.String("addr", envOr("BENCH_REFERENCE_ADDR", "127.0.0.1:8081"), "listen address (env BENCH_REFERENCE_ADDR)")
	dbURL := fs.String("db", os.Getenv("DATABASE_URL"), "PostgreSQL URL (env DATABASE_URL)")
	if err := fs.Parse(os.Args[1:]); err != nil {
		fail(fmt.Errorf("%w (flags: -addr -db)", err))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, *addr, *dbURL)
	stop()
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "reference: "+err.Error())
	os.Exit(1)
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func run(ctx context.Context, addr, dbURL string) error {
	if dbURL == "" {
		return errors.New("set DATABASE_URL or -db")
	}
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return fmt.Errorf("parse database URL: %w", err)
	}
	cfg.MaxConns = 20 // Curbside's db.DefaultPool.MaxOpen
	cfg.ConnConfig.RuntimeParams["application_name"] = "curbside-reference"
	cfg.ConnConfig.ConnectTimeout = 10 * time.Second
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("connect to database: %w", err)
	}
	defer pool.Close()
	if err := pool.Ping(ctx); err != nil {
		return fmt.Errorf("connect to database: %w", err)
	}

	s := &server{pool: pool}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /", s.signedIn)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 120 * time.Second,
		ErrorLog: log.New(os.Stderr, "reference: ", 0)}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintln(os.Stderr, "reference: serving on http://"+ln.Addr().String())
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

// signedIn renders the member's page, or sends a visitor without a live session to /login.
func (s *server) signedIn(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ck, err := r.Cookie("curbside_session")
	if err != nil || ck.Value == "" || len(ck.Value) > 100 {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	sum := sha256.Sum256([]byte(ck.Value))
	var userID int64
	v := view{Title: r.URL.Path}
	err = s.pool.QueryRow(ctx, sessionQuery, sum[:]).Scan(&userID, &v.Name)
	if errors.Is(err, pgx.ErrNoRows) {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	} else if err != nil {
		serverError(w, err)
		return
	}
	rows, err := s.pool.Query(ctx, rowsQuery)
	if err != nil {
		serverError(w, err)
		return
	}
	v.Rows, err = pgx.CollectRows(rows, pgx.RowToStructByPos[row])
	if err != nil {
		serverError(w, err)
		return
	}
	var buf bytes.Buffer // render fully first, as Curbside does, so an error never sends half a page
	if err := page.Execute(&buf, v); err != nil {
		serverError(w, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	h.Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

func serverError(w http.ResponseWriter, err error) {
	fmt.Fprintln(os.Stderr, "reference: "+err.Error())
	http.Error(w, "internal error", http.StatusInternalServerError)
}

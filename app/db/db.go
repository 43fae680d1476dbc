// Package db opens the PostgreSQL connection, runs migrations and, for local
// use and tests, manages a private PostgreSQL cluster.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// PoolOptions bounds the connection pool.
type PoolOptions struct {
	MaxOpen int
	MaxIdle int
}

// DefaultPool suits one server instance; several instances share the
// server's max_connections. Idle connections are kept up to the maximum:
// under a burst, a pool that closes what it cannot keep idle opens them
// again a moment later, and PostgreSQL's backend start-up is far dearer
// than an idle connection.
var DefaultPool = PoolOptions{MaxOpen: 20, MaxIdle: 20}

// Open connects to PostgreSQL with server-side timeouts so that no query or
// forgotten transaction can hold a connection for ever.
func Open(ctx context.Context, url string, pool PoolOptions) (*gorm.DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse DATABASE_URL: %w", err)
	}
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	setDefault(cfg.RuntimeParams, "statement_timeout", "30s")
	setDefault(cfg.RuntimeParams, "idle_in_transaction_session_timeout", "60s")
	setDefault(cfg.RuntimeParams, "application_name", "curbside")
	cfg.ConnectTimeout = 10 * time.Second

	sqlDB := stdlib.OpenDB(*cfg)
	sqlDB.SetMaxOpenConns(pool.MaxOpen)
	sqlDB.SetMaxIdleConns(pool.MaxIdle)
	sqlDB.SetConnMaxLifetime(30 * time.Minute)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	if err := sqlDB.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	gdb, err := gorm.Open(postgres.New(postgres.Config{Conn: sqlDB}), &gorm.Config{
		Logger:         newLogger(),
		TranslateError: true,
		NowFunc:        func() time.Time { return time.Now().UTC() },
	})
	if err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("open gorm: %w", err)
	}
	openGate(gdb.Config.ConnPool, pool.MaxOpen)
	return gdb, nil
}

// Close closes the pool under a GORM handle.
func Close(gdb *gorm.DB) error {
	sqlDB, err := gdb.DB()
	if err != nil {
		return err
	}
	gates.Delete(gdb.Config.ConnPool)
	return sqlDB.Close()
}

// SQL returns the *sql.DB under a GORM handle.
func SQL(gdb *gorm.DB) *sql.DB {
	sqlDB, err := gdb.DB()
	if err != nil {
		panic(err) // only happens for a handle not built by Open
	}
	return sqlDB
}

// slowQuery is when a query is worth a line in the log.
const slowQuery = 500 * time.Millisecond

// newLogger logs slow queries and errors without their parameters, which may
// hold clinical text.
func newLogger() logger.Interface {
	return quietLogger{logger.NewSlogLogger(slog.Default(), logger.Config{
		SlowThreshold:             slowQuery,
		LogLevel:                  logger.Warn,
		IgnoreRecordNotFoundError: true,
		ParameterizedQueries:      true,
	})}
}

// quietLogger skips GORM's logger for the statements it would not log:
// that one renders every statement's SQL before deciding, which on a busy
// server costs more than the log lines ever do.
type quietLogger struct{ logger.Interface }

func (q quietLogger) LogMode(level logger.LogLevel) logger.Interface {
	return quietLogger{q.Interface.LogMode(level)}
}

func (q quietLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	if (err == nil || errors.Is(err, gorm.ErrRecordNotFound)) && time.Since(begin) <= slowQuery {
		return
	}
	q.Interface.Trace(ctx, begin, fc, err)
}

func setDefault(m map[string]string, k, v string) {
	if _, ok := m[k]; !ok {
		m[k] = v
	}
}

// Scan and Row run through GORM's trace recorder, which has its own
// parameter filter: blank it too, or their parameters would reach the log.
func init() {
	logger.RecorderParamsFilter = func(_ context.Context, sql string, _ ...any) (string, []any) { return sql, nil }
}

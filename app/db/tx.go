package db

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
)

// txKey marks the transaction a context carries.
type txKey struct{}

// Tx runs fn in a transaction and hands it a context that carries it. When
// ctx already carries one, fn joins it: the outermost caller commits or
// rolls back everything, so services compose without passing handles.
func Tx(ctx context.Context, gdb *gorm.DB, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return fn(ctx)
	}
	return gdb.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return fn(context.WithValue(ctx, txKey{}, tx))
	})
}

// Conn returns the transaction ctx carries, or gdb outside one, bound to ctx.
func Conn(ctx context.Context, gdb *gorm.DB) *gorm.DB {
	if tx, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return tx.WithContext(ctx)
	}
	return gdb.WithContext(ctx)
}

// QueryRow runs a hand-written query (placeholders $1, $2, …) on the
// transaction ctx carries, or on gdb's pool, scanned by the caller without
// GORM's statement building; ScanRow uses it inside a transaction.
func QueryRow(ctx context.Context, gdb *gorm.DB, query string, args ...any) *sql.Row {
	countDirect(gdb)
	begin := time.Now()
	row := Conn(ctx, gdb).Statement.ConnPool.QueryRowContext(ctx, query, args...)
	trace(ctx, gdb, begin, query, row.Err())
	return row
}

// ScanRow is QueryRow and its Scan in one, for the query on every request's
// path: it takes its turn at the pool's gate (gate.go) and, outside a
// transaction, scans with pgx itself rather than through database/sql's
// conversions. No row is sql.ErrNoRows either way.
func ScanRow(ctx context.Context, gdb *gorm.DB, query string, args []any, dest ...any) error {
	if _, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return QueryRow(ctx, gdb, query, args...).Scan(dest...)
	}
	leave, err := enter(ctx, gdb)
	if err != nil {
		return err
	}
	defer leave()
	countDirect(gdb)
	begin := time.Now()
	err = withPgx(ctx, gdb, func(c *pgx.Conn) error { return c.QueryRow(ctx, query, args...).Scan(dest...) })
	if errors.Is(err, pgx.ErrNoRows) {
		trace(ctx, gdb, begin, query, nil) // no row is an answer, not a failure to log
		return sql.ErrNoRows
	}
	trace(ctx, gdb, begin, query, err)
	return err
}

// trace hands a statement run beside GORM to its logger, which logs the
// slow and the failed ones as it does its own.
func trace(ctx context.Context, gdb *gorm.DB, begin time.Time, query string, err error) {
	if gdb.Logger != nil {
		gdb.Logger.Trace(ctx, begin, func() (string, int64) { return query, -1 }, err)
	}
}

package db

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"

	"curbside/app/apperr"
)

// ErrBatchInTx is Batch's answer inside a transaction, whose connection
// database/sql does not hand out.
var ErrBatchInTx = errors.New("db.Batch cannot join a transaction")

// Batch sends the batch's queries (placeholders $1, $2, …) to PostgreSQL in
// one round trip on a pooled connection and lets read take the results in
// order: for a page that needs several independent reads on every request.
// Each query counts for the query-count guard.
func Batch(ctx context.Context, gdb *gorm.DB, b *pgx.Batch, read func(pgx.BatchResults) error) (err error) {
	if _, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return ErrBatchInTx
	}
	leave, err := enter(ctx, gdb)
	if err != nil {
		return err
	}
	defer leave()
	for range b.Len() {
		countDirect(gdb)
	}
	begin := time.Now()
	defer func() {
		logged := err
		if errors.Is(err, pgx.ErrNoRows) || errors.Is(err, apperr.ErrNotFound) {
			logged = nil // a missing row is an answer (a 404), not a failure to log
		}
		trace(ctx, gdb, begin, "batch of "+strconv.Itoa(b.Len())+" queries", logged)
	}()
	return withPgx(ctx, gdb, func(c *pgx.Conn) error {
		results := c.SendBatch(ctx, b)
		if err := read(results); err != nil {
			results.Close()
			return err
		}
		return results.Close()
	})
}

// withPgx lends fn a pooled connection as pgx's own.
func withPgx(ctx context.Context, gdb *gorm.DB, fn func(*pgx.Conn) error) error {
	sqlDB, err := gdb.DB()
	if err != nil {
		return err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(driverConn any) error {
		c, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("db: a %T is not pgx's", driverConn)
		}
		return fn(c.Conn())
	})
}

// A Rider is a page's reads sent with the session lookup, on its round
// trip, so that a page read on every visit costs one round trip in all. They
// cannot wait for the lookup's answer: they name the session by its token's
// hash instead (the key). Whoever uses what a rider read must first check
// that it answered for the session the lookup authenticated, and a rider
// that reads what a page's access rule guards must apply that rule in its
// own SQL: it runs before the web layer applies it.
type Rider interface {
	// Ride queues the rider's statements on b.
	Ride(b *pgx.Batch, key []byte)
	// Read takes their results, in the order Ride queued them.
	Read(res pgx.BatchResults) error
}

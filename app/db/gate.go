package db

import (
	"context"
	"sync"

	"gorm.io/gorm"
)

// The hot path's queries (ScanRow, Batch) take their turn at a gate as wide
// as the pool before they take a connection: database/sql hands a freed
// connection to a random waiter, so under a burst some requests waited many
// turns while others waited none; the gate serves them in order.
var gates sync.Map // the pool (gorm.ConnPool) → chan struct{}

func openGate(pool gorm.ConnPool, width int) { gates.Store(pool, make(chan struct{}, width)) }

// enter waits for a turn at gdb's gate and returns the function that ends
// it; inside a transaction, whose connection is held already, it waits for
// nothing.
func enter(ctx context.Context, gdb *gorm.DB) (func(), error) {
	if _, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return func() {}, nil
	}
	g, ok := gates.Load(gdb.Config.ConnPool)
	if !ok {
		return func() {}, nil
	}
	turn := g.(chan struct{})
	select {
	case turn <- struct{}{}:
		return func() { <-turn }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

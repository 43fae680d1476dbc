// Package pubsub carries small messages between server instances through
// PostgreSQL LISTEN/NOTIFY.
//
// Delivery is at most once: notifications sent while a listener's connection
// is down are lost. Subscribers therefore keep their state in tables, use
// notifications as hints ("room:42 has news"), and catch up from the tables
// when their Handler's Resync is called.
package pubsub

import (
	"context"

	"gorm.io/gorm"
)

// Handler receives what arrives on one channel. Both functions run on the
// listener's goroutine, one call at a time and in order, so they must return
// quickly: a slow handler delays every other subscriber. Hand long work to
// another goroutine. Either function may be nil.
type Handler struct {
	// Notify is called with the payload of each notification on the channel.
	Notify func(payload string)
	// Resync is called once the listener is LISTENing for this subscription:
	// first after Subscribe, then after every reconnection. Notifications
	// sent before it was called may have been missed, so the subscriber
	// catches up from its tables here. It comes before any Notify on the
	// same connection.
	Resync func()
}

// Bus carries small messages between server instances, so that another
// transport (NATS, say) could replace PostgreSQL later.
type Bus interface {
	// Publish sends payload to every subscriber of channel on every instance.
	// Inside a db.Tx it is sent when the transaction commits, and not at all
	// if it rolls back; a replacement must keep that (an outbox, for one).
	Publish(ctx context.Context, channel, payload string) error
	// Subscribe calls h for channel until unsubscribe is called.
	Subscribe(channel string, h Handler) (unsubscribe func())
}

// PGBus is a Bus over PostgreSQL: it publishes through a GORM handle and
// receives through a Listener, whose Run the caller starts.
type PGBus struct {
	gdb *gorm.DB
	l   *Listener
}

var _ Bus = (*PGBus)(nil)

// NewPGBus returns a Bus that publishes through gdb and subscribes through l.
func NewPGBus(gdb *gorm.DB, l *Listener) *PGBus { return &PGBus{gdb: gdb, l: l} }

// Publish sends payload on channel; see the package-level Publish.
func (b *PGBus) Publish(ctx context.Context, channel, payload string) error {
	return Publish(ctx, b.gdb, channel, payload)
}

// Subscribe calls h for channel; see Listener.Subscribe.
func (b *PGBus) Subscribe(channel string, h Handler) (unsubscribe func()) {
	return b.l.Subscribe(channel, h)
}

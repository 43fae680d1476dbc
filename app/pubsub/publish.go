package pubsub

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"curbside/app/db"
)

// MaxPayload is the longest payload accepted, in bytes. PostgreSQL refuses
// 8000 and more; the margin keeps callers clear of that edge.
const MaxPayload = 7900

// maxChannel is PostgreSQL's identifier limit (NAMEDATALEN-1); longer names
// would be silently truncated by LISTEN but not by pg_notify.
const maxChannel = 63

var (
	// ErrInvalidChannel rejects a channel name that is not 1 to 63 bytes of
	// lower-case ASCII letters, digits and underscores.
	ErrInvalidChannel = errors.New("pubsub: invalid channel name")
	// ErrPayloadTooLarge rejects a payload over MaxPayload bytes.
	ErrPayloadTooLarge = errors.New("pubsub: payload too large")
)

// Publish sends payload to every listener on channel. It runs through
// db.Conn, so inside a db.Tx PostgreSQL delivers it on commit and drops it
// on rollback: subscribers never hear of rows they cannot read yet.
func Publish(ctx context.Context, gdb *gorm.DB, channel, payload string) error {
	if err := checkChannel(channel); err != nil {
		return err
	}
	if len(payload) > MaxPayload {
		return fmt.Errorf("%w: %d bytes on %s, at most %d", ErrPayloadTooLarge, len(payload), channel, MaxPayload)
	}
	if err := db.Conn(ctx, gdb).Exec("SELECT pg_notify(?, ?)", channel, payload).Error; err != nil {
		return fmt.Errorf("pubsub: publish on %s: %w", channel, err)
	}
	return nil
}

// checkChannel keeps channel names to one harmless spelling, so that the same
// name means the same channel to LISTEN (an identifier) and pg_notify (text).
func checkChannel(ch string) error {
	if ch == "" || len(ch) > maxChannel {
		return fmt.Errorf("%w: %q must be 1 to %d bytes", ErrInvalidChannel, ch, maxChannel)
	}
	for i := 0; i < len(ch); i++ {
		c := ch[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_') {
			return fmt.Errorf("%w: %q may hold only a-z, 0-9 and _", ErrInvalidChannel, ch)
		}
	}
	return nil
}

package chat

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"curbside/app/db"
)

// Messages are stored by group commit: the sends that arrive while a
// statement is in flight are written together by the next one, in one
// round trip and one commit, with each room's row locked once and one
// announcement per room, instead of one of each per message. A send alone
// is written at once, so a quiet room waits for nothing.

// storeStatements bounds the statements in flight per instance. One, so
// that the next batch gathers while it runs: measured with 8 senders, two
// made batches smaller and cost PostgreSQL half as much again per message
// (their statements wait on the same room's row); a delay before a
// statement to let more join cost more than it gathered.
const storeStatements = 1

// storeBatch bounds the messages one statement writes.
const storeBatch = 256

// storeTimeout bounds a statement; it does not end with the context of the
// send that runs it, since it writes other members' messages too.
const storeTimeout = 10 * time.Second

// storeStatement writes a batch. For each message it locks the room's row
// (rooms in id order, so that statements never wait for each other in a
// circle), but only an open room that the author may write in; it draws
// the ids only then, so a room's ids commit in order. A client id stored
// before stores nothing. Each room's newest id is announced, which
// PostgreSQL delivers on commit.
const storeStatement = `WITH input AS (
		SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::bool[], $7::timestamptz[])
			WITH ORDINALITY AS i(slug, author_id, client_id, body, body_html, phi_ack, created_at, ord)),
	rooms AS MATERIALIZED (SELECT r.id, r.slug, r.kind FROM chat_rooms r
		WHERE r.slug = ANY($1::text[]) AND r.closed_at IS NULL ORDER BY r.id FOR UPDATE),
	stored AS (INSERT INTO chat_messages (room_id, author_id, client_id, body, body_html, phi_ack, created_at)
		SELECT r.id, i.author_id, i.client_id, i.body, i.body_html, i.phi_ack, i.created_at
		FROM input i JOIN rooms r ON r.slug = i.slug
		WHERE r.kind IN ('general', 'lounge') OR EXISTS (SELECT 1 FROM chat_members m WHERE m.room_id = r.id AND m.user_id = i.author_id)
		ORDER BY i.ord
		ON CONFLICT (author_id, client_id) DO NOTHING
		RETURNING id, room_id, author_id, client_id, created_at),
	announced AS MATERIALIZED (SELECT room_id, pg_notify($8, 'm:' || room_id || ':' || max(id)) FROM stored GROUP BY room_id)
	SELECT s.id, s.room_id, s.author_id, s.client_id, s.created_at FROM stored s JOIN announced a ON a.room_id = s.room_id`

// unsaved is a message on its way to the table.
type unsaved struct {
	msg    *Message
	phiAck bool
	stored bool
	err    error
	// lead hands the waiting send either nothing (its batch was written) or
	// the batch it is to write.
	lead chan []*unsaved
}

// storer gathers sends into statements.
type storer struct {
	db       *gorm.DB
	mu       sync.Mutex
	inFlight int
	waiting  []*unsaved
}

// write stores m (its ID and CreatedAt set) and reports whether it was
// written: false when the room is closed, not the author's to write in, or
// the client id was stored before.
func (st *storer) write(ctx context.Context, m *Message, phiAck bool) (bool, error) {
	u := &unsaved{msg: m, phiAck: phiAck}
	st.mu.Lock()
	if st.inFlight < storeStatements {
		st.inFlight++
		st.mu.Unlock()
		st.run(ctx, []*unsaved{u})
		return u.stored, u.err
	}
	u.lead = make(chan []*unsaved, 1)
	st.waiting = append(st.waiting, u)
	st.mu.Unlock()
	if batch := <-u.lead; batch != nil {
		st.run(ctx, batch)
	}
	return u.stored, u.err
}

// run writes batch, whose first send is the caller's, then tells the
// others, and hands what gathered meanwhile to the first of it.
func (st *storer) run(ctx context.Context, batch []*unsaved) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), storeTimeout)
	err := st.insertSafely(ctx, batch)
	if err != nil && len(batch) > 1 {
		// One message the database refuses must not fail the others that
		// shared its statement: each is written alone, with its own answer.
		for _, u := range batch {
			u.err = st.insertSafely(ctx, []*unsaved{u})
		}
		err = nil
	}
	cancel()
	st.mu.Lock()
	next := st.waiting[:min(len(st.waiting), storeBatch)]
	st.waiting = st.waiting[len(next):]
	if len(next) == 0 {
		st.inFlight--
		st.waiting = nil // let the backing array go
	}
	st.mu.Unlock()
	for i, u := range batch {
		if err != nil {
			u.err = err
		}
		if i > 0 {
			u.lead <- nil
		}
	}
	if len(next) > 0 {
		next[0].lead <- next
	}
}

// insertSafely is insert, with a panic turned into the batch's error: the
// hand-off after it must happen whatever goes wrong, or every later send on
// this instance would wait forever.
func (st *storer) insertSafely(ctx context.Context, batch []*unsaved) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("store messages: panic: %v", p)
		}
	}()
	return st.insert(ctx, batch)
}

// insert runs storeStatement for batch and marks what it wrote.
func (st *storer) insert(ctx context.Context, batch []*unsaved) error {
	n := len(batch)
	slugs, authors, clientIDs := make([]string, n), make([]int64, n), make([]string, n)
	bodies, htmls, acks, times := make([]string, n), make([]string, n), make([]bool, n), make([]time.Time, n)
	type key struct {
		author   int64
		clientID string
	}
	byKey := make(map[key]*unsaved, n)
	for i, u := range batch {
		m := u.msg
		slugs[i], authors[i], clientIDs[i], bodies[i], htmls[i] = m.Room, m.AuthorID, m.ClientID, m.Body, string(m.HTML)
		acks[i], times[i] = u.phiAck, m.CreatedAt
		byKey[key{m.AuthorID, m.ClientID}] = u
	}
	b := &pgx.Batch{}
	b.Queue(storeStatement, slugs, authors, clientIDs, bodies, htmls, acks, times, Channel)
	return db.Batch(ctx, st.db, b, func(res pgx.BatchResults) error {
		rows, err := res.Query()
		if err != nil {
			return fmt.Errorf("store messages: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id, roomID, author int64
			var clientID string
			var at time.Time
			if err := rows.Scan(&id, &roomID, &author, &clientID, &at); err != nil {
				return fmt.Errorf("store messages: %w", err)
			}
			if u := byKey[key{author, clientID}]; u != nil && !u.stored {
				u.stored, u.msg.ID, u.msg.RoomID, u.msg.CreatedAt = true, id, roomID, at.UTC()
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store messages: %w", err)
		}
		return nil
	})
}

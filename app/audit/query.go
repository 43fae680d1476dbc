package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"curbside/app/apperr"
	"curbside/app/db"
)

// Query picks entries of the log: every condition set narrows it.
type Query struct {
	// ActorHandle is the handle of who acted.
	ActorHandle string
	// Action matches an action or the start of one ("account." for every
	// account event).
	Action string
	// TargetType and TargetID name what was acted on; the id needs the type.
	TargetType string
	TargetID   int64
	// From and To bound the time, To excluded.
	From, To time.Time
	// Except leaves these actions out.
	Except []string
	// Before continues a listing after its last entry.
	Before *Cursor
}

// Cursor marks a place in the log: entries before it are older, or as old
// and written earlier.
type Cursor struct {
	At time.Time
	ID int64
}

// String is the cursor as a link carries it.
func (c Cursor) String() string {
	return strconv.FormatInt(c.At.UnixMicro(), 10) + "-" + strconv.FormatInt(c.ID, 10)
}

// ParseCursor reads a cursor from a link.
func ParseCursor(s string) (*Cursor, error) {
	at, id, ok := strings.Cut(s, "-")
	micros, err1 := strconv.ParseInt(at, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil || n <= 0 {
		return nil, errors.New("not a place in the log")
	}
	return &Cursor{At: time.UnixMicro(micros).UTC(), ID: n}, nil
}

// Page is a stretch of the log, newest first.
type Page struct {
	Entries []Entry
	// Next continues after the last entry; nil at the end.
	Next *Cursor
}

const entryColumns = `a.id, a.created_at, a.actor_id, a.action, a.target_type, a.target_id, a.ip, a.detail, COALESCE(u.handle, '')`

// where turns q into conditions and their values; every value is a
// parameter, and the text comes from this function alone.
func (l *Log) where(ctx context.Context, q Query) (string, []any, error) {
	conds, args := []string{"true"}, []any{}
	add := func(cond string, vals ...any) {
		conds, args = append(conds, cond), append(args, vals...)
	}
	if h := strings.TrimPrefix(strings.TrimSpace(q.ActorHandle), "@"); h != "" {
		var id int64
		err := db.ScanRow(ctx, l.db, `SELECT id FROM users WHERE lower(handle) = lower($1)`, []any{h}, &id)
		if errors.Is(err, sql.ErrNoRows) {
			return "", nil, apperr.FieldErrors{"actor": "No member has the handle @" + h + "."}
		} else if err != nil {
			return "", nil, fmt.Errorf("find actor: %w", err)
		}
		add("a.actor_id = ?", id)
	}
	if q.Action != "" {
		add("a.action LIKE ?", db.LikeLiteral(q.Action)+"%")
	}
	if len(q.Except) > 0 {
		add("a.action NOT IN ?", q.Except)
	}
	if q.TargetType != "" {
		add("a.target_type = ?", q.TargetType)
	}
	if q.TargetID != 0 {
		add("a.target_id = ?", q.TargetID)
	}
	if !q.From.IsZero() {
		add("a.created_at >= ?", q.From)
	}
	if !q.To.IsZero() {
		add("a.created_at < ?", q.To)
	}
	if q.Before != nil {
		add("(a.created_at, a.id) < (?, ?)", q.Before.At, q.Before.ID)
	}
	return strings.Join(conds, " AND "), args, nil
}

// jsonDetail reads an entry's details from their JSON.
type jsonDetail map[string]string

func (d *jsonDetail) Scan(src any) error {
	var raw []byte
	switch v := src.(type) {
	case []byte:
		raw = v
	case string:
		raw = []byte(v)
	default:
		return fmt.Errorf("audit detail: unexpected %T", src)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return fmt.Errorf("audit detail: %w", err)
	}
	*d = make(jsonDetail, len(m))
	for k, v := range m {
		if s, ok := v.(string); ok {
			(*d)[k] = s
		} else {
			(*d)[k] = fmt.Sprint(v)
		}
	}
	return nil
}

// List returns up to perPage entries matching q, newest first.
func (l *Log) List(ctx context.Context, q Query, perPage int) (Page, error) {
	var p Page
	err := l.each(ctx, q, perPage+1, func() error { return nil }, func(e Entry) error {
		p.Entries = append(p.Entries, e)
		return nil
	})
	if err != nil {
		return Page{}, err
	}
	if len(p.Entries) > perPage {
		p.Entries = p.Entries[:perPage]
		last := p.Entries[perPage-1]
		p.Next = &Cursor{At: last.CreatedAt, ID: last.ID}
	}
	return p, nil
}

// Export hands every entry matching q to fn, newest first, reading them as
// it goes rather than all at once. begin runs first, once the query stands:
// a filter that cannot be used is an error before anything is sent.
func (l *Log) Export(ctx context.Context, q Query, begin func() error, fn func(Entry) error) error {
	return l.each(ctx, q, 0, begin, fn)
}

// each reads the entries matching q (at most limit, 0 for all) into fn,
// after begin.
func (l *Log) each(ctx context.Context, q Query, limit int, begin func() error, fn func(Entry) error) error {
	where, args, err := l.where(ctx, q)
	if err != nil {
		return err
	}
	query := `SELECT ` + entryColumns + ` FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id WHERE ` + where +
		` ORDER BY a.created_at DESC, a.id DESC`
	if limit > 0 {
		query += ` LIMIT ` + strconv.Itoa(limit)
	}
	rows, err := db.Conn(ctx, l.db).Raw(query, args...).Rows()
	if err != nil {
		return fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	if err := begin(); err != nil {
		return err
	}
	for rows.Next() {
		var e Entry
		var detail jsonDetail
		if err := rows.Scan(&e.ID, &e.CreatedAt, &e.ActorID, &e.Action, &e.TargetType, &e.TargetID, &e.IP, &detail,
			&e.ActorHandle); err != nil {
			return fmt.Errorf("read audit log: %w", err)
		}
		e.Detail, e.CreatedAt = detail, e.CreatedAt.UTC()
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

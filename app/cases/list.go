package cases

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"curbside/app/accounts"
	"curbside/app/apperr"
	"curbside/app/db"
	"curbside/app/identity"
)

// PerPage is how many cases a list shows at once.
const PerPage = 25

// maxOffsetPage is the deepest page reached by number alone; deeper pages
// are reached through the cursor that "Older cases" links carry, so no
// query skips more than a few rows.
const maxOffsetPage = 10

// ListQuery selects and pages a list of cases.
type ListQuery struct {
	Specialty string // slug, optional
	Tag       string // optional
	Page      int    // from 1
	// Before is the cursor of the last case on the previous page.
	Before string
	// FollowedOnly lists the cases the viewer follows.
	FollowedOnly bool
	// Limit overrides PerPage (the home page shows a few).
	Limit int
}

// ListPage is one page of a list.
type ListPage struct {
	Cases []Summary
	Page  int
	// Next is the cursor for the following page, or "" on the last one.
	Next string
}

// Cursor names a case's place in the newest-activity-first order.
func Cursor(c Summary) string {
	return strconv.FormatInt(c.LastActivityAt.UnixMicro(), 10) + "-" + strconv.FormatInt(c.ID, 10)
}

func parseCursor(s string) (time.Time, int64, bool) {
	at, id, ok := strings.Cut(s, "-")
	us, err1 := strconv.ParseInt(at, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil || n < 1 {
		return time.Time{}, 0, false
	}
	return time.UnixMicro(us).UTC(), n, true
}

// summaryColumns read a case for a list. An anonymous case's author columns
// are blanked in the query itself, so nothing about who wrote it leaves
// the database; only the specialty of "Anonymous <specialty>" does.
const summaryColumns = `c.id, c.title, c.specialty_id,
	CASE WHEN c.anonymous THEN '' ELSE u.handle END, CASE WHEN c.anonymous THEN '' ELSE u.display_name END,
	u.specialty_id, array_to_string(c.tags, ','),
	c.reply_count, c.outcome_at IS NOT NULL, c.accepted_reply_id IS NOT NULL, c.created_at, c.last_activity_at,
	rd.case_id IS NULL, GREATEST(c.reply_count - COALESCE(rd.replies_seen, 0), 0)`

// summaryJoins: specialties are named from the cache (specialtyIndex), not
// joined, which is a third of a list query's cost.
const summaryJoins = `FROM cases c
	JOIN users u ON u.id = c.author_id
	LEFT JOIN case_reads rd ON rd.case_id = c.id AND rd.user_id = ?`

// summaryRow receives summaryColumns.
type summaryRow struct {
	Summary
	tags              string
	specialtyID       int16
	authorSpecialtyID *int16
}

// dest are the Scan destinations of summaryColumns, in order.
func (r *summaryRow) dest() []any {
	return []any{&r.ID, &r.Title, &r.specialtyID, &r.Author.Handle, &r.Author.DisplayName, &r.authorSpecialtyID, &r.tags,
		&r.ReplyCount, &r.HasOutcome, &r.Answered, &r.CreatedAt, &r.LastActivityAt, &r.Unread, &r.NewReplies}
}

// summary finishes the row: its tags, its specialties' names.
func (r *summaryRow) summary(specialties specialtyIndex) Summary {
	c := r.Summary
	if r.tags != "" {
		c.Tags = strings.Split(r.tags, ",")
	}
	if c.Unread {
		c.NewReplies = 0
	}
	sp := specialties[r.specialtyID]
	c.Specialty, c.SpecialtySlug = sp.Name, sp.Slug
	c.Author.Specialty = specialties.name(r.authorSpecialtyID)
	return c
}

// specialtyIndex names specialties by id, from the accounts' cache: they
// are seeded and never change.
type specialtyIndex map[int16]accounts.Specialty

func (x specialtyIndex) name(id *int16) string {
	if id == nil {
		return ""
	}
	return x[*id].Name
}

func (s *Service) specialtyIndex(ctx context.Context) (specialtyIndex, error) {
	if x := s.specialties.Load(); x != nil {
		return *x, nil
	}
	list, err := s.accounts.Specialties(ctx)
	if err != nil {
		return nil, err
	}
	x := make(specialtyIndex, len(list))
	for _, sp := range list {
		x[sp.ID] = sp
	}
	s.specialties.Store(&x)
	return x, nil
}

// The list's statement names its reader by readerByID ($1 the member's
// id), or, sent with the session lookup (ListRider), by readerBySession:
// the session whose token's hash is $1, read only if its member may read
// cases (accounts.VerifiedSession), so no case is read for anyone else.
const (
	readerByID      = `$1`
	readerBySession = `(SELECT user_id FROM vs)`
	withSession     = `WITH vs AS MATERIALIZED (` + accounts.VerifiedSession + `) `
)

// listShape is what a list statement reads of each case.
type listShape int

const (
	// listRows: everything a list row shows, and the case's version.
	listRows listShape = iota
	// listCheck: the case's id and version and the reader's marks on it,
	// which tell whether a kept list still stands (listCache).
	listCheck
)

// listCheckColumns and listCheckJoins read listCheck rows.
const (
	listCheckColumns = `c.id, c.version, rd.case_id IS NOT NULL, COALESCE(rd.replies_seen, 0)`
	listCheckJoins   = `FROM cases c LEFT JOIN case_reads rd ON rd.case_id = c.id AND rd.user_id = ?`
)

// listStatement is the statement for one page of q in shape, with its
// arguments after $1 and the page's size.
func (s *Service) listStatement(ctx context.Context, q ListQuery, reader string, shape listShape) (query string, args []any, limit int, err error) {
	limit = q.Limit
	if limit <= 0 {
		limit = PerPage
	}
	where := []string{"c.deleted_at IS NULL", "c.hidden_at IS NULL"}
	args = []any{nil} // $1, the reader's key
	param := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if q.Specialty != "" {
		sp, err := s.accounts.SpecialtyBySlug(ctx, q.Specialty)
		if err != nil {
			return "", nil, 0, err
		}
		where = append(where, "c.specialty_id = "+param(sp.ID))
	}
	if q.Tag != "" {
		where = append(where, "EXISTS (SELECT 1 FROM case_tags t WHERE t.case_id = c.id AND t.tag = "+param(q.Tag)+")")
	}
	if q.FollowedOnly {
		where = append(where, "EXISTS (SELECT 1 FROM case_follows f WHERE f.case_id = c.id AND f.user_id = "+reader+")")
	}
	offset := 0
	if q.Before != "" {
		at, id, ok := parseCursor(q.Before)
		if !ok {
			return "", nil, 0, fmt.Errorf("cursor %q: %w", q.Before, apperr.ErrNotFound)
		}
		where = append(where, "(c.last_activity_at, c.id) < ("+param(at)+", "+param(id)+")")
	} else if max(q.Page, 1) > 1 {
		if q.Page > maxOffsetPage {
			return "", nil, 0, fmt.Errorf("page %d without a cursor: %w", q.Page, apperr.ErrNotFound)
		}
		offset = (q.Page - 1) * limit
	}
	columns, joins, prefix := summaryColumns+", c.version", summaryJoins, ""
	if shape == listCheck {
		columns, joins = listCheckColumns, listCheckJoins
	}
	if reader == readerBySession {
		// The one-time filter reads no case unless the session is a verified member's.
		columns, prefix = columns+", (SELECT session_id FROM vs)", withSession
		where = append(where, "EXISTS (SELECT 1 FROM vs)")
	}
	// The limit and offset are written into the statement (numbers of our
	// own): as parameters, PostgreSQL cannot tell a plan for 26 rows from
	// one for all of them, keeps planning the query afresh on every call,
	// and planning it costs more than running it.
	query = prefix + `SELECT ` + columns + ` ` + strings.Replace(joins, "?", reader, 1) + `
		WHERE ` + strings.Join(where, " AND ") + `
		ORDER BY c.last_activity_at DESC, c.id DESC ` + fmt.Sprintf("LIMIT %d OFFSET %d", limit+1, offset)
	return query, args, limit, nil
}

// readList reads listStatement's listRows into a page, with each case's
// version; a rider's rows also name the session they were read for.
func readList(rows pgx.Rows, specialties specialtyIndex, limit int, session *int64) (keptList, error) {
	defer rows.Close()
	var list keptList
	for rows.Next() {
		var r summaryRow
		var version int64
		dest := append(r.dest(), &version)
		if session != nil {
			dest = append(dest, session)
		}
		if err := rows.Scan(dest...); err != nil {
			return keptList{}, err
		}
		list.cases = append(list.cases, r.summary(specialties))
		list.versions = append(list.versions, version)
	}
	if err := rows.Err(); err != nil {
		return keptList{}, err
	}
	if len(list.cases) > limit {
		list.cases, list.versions = list.cases[:limit], list.versions[:limit]
		list.next = Cursor(list.cases[limit-1])
	}
	return list, nil
}

// List returns a page of cases, newest activity first, in one query
// whatever the page's size, or in none when rider (ListRider for the same
// q, or nil) read it, or found the kept one current, with the session
// lookup for this very session.
func (s *Service) List(ctx context.Context, v *identity.Viewer, q ListQuery, rider db.Rider) (ListPage, error) {
	if page, ok := s.fromRider(v, q, rider); ok {
		return page, nil
	}
	query, args, limit, err := s.listStatement(ctx, q, readerByID, listRows)
	if err != nil {
		return ListPage{}, err
	}
	args[0] = v.UserID
	specialties, err := s.specialtyIndex(ctx)
	if err != nil {
		return ListPage{}, err
	}
	// Like the case page, the list is read by pgx itself and takes its turn
	// at the pool's gate: it is the forum's front page.
	b := &pgx.Batch{}
	b.Queue(query, args...)
	var list keptList
	err = db.Batch(ctx, s.db, b, func(res pgx.BatchResults) error {
		rows, err := res.Query()
		if err != nil {
			return err
		}
		list, err = readList(rows, specialties, limit, nil)
		return err
	})
	if err != nil {
		return ListPage{}, fmt.Errorf("list cases: %w", err)
	}
	s.lists.keep(q, list)
	return ListPage{Cases: list.cases, Page: max(q.Page, 1), Next: list.next}, nil
}

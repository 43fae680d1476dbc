package cases

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"curbside/app/apperr"
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
const summaryColumns = `c.id, c.title, sp.name, sp.slug,
	CASE WHEN c.anonymous THEN '' ELSE u.handle END, CASE WHEN c.anonymous THEN '' ELSE u.display_name END,
	COALESCE(asp.name, ''), array_to_string(c.tags, ','),
	c.reply_count, c.outcome_at IS NOT NULL, c.accepted_reply_id IS NOT NULL, c.created_at, c.last_activity_at,
	rd.case_id IS NULL, GREATEST(c.reply_count - COALESCE(rd.replies_seen, 0), 0)`

const summaryJoins = `FROM cases c
	JOIN specialties sp ON sp.id = c.specialty_id
	JOIN users u ON u.id = c.author_id
	LEFT JOIN specialties asp ON asp.id = u.specialty_id
	LEFT JOIN case_reads rd ON rd.case_id = c.id AND rd.user_id = ?`

func scanSummary(rows *sql.Rows) (Summary, error) {
	var c Summary
	var tags string
	err := rows.Scan(&c.ID, &c.Title, &c.Specialty, &c.SpecialtySlug, &c.Author.Handle, &c.Author.DisplayName,
		&c.Author.Specialty, &tags, &c.ReplyCount, &c.HasOutcome, &c.Answered, &c.CreatedAt, &c.LastActivityAt,
		&c.Unread, &c.NewReplies)
	if tags != "" {
		c.Tags = strings.Split(tags, ",")
	}
	if c.Unread {
		c.NewReplies = 0
	}
	return c, err
}

// List returns a page of cases, newest activity first, in one query
// whatever the page's size.
func (s *Service) List(ctx context.Context, v *identity.Viewer, q ListQuery) (ListPage, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = PerPage
	}
	q.Page = max(q.Page, 1)
	where := []string{"c.deleted_at IS NULL"}
	args := []any{v.UserID}
	if q.Specialty != "" {
		sp, err := s.accounts.SpecialtyBySlug(ctx, q.Specialty)
		if err != nil {
			return ListPage{}, err
		}
		where, args = append(where, "c.specialty_id = ?"), append(args, sp.ID)
	}
	if q.Tag != "" {
		where, args = append(where, "EXISTS (SELECT 1 FROM case_tags t WHERE t.case_id = c.id AND t.tag = ?)"), append(args, q.Tag)
	}
	if q.FollowedOnly {
		where, args = append(where, "EXISTS (SELECT 1 FROM case_follows f WHERE f.case_id = c.id AND f.user_id = ?)"), append(args, v.UserID)
	}
	offset := 0
	if q.Before != "" {
		at, id, ok := parseCursor(q.Before)
		if !ok {
			return ListPage{}, fmt.Errorf("cursor %q: %w", q.Before, apperr.ErrNotFound)
		}
		where, args = append(where, "(c.last_activity_at, c.id) < (?, ?)"), append(args, at, id)
	} else if q.Page > 1 {
		if q.Page > maxOffsetPage {
			return ListPage{}, fmt.Errorf("page %d without a cursor: %w", q.Page, apperr.ErrNotFound)
		}
		offset = (q.Page - 1) * limit
	}
	// The limit and offset are written into the statement (numbers of our
	// own): as parameters, PostgreSQL cannot tell a plan for 26 rows from
	// one for all of them, keeps planning the query afresh on every call,
	// and planning it costs more than running it.
	rows, err := s.db.WithContext(ctx).Raw(`SELECT `+summaryColumns+` `+summaryJoins+`
		WHERE `+strings.Join(where, " AND ")+`
		ORDER BY c.last_activity_at DESC, c.id DESC `+fmt.Sprintf("LIMIT %d OFFSET %d", limit+1, offset), args...).Rows()
	if err != nil {
		return ListPage{}, fmt.Errorf("list cases: %w", err)
	}
	defer rows.Close()
	page := ListPage{Page: q.Page}
	for rows.Next() {
		c, err := scanSummary(rows)
		if err != nil {
			return ListPage{}, err
		}
		page.Cases = append(page.Cases, c)
	}
	if len(page.Cases) > limit {
		page.Cases = page.Cases[:limit]
		page.Next = Cursor(page.Cases[limit-1])
	}
	return page, rows.Err()
}

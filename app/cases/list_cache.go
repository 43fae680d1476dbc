package cases

import (
	"context"

	"github.com/jackc/pgx/v5"

	"curbside/app/db"
	"curbside/app/identity"
	"curbside/app/memo"
)

// listCache keeps the lists of cases this server has shown, as every
// reader sees them, with each listed case's version (cases.version, which
// moves with anything a list row shows: migrations 00021, 00027). A list
// view reads, with the session (listRider), only the ids and versions of
// the cases the list would show now and the reader's own marks on them; a
// kept list whose cases and versions are those, in that order, is current
// on whichever instance the change was made.
type listCache struct {
	lists *memo.Map[ListQuery, keptList]
}

// keptList is one list as read: its cases (without the reader's marks
// once kept), their versions, and the cursor to the next page. Never
// changed once kept.
type keptList struct {
	cases    []Summary
	versions []int64
	next     string
}

// keptLists bounds the lists kept: each filter, tag and page is one.
const keptLists = 500

func newListCache(limit int) *listCache {
	return &listCache{lists: memo.New[ListQuery, keptList](limit)}
}

func (l *listCache) get(q ListQuery) (keptList, bool) { return l.lists.Get(q) }

// keep keeps list, read for one reader, as every reader sees it. A list of
// what the reader follows is theirs alone, and is not kept.
func (l *listCache) keep(q ListQuery, list keptList) {
	if q.FollowedOnly {
		return
	}
	shared := keptList{versions: list.versions, next: list.next, cases: make([]Summary, len(list.cases))}
	for i, c := range list.cases {
		c.Unread, c.NewReplies = false, 0
		shared.cases[i] = c
	}
	l.lists.Put(q, shared)
}

// withMarks is the kept list with the reader's marks: seen holds, for each
// listed case they have opened, how many replies they had seen.
func (k keptList) withMarks(seen map[int64]int) []Summary {
	out := make([]Summary, len(k.cases))
	for i, c := range k.cases {
		n, read := seen[c.ID]
		c.Unread = !read
		if read {
			c.NewReplies = max(c.ReplyCount-n, 0)
		}
		out[i] = c
	}
	return out
}

// listRider is a list of cases sent with the session lookup (db.Rider):
// the check of the kept list when there is one, else the whole list.
type listRider struct {
	q       ListQuery
	kept    *keptList
	query   string
	args    []any
	limit   int
	index   specialtyIndex
	session int64
	// read is the list read whole; current and seen, the check's answer.
	read    *keptList
	current bool
	seen    map[int64]int
}

// ListRider is what a page showing the list q sends with the session
// lookup, or nil when q cannot be read so (List says why).
func (s *Service) ListRider(ctx context.Context, q ListQuery) db.Rider {
	index, err := s.specialtyIndex(ctx)
	if err != nil {
		return nil
	}
	r := &listRider{q: q, index: index}
	shape := listRows
	if kept, ok := s.lists.get(q); ok {
		r.kept, shape = &kept, listCheck
	}
	if r.query, r.args, r.limit, err = s.listStatement(ctx, q, readerBySession, shape); err != nil {
		return nil
	}
	return r
}

func (r *listRider) Ride(b *pgx.Batch, key []byte) {
	r.args[0] = key
	b.Queue(r.query, r.args...)
}

// Read takes the list, or the check of the kept one; a rider left
// unusable (no session, an error) is read again by List.
func (r *listRider) Read(res pgx.BatchResults) error {
	rows, err := res.Query()
	if err != nil {
		return err
	}
	if r.kept == nil {
		list, err := readList(rows, r.index, r.limit, &r.session)
		if err != nil {
			r.session = 0
			return err
		}
		r.read = &list
		return nil
	}
	defer rows.Close()
	want := len(r.kept.cases)
	if r.kept.next != "" {
		want++ // the row after the page, which gave its cursor
	}
	r.current, r.seen = true, map[int64]int{}
	n := 0
	for rows.Next() {
		var id, version int64
		var read bool
		var seen int
		if err := rows.Scan(&id, &version, &read, &seen, &r.session); err != nil {
			r.session = 0
			return err
		}
		if n < len(r.kept.cases) && (r.kept.cases[n].ID != id || r.kept.versions[n] != version) {
			r.current = false
		}
		if read {
			r.seen[id] = seen
		}
		n++
	}
	r.current = r.current && n == want
	if err := rows.Err(); err != nil {
		r.session = 0
		return err
	}
	return nil
}

// fromRider is the list q for the viewer from what rider (or nil) read,
// when it was read for this very session: the list itself, or the kept
// one found current.
func (s *Service) fromRider(v *identity.Viewer, q ListQuery, rider db.Rider) (ListPage, bool) {
	r, _ := rider.(*listRider)
	if r == nil || r.q != q || r.session == 0 || r.session != v.SessionID {
		return ListPage{}, false
	}
	page := ListPage{Page: max(q.Page, 1)}
	switch {
	case r.read != nil:
		s.lists.keep(q, *r.read)
		page.Cases, page.Next = r.read.cases, r.read.next
	case r.kept != nil && r.current:
		page.Cases, page.Next = r.kept.withMarks(r.seen), r.kept.next
	default:
		return ListPage{}, false
	}
	return page, true
}

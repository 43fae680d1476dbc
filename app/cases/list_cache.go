package cases

import (
	"context"
	"errors"
	"sync"

	"github.com/jackc/pgx/v5"

	"curbside/app/db"
	"curbside/app/identity"
)

// listCache keeps the lists of cases this server has shown, each with the
// forum's version it was read at (forum_version, migration 00028), as every
// reader sees them. A list view reads the version and the reader's own
// marks with the session (listRider) and shows the kept list while the
// version stands: any change to any case moves it, on whichever instance.
type listCache struct {
	mu    sync.Mutex
	lists map[ListQuery]keptList
	limit int
}

// keptList is one list at one version, never changed once kept: without
// the reader's marks when kept, with them when read for a reader.
type keptList struct {
	version int64
	cases   []Summary
	next    string
}

// listLimit bounds the lists kept: each filter, tag and page is one.
const listLimit = 500

func newListCache(limit int) *listCache {
	return &listCache{lists: make(map[ListQuery]keptList), limit: limit}
}

func (l *listCache) get(q ListQuery) (keptList, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	kept, ok := l.lists[q]
	return kept, ok
}

// keep keeps list, read for one reader, as every reader sees it. A list of
// what the reader follows is theirs alone, and an empty one carries no
// version: neither is kept.
func (l *listCache) keep(q ListQuery, list keptList) {
	if q.FollowedOnly || list.version < 0 {
		return
	}
	shared := keptList{version: list.version, next: list.next, cases: make([]Summary, len(list.cases))}
	for i, c := range list.cases {
		c.Unread, c.NewReplies = false, 0
		shared.cases[i] = c
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if old, ok := l.lists[q]; ok && old.version > list.version {
		return
	}
	if _, ok := l.lists[q]; !ok && len(l.lists) >= l.limit {
		for k := range l.lists { // any one: a busy list is soon read back
			delete(l.lists, k)
			break
		}
	}
	l.lists[q] = shared
}

// forReader is the kept list with the reader's marks: seen holds, for
// each listed case they have opened, how many replies they had seen.
func (k keptList) forReader(seen map[int64]int) []Summary {
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

// listCheck reads, for a verified member's session ($1), the forum's
// version and the member's marks on the kept list's cases ($2).
const listCheck = withSession + `SELECT vs.session_id, (SELECT version FROM forum_version), r.ids, r.seen
	FROM vs CROSS JOIN LATERAL (SELECT COALESCE(array_agg(rd.case_id), '{}'), COALESCE(array_agg(rd.replies_seen), '{}')
		FROM case_reads rd WHERE rd.user_id = vs.user_id AND rd.case_id = ANY($2)) r(ids, seen)`

// listRider is a list of cases sent with the session lookup (db.Rider):
// the whole list when none is kept, else the check of the kept one.
type listRider struct {
	q       ListQuery
	kept    *keptList
	query   string
	args    []any
	limit   int
	index   specialtyIndex
	session int64
	// read is the list read whole; version and seen, the check's answer.
	read    *keptList
	version int64
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
	if kept, ok := s.lists.get(q); ok && !q.FollowedOnly {
		ids := make([]int64, len(kept.cases))
		for i, c := range kept.cases {
			ids[i] = c.ID
		}
		r.kept, r.query, r.args = &kept, listCheck, []any{nil, ids}
		return r
	}
	if r.query, r.args, r.limit, err = s.listStatement(ctx, q, readerBySession); err != nil {
		return nil
	}
	return r
}

func (r *listRider) Ride(b *pgx.Batch, key []byte) {
	r.args[0] = key
	b.Queue(r.query, r.args...)
}

func (r *listRider) Read(res pgx.BatchResults) error {
	if r.kept != nil {
		var ids []int64
		var seen []int
		err := res.QueryRow().Scan(&r.session, &r.version, &ids, &seen)
		if errors.Is(err, pgx.ErrNoRows) || err == nil && len(ids) != len(seen) {
			r.session = 0
			return nil
		}
		r.seen = make(map[int64]int, len(ids))
		for i, id := range ids {
			r.seen[id] = seen[i]
		}
		return err
	}
	rows, err := res.Query()
	if err != nil {
		return err
	}
	list, err := readList(rows, r.index, r.limit, &r.session)
	r.read = &list
	return err
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
	case r.kept != nil && r.version == r.kept.version:
		page.Cases, page.Next = r.kept.forReader(r.seen), r.kept.next
	default:
		return ListPage{}, false
	}
	return page, true
}

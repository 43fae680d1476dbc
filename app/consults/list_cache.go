package consults

import (
	"errors"
	"slices"

	"github.com/jackc/pgx/v5"

	"curbside/app/accounts"
	"curbside/app/db"
	"curbside/app/identity"
	"curbside/app/memo"
)

// listCache keeps each member's lists of consults as last read here, with
// what they were: each row's list, id and version (consults.version moves
// with anything a list row shows, migration 00028). A view of /consults
// reads only that much with the session (ListRider); lists whose rows are
// those, in that order, are current, whichever instance changed anything.
type listCache struct{ lists *memo.Map[int64, keptLists] } // by member

// keptLists are one member's lists and their print, never changed once kept.
type keptLists struct {
	lists Lists
	print listPrint
}

// listPrint is what a member's two list statements returned: for each row,
// in order, whether it was in the statement's first list, its id and its
// version.
type listPrint struct{ mine, queue []int64 }

func printOf(first bool, id, version int64) []int64 {
	var flag int64
	if first {
		flag = 1
	}
	return []int64{flag, id, version}
}

func (p listPrint) equal(o listPrint) bool {
	return slices.Equal(p.mine, o.mine) && slices.Equal(p.queue, o.queue)
}

// keptMembers bounds the members whose lists are kept.
const keptMembers = 5000

func newListCache(limit int) *listCache { return &listCache{lists: memo.New[int64, keptLists](limit)} }

func (l *listCache) keep(member int64, lists Lists, print listPrint) {
	l.lists.Put(member, keptLists{lists: lists, print: print})
}

// current returns the viewer's kept lists when rider (or nil) was read for
// this very session and found them current.
func (l *listCache) current(v *identity.Viewer, rider db.Rider) (Lists, bool) {
	r, _ := rider.(*listRider)
	if r == nil || r.session == 0 || r.session != v.SessionID {
		return Lists{}, false
	}
	kept, ok := l.lists.Get(v.UserID)
	if !ok || !kept.print.equal(r.print) {
		return Lists{}, false
	}
	return kept.lists, true
}

// The rider's statements read for the session whose token's hash is $1,
// only if its member may read consults (accounts.VerifiedSession): for
// anyone else the member and specialty are NULL and nothing is read.
const (
	withSession     = `WITH vs AS MATERIALIZED (` + accounts.VerifiedSession + `) `
	sessionMember   = `(SELECT user_id FROM vs)`
	memberSpecialty = `(SELECT specialty_id FROM users WHERE id = (SELECT user_id FROM vs))`
)

// listRider is /consults' check of the kept lists, sent with the session
// lookup (db.Rider): the ids and versions the lists would show now.
type listRider struct {
	session int64
	print   listPrint
}

// ListRider is what /consults sends with the session lookup.
func (s *Service) ListRider() db.Rider { return &listRider{} }

func (r *listRider) Ride(b *pgx.Batch, key []byte) {
	mine, queue := listStatements(checkColumns, sessionMember, memberSpecialty)
	b.Queue(withSession+mine, key)
	b.Queue(withSession+queue, key)
	b.Queue(withSession+`SELECT session_id FROM vs`, key)
}

func (r *listRider) Read(res pgx.BatchResults) error {
	for _, into := range []*[]int64{&r.print.mine, &r.print.queue} {
		rows, err := res.Query()
		if err != nil {
			return err
		}
		for rows.Next() {
			var first bool
			var id, version int64
			if err := rows.Scan(&first, &id, &version); err != nil {
				rows.Close()
				return err
			}
			*into = append(*into, printOf(first, id, version)...)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	// The session comes last: a rider that failed before it stays at 0,
	// unusable.
	err := res.QueryRow().Scan(&r.session)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	return err
}

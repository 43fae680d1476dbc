package cases

import (
	"errors"

	"github.com/jackc/pgx/v5"

	"curbside/app/db"
	"curbside/app/identity"
	"curbside/app/memo"
)

// pageCache keeps each case's page as every reader sees it (the case, its
// replies and their authors) with the case's version at that moment
// (cases.version, migrations 00021 and 00027). A page view reads the version
// and the reader's own marks with the session (caseRider) and shows what is
// kept while the version stands; it reads the case and its replies again
// only when the version moved, so nothing kept is ever stale on any
// instance: the version is the database's. What differs by reader (marks,
// "new", "mine", a moderator's view of a hidden reply) is worked out per
// request from the kept rows.
type pageCache struct{ pages *memo.Map[int64, keptPage] }

// keptPage is a case's page at one version, shared by every request that
// reads it: never changed once kept. head is nil when only the replies were
// read at that version (the case's own row had moved on meanwhile).
type keptPage struct {
	version int64
	head    *Case
	replies []keptReply
}

// keptReply is a reply as every reader may see it, with its author's id so
// that a request can tell whether it is the reader's.
type keptReply struct {
	Reply
	authorID int64
}

// keptCases bounds the cases kept: about 25 KB each for a long thread.
const keptCases = 2000

func newPageCache(limit int) *pageCache { return &pageCache{pages: memo.New[int64, keptPage](limit)} }

// get returns the kept page of a case, or a version no case has (-1) when
// none is kept.
func (p *pageCache) get(caseID int64) keptPage {
	if kept, ok := p.pages.Get(caseID); ok {
		return kept
	}
	return keptPage{version: -1}
}

// put keeps a case's page at its version.
func (p *pageCache) put(caseID int64, kept keptPage) { p.pages.Put(caseID, kept) }

// caseRider is the case page's read sent with the session lookup
// (db.Rider): the case's version and what the reader has done with it. It
// holds nothing of the case's content: only numbers and marks, read for the
// session whose token's hash the lookup binds as $1.
type caseRider struct {
	caseID int64
	// found: the token named a session and the case exists.
	found     bool
	sessionID int64
	version   int64
	deleted   bool
	following bool
	// read: the reader has opened the case before; seen and lastRead say how far.
	read     bool
	seen     int
	lastRead int64
	// drafted: the reader keeps a draft reply, which the full read brings.
	drafted bool
	marked  []int64
}

const caseRiderQuery = `SELECT s.id, c.version, c.deleted_at IS NOT NULL,
	EXISTS (SELECT 1 FROM case_follows f WHERE f.case_id = c.id AND f.user_id = s.user_id),
	rd.case_id IS NOT NULL, COALESCE(rd.replies_seen, 0), COALESCE(rd.last_reply_id, 0),
	EXISTS (SELECT 1 FROM drafts d WHERE d.user_id = s.user_id AND d.case_id = c.id),
	ARRAY(SELECT h.reply_id FROM reply_helpful h WHERE h.user_id = s.user_id AND h.case_id = c.id)
	FROM sessions s JOIN cases c ON c.id = $2
	LEFT JOIN case_reads rd ON rd.case_id = c.id AND rd.user_id = s.user_id
	WHERE s.token_hash = $1`

// PageRider is what a case's page sends with the session lookup.
func (s *Service) PageRider(caseID int64) db.Rider { return &caseRider{caseID: caseID} }

func (r *caseRider) Ride(b *pgx.Batch, key []byte) { b.Queue(caseRiderQuery, key, r.caseID) }

func (r *caseRider) Read(res pgx.BatchResults) error {
	err := res.QueryRow().Scan(&r.sessionID, &r.version, &r.deleted, &r.following, &r.read, &r.seen, &r.lastRead, &r.drafted, &r.marked)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	r.found = err == nil
	return err
}

// fromKept builds the viewer's page from the kept one when the rider,
// read for this viewer's session, found it current; ok is false when the
// page must be read.
func (s *Service) fromKept(v *identity.Viewer, id int64, rider db.Rider) (c *Case, replies []Reply, ok bool) {
	r, _ := rider.(*caseRider)
	if r == nil || !r.found || r.caseID != id || r.sessionID != v.SessionID || r.deleted || r.drafted {
		return nil, nil, false
	}
	kept := s.pages.get(id)
	if kept.head == nil || kept.version != r.version {
		return nil, nil, false
	}
	page := *kept.head
	page.Mine, page.Following, page.markedHelpful = page.authorID == v.UserID, r.following, r.marked
	page.Unread, page.NewReplies, page.LastReadReplyID = !r.read, max(page.ReplyCount-r.seen, 0), r.lastRead
	if page.Unread { // first visit: nothing is "new" within it (as summaryRow.summary says)
		page.NewReplies, page.LastReadReplyID = 0, 1<<62-1
	}
	return &page, forReader(kept.replies, &page, v), true
}

// shared is the case as every reader sees it, for keeping: what the reader
// has done with it left out.
func (c *Case) shared() *Case {
	h := *c
	h.Mine, h.Following, h.markedHelpful, h.ReplyDraft = false, false, nil, ""
	h.Unread, h.NewReplies, h.LastReadReplyID = false, 0, 0
	return &h
}

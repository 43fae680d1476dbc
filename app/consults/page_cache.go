package consults

import (
	"errors"
	"slices"

	"github.com/jackc/pgx/v5"

	"curbside/app/db"
	"curbside/app/memo"
)

// pageCache keeps each consult's page as it was read, before any viewer's
// view of it, with the consult's version at that moment (consults.version,
// migration 00028). A view reads the version with the session
// (PageRider) and reads the page again only when it moved, so nothing
// kept is stale on any instance. Who may see it, what they may do and what
// a moderator alone may read are decided per request, from the viewer and
// the kept consult (Open).
type pageCache struct{ pages *memo.Map[int64, keptPage] }

// keptPage is a consult's page at one version, never changed once kept.
type keptPage struct {
	version int64
	page    *Page
}

// keptConsults bounds the consults kept.
const keptConsults = 2000

func newPageCache(limit int) *pageCache { return &pageCache{pages: memo.New[int64, keptPage](limit)} }

// get returns a private copy of the consult's page when the one kept is at
// version.
func (p *pageCache) get(id, version int64) (*Page, bool) {
	kept, ok := p.pages.Get(id)
	if !ok || kept.version != version {
		return nil, false
	}
	return kept.page.copy(), true
}

// put keeps a copy of a consult's page read at version.
func (p *pageCache) put(id, version int64, page *Page) {
	p.pages.Put(id, keptPage{version: version, page: page.copy()})
}

// copy is the page with a thread of its own: a view blanks the hidden
// messages it may not read in its copy. The rest (the consult's and the
// messages' attachments, the events, every pointer) is shared by the views
// of a kept page and only ever read.
func (p *Page) copy() *Page {
	c := *p
	c.Messages = slices.Clone(p.Messages)
	return &c
}

// pageRider reads a consult's version with the session lookup (db.Rider):
// a number, the same for every viewer, and nothing the page's rules guard.
type pageRider struct {
	id      int64
	version int64
	found   bool
}

// PageRider is what a consult's page sends with the session lookup.
func (s *Service) PageRider(id int64) db.Rider { return &pageRider{id: id} }

func (r *pageRider) Ride(b *pgx.Batch, key []byte) {
	b.Queue(`SELECT version FROM consults WHERE id = $2 AND $1::bytea IS NOT NULL`, key, r.id)
}

func (r *pageRider) Read(res pgx.BatchResults) error {
	err := res.QueryRow().Scan(&r.version)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	r.found = err == nil
	return err
}

// kept is the consult's kept page when rider (or nil) found it current.
func (s *Service) kept(id int64, rider db.Rider) (*Page, bool) {
	r, ok := rider.(*pageRider)
	if !ok || !r.found || r.id != id {
		return nil, false
	}
	return s.pages.get(id, r.version)
}

package verification

import (
	"context"
	"fmt"

	"curbside/app/db"
)

// Warning kinds: what ties a request to another account.
const (
	SameNPI      = "npi"
	SameDocument = "document"
)

// Warning is another account that claims the same NPI (holding it verified
// or waiting for it) or sent a byte-identical document: a sign that one of
// the two is not who they say, whatever the registry says.
type Warning struct {
	RequestID   int64 `gorm:"column:request_id"`
	Kind        string
	OtherUserID int64  `gorm:"column:other_user_id"`
	OtherHandle string `gorm:"column:other_handle"`
	OtherStatus string `gorm:"column:other_status"`
}

// Label says in a few words what the other account shares; the page
// names the account after it.
func (w Warning) Label() string {
	if w.Kind == SameDocument {
		return "Same document as"
	}
	return "NPI also claimed by"
}

// warnings finds, in one query whatever their number, the other accounts
// tied to each of the requests: the same NPI on another account's pending
// or approved request, or the same document hash on any other account's
// request. Stored documents are re-encoded deterministically, so identical
// uploads keep identical hashes.
func (s *Service) warnings(ctx context.Context, requestIDs []int64) (map[int64][]Warning, error) {
	out := map[int64][]Warning{}
	if len(requestIDs) == 0 {
		return out, nil
	}
	var list []Warning
	err := db.Conn(ctx, s.db).Raw(`SELECT DISTINCT ON (t.request_id, t.kind, t.other_user_id)
			t.request_id, t.kind, t.other_user_id, u.handle AS other_handle, u.status AS other_status
		FROM (
			SELECT r.id AS request_id, 'npi' AS kind, o.user_id AS other_user_id
			FROM verification_requests r
			JOIN verification_requests o ON o.npi = r.npi AND o.user_id <> r.user_id AND o.status IN ('pending', 'approved')
			WHERE r.id IN ?
			UNION ALL
			SELECT r.id, 'document', o.user_id
			FROM verification_requests r
			JOIN documents d ON d.id = r.document_id
			JOIN documents od ON od.sha256 = d.sha256
			JOIN verification_requests o ON o.document_id = od.id AND o.user_id <> r.user_id
			WHERE r.id IN ?
		) t JOIN users u ON u.id = t.other_user_id
		ORDER BY t.request_id, t.kind DESC, t.other_user_id`, requestIDs, requestIDs).Scan(&list).Error
	if err != nil {
		return nil, fmt.Errorf("load warnings: %w", err)
	}
	for _, w := range list {
		out[w.RequestID] = append(out[w.RequestID], w)
	}
	return out, nil
}

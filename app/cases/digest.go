package cases

import (
	"context"
	"fmt"
	"time"

	"curbside/app/db"
	"curbside/app/notify"
)

// digestList bounds the cases a digest lists in each part.
const digestList = 20

// DigestFor finds what a member's digest tells: cases posted in their
// specialty since, and followed cases with new replies since, by titles and
// counts only, leaving out the member's own posts and what moderators hid.
func (s *Service) DigestFor(ctx context.Context, userID int64, since time.Time) (notify.DigestItems, error) {
	var items notify.DigestItems
	conn := db.Conn(ctx, s.db)
	var newCases []struct {
		ID    int64
		Title string
		Total int
		Name  string
	}
	err := conn.Raw(`SELECT c.id, c.title, count(*) OVER () AS total, sp.name FROM cases c
		JOIN users u ON u.id = ? AND u.specialty_id = c.specialty_id JOIN specialties sp ON sp.id = c.specialty_id
		WHERE c.created_at > ? AND c.author_id <> u.id AND c.deleted_at IS NULL AND c.hidden_at IS NULL
		ORDER BY c.created_at DESC, c.id DESC LIMIT ?`, userID, since, digestList).Scan(&newCases).Error
	if err != nil {
		return items, fmt.Errorf("digest: new cases: %w", err)
	}
	for _, c := range newCases {
		items.NewCases = append(items.NewCases, notify.DigestCase{ID: c.ID, Title: c.Title})
		items.NewCaseCount, items.Specialty = c.Total, c.Name
	}
	err = conn.Raw(`SELECT c.id, c.title, count(*) AS replies FROM case_follows f
		JOIN cases c ON c.id = f.case_id AND c.deleted_at IS NULL AND c.hidden_at IS NULL
		JOIN replies r ON r.case_id = c.id AND r.created_at > ? AND r.author_id <> f.user_id
		              AND r.deleted_at IS NULL AND r.hidden_at IS NULL
		WHERE f.user_id = ? GROUP BY c.id, c.title ORDER BY max(r.created_at) DESC LIMIT ?`,
		since, userID, digestList).Scan(&items.Followed).Error
	if err != nil {
		return items, fmt.Errorf("digest: followed cases: %w", err)
	}
	return items, nil
}

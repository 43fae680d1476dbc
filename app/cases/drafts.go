package cases

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	"curbside/app/apperr"
	"curbside/app/db"
	"curbside/app/identity"
	"curbside/app/ratelimit"
)

// Draft is what a member typed and has not published: kept when a post was
// refused (a field error, the privacy guard, an ended session) and saved
// every few seconds while they write, so a dropped clinic link loses nothing.
type Draft struct {
	ID        int64
	CaseID    *int64 // set for a reply
	CaseTitle string
	Title     string
	Body      string
	Fields    map[string]string `gorm:"serializer:json"`
	Reason    string
	UpdatedAt time.Time
}

// maxDraftBody bounds a draft; a post may hold half of it.
const maxDraftBody = 40000

// draftLimit bounds saves: a page saves every few seconds while its member
// types, and a script gone wrong must not fill the table.
var draftLimit = ratelimit.Rule{Limit: 1200, Window: time.Hour}

// SaveDraft stores or updates one of the member's drafts and returns its id.
// A reply draft is one per case; a case draft is the one named by d.ID, or
// a new one.
func (s *Service) SaveDraft(ctx context.Context, v *identity.Viewer, d Draft) (int64, error) {
	if utf8.RuneCountInString(d.Body) > maxDraftBody || utf8.RuneCountInString(d.Title) > 1000 {
		return 0, apperr.FieldErrors{"body": "This draft is too long to keep."}
	}
	if d.Fields == nil {
		d.Fields = map[string]string{}
	}
	if err := s.limits.Allow(ctx, fmt.Sprintf("draft:%d", v.UserID), draftLimit); err != nil {
		return 0, err
	}
	conn := s.db.WithContext(ctx)
	now := s.now()
	var id int64
	switch {
	case d.CaseID != nil:
		err := conn.Raw(`INSERT INTO drafts (user_id, case_id, body, fields, reason, updated_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (user_id, case_id) WHERE case_id IS NOT NULL DO UPDATE SET body = EXCLUDED.body, fields = EXCLUDED.fields,
			reason = EXCLUDED.reason, updated_at = EXCLUDED.updated_at RETURNING id`,
			v.UserID, *d.CaseID, d.Body, jsonFields(d.Fields), d.Reason, now).Row().Scan(&id)
		return id, err
	case d.ID != 0:
		res := conn.Exec(`UPDATE drafts SET title = ?, body = ?, fields = ?, reason = ?, updated_at = ?
			WHERE id = ? AND user_id = ? AND case_id IS NULL`, d.Title, d.Body, jsonFields(d.Fields), d.Reason, now, d.ID, v.UserID)
		if res.Error != nil || res.RowsAffected == 1 {
			return d.ID, res.Error
		}
		// a draft published or deleted meanwhile (another tab): keep this text as a new one
	}
	err := conn.Raw(`INSERT INTO drafts (user_id, title, body, fields, reason, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		v.UserID, d.Title, d.Body, jsonFields(d.Fields), d.Reason, now).Row().Scan(&id)
	return id, err
}

// Drafts lists the member's own drafts, newest first.
func (s *Service) Drafts(ctx context.Context, v *identity.Viewer) ([]Draft, error) {
	var list []Draft
	err := s.db.WithContext(ctx).Raw(`SELECT d.id, d.case_id, COALESCE(c.title, '') AS case_title, d.title, d.body, d.fields,
		d.reason, d.updated_at FROM drafts d LEFT JOIN cases c ON c.id = d.case_id AND c.deleted_at IS NULL
		WHERE d.user_id = ? ORDER BY d.updated_at DESC, d.id DESC`, v.UserID).Scan(&list).Error
	return list, err
}

// DraftByID returns one of the member's drafts; anyone else's does not exist.
func (s *Service) DraftByID(ctx context.Context, v *identity.Viewer, id int64) (*Draft, error) {
	var d Draft
	err := s.db.WithContext(ctx).Raw(`SELECT id, case_id, title, body, fields, reason, updated_at FROM drafts
		WHERE id = ? AND user_id = ?`, id, v.UserID).Scan(&d).Error
	if err != nil {
		return nil, err
	}
	if d.ID == 0 {
		return nil, fmt.Errorf("draft %d: %w", id, apperr.ErrNotFound)
	}
	return &d, nil
}

// DeleteDraft discards one of the member's drafts (published, or given up).
func (s *Service) DeleteDraft(ctx context.Context, v *identity.Viewer, id int64) error {
	deleted, err := s.discardDraft(ctx, v, id)
	if err == nil && !deleted { // gone already, or another member's: alike
		return fmt.Errorf("draft %d: %w", id, apperr.ErrNotFound)
	}
	return err
}

// discardDraft deletes the member's draft id, if there is one.
func (s *Service) discardDraft(ctx context.Context, v *identity.Viewer, id int64) (bool, error) {
	res := db.Conn(ctx, s.db).Exec("DELETE FROM drafts WHERE id = ? AND user_id = ?", id, v.UserID)
	if res.Error != nil {
		return false, fmt.Errorf("delete draft: %w", res.Error)
	}
	return res.RowsAffected > 0, nil
}

// deleteReplyDraft discards the member's reply draft for a case once the reply is published.
func (s *Service) deleteReplyDraft(ctx context.Context, v *identity.Viewer, caseID int64) error {
	return db.Conn(ctx, s.db).Exec("DELETE FROM drafts WHERE user_id = ? AND case_id = ?", v.UserID, caseID).Error
}

func jsonFields(m map[string]string) string {
	b, err := json.Marshal(m)
	if err != nil {
		return "{}"
	}
	return string(b)
}

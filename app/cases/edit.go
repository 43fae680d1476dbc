package cases

import (
	"context"
	"fmt"
	"slices"
	"time"

	"curbside/app/accounts"
	"curbside/app/apperr"
	"curbside/app/audit"
	"curbside/app/db"
	"curbside/app/identity"
	"curbside/app/markdown"
	"curbside/app/phi"
)

// CaseEdit is an author's change to their case; the specialty and the
// anonymity chosen at publication stay as they were.
type CaseEdit struct {
	Title, Body, Tags         string
	AgeBand, Sex, CareSetting string
	PHIAck                    bool
}

// EditCase changes the author's case, keeping the earlier version for
// moderators, and tells only members newly mentioned.
func (s *Service) EditCase(ctx context.Context, v *identity.Viewer, id int64, in CaseEdit, meta identity.Meta) error {
	var old struct {
		AuthorID    int64
		Title, Body string
		Anonymous   bool
		SpecialtyID int16
	}
	if err := s.db.WithContext(ctx).Raw("SELECT author_id, title, body, anonymous, specialty_id FROM cases WHERE id = ? AND deleted_at IS NULL AND hidden_at IS NULL", id).
		Scan(&old).Error; err != nil {
		return err
	}
	if old.AuthorID == 0 {
		return fmt.Errorf("case %d: %w", id, apperr.ErrNotFound)
	}
	if old.AuthorID != v.UserID {
		return ErrNotAuthor
	}
	sp, err := s.accounts.Specialties(ctx)
	if err != nil {
		return err
	}
	nc := NewCase{Title: in.Title, Body: in.Body, Tags: in.Tags, AgeBand: in.AgeBand, Sex: in.Sex, CareSetting: in.CareSetting,
		Specialty: specialtySlug(sp, old.SpecialtyID)}
	_, tags, err := s.validate(ctx, &nc)
	if err != nil {
		return err
	}
	flagged, err := phi.Guard(in.PHIAck, map[string]string{"title": nc.Title, "body": nc.Body})
	if err != nil {
		return err
	}
	rendered := markdown.Render(nc.Body)
	return db.Tx(ctx, s.db, func(ctx context.Context) error {
		tx := db.Conn(ctx, s.db)
		now := s.now()
		if err := tx.Exec("INSERT INTO post_revisions (case_id, editor_id, title, body, created_at) VALUES (?, ?, ?, ?, ?)",
			id, v.UserID, old.Title, old.Body, now).Error; err != nil {
			return fmt.Errorf("keep revision: %w", err)
		}
		if err := tx.Exec(`UPDATE cases SET title = ?, body = ?, body_html = ?, age_band = ?, sex = ?, care_setting = ?,
			edited_at = ?, phi_ack = phi_ack OR ? WHERE id = ?`, nc.Title, nc.Body, rendered.HTML, nullable(nc.AgeBand),
			nullable(nc.Sex), nullable(nc.CareSetting), now, flagged, id).Error; err != nil {
			return fmt.Errorf("edit case: %w", err)
		}
		if err := s.storeTags(ctx, id, tags); err != nil {
			return err
		}
		if err := s.recordPost(ctx, v, auditCaseEdited, auditPHIAcked, "case", id, flagged, meta); err != nil {
			return err
		}
		return s.notifyMentions(ctx, v, id, old.Anonymous, newlyMentioned(old.Body, rendered.Mentions))
	})
}

func specialtySlug(list []accounts.Specialty, id int16) string {
	for _, sp := range list {
		if sp.ID == id {
			return sp.Slug
		}
	}
	return ""
}

// newlyMentioned lists the handles that the new text mentions and the old did not.
func newlyMentioned(old string, now []string) []string {
	before := markdown.Mentions(old)
	var fresh []string
	for _, h := range now {
		if !slices.Contains(before, h) {
			fresh = append(fresh, h)
		}
	}
	return fresh
}

// EditReply changes the author's reply, keeping the earlier version.
func (s *Service) EditReply(ctx context.Context, v *identity.Viewer, replyID int64, body string, ack bool, meta identity.Meta) (int64, error) {
	var old struct {
		CaseID, AuthorID int64
		Body             string
		Anonymous        bool
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT r.case_id, r.author_id, r.body, r.anonymous FROM replies r JOIN cases c ON c.id = r.case_id
		WHERE r.id = ? AND r.deleted_at IS NULL AND r.hidden_at IS NULL AND c.deleted_at IS NULL AND c.hidden_at IS NULL`, replyID).Scan(&old).Error; err != nil {
		return 0, err
	}
	if old.CaseID == 0 {
		return 0, fmt.Errorf("reply %d: %w", replyID, apperr.ErrNotFound)
	}
	if old.AuthorID != v.UserID {
		return 0, fmt.Errorf("someone else's reply: %w", apperr.ErrForbidden)
	}
	errs := apperr.FieldErrors{}
	body = errs.Text("body", body, MaxBody, "Write your reply.")
	if err := errs.OrNil(); err != nil {
		return 0, err
	}
	flagged, err := phi.Guard(ack, map[string]string{"body": body})
	if err != nil {
		return 0, err
	}
	rendered := markdown.Render(body)
	return old.CaseID, db.Tx(ctx, s.db, func(ctx context.Context) error {
		tx := db.Conn(ctx, s.db)
		now := s.now()
		if err := tx.Exec("INSERT INTO post_revisions (case_id, reply_id, editor_id, body, created_at) VALUES (?, ?, ?, ?, ?)",
			old.CaseID, replyID, v.UserID, old.Body, now).Error; err != nil {
			return fmt.Errorf("keep revision: %w", err)
		}
		if err := tx.Exec("UPDATE replies SET body = ?, body_html = ?, edited_at = ?, phi_ack = phi_ack OR ? WHERE id = ?",
			body, rendered.HTML, now, flagged, replyID).Error; err != nil {
			return fmt.Errorf("edit reply: %w", err)
		}
		if err := s.recordPost(ctx, v, auditReplyEdited, auditReplyPHIAcked, "reply", replyID, flagged, meta); err != nil {
			return err
		}
		return s.notifyMentions(ctx, v, old.CaseID, old.Anonymous, newlyMentioned(old.Body, rendered.Mentions))
	})
}

// DeleteCase withdraws the author's case from every list and page; the row
// stays for moderators and the audit log.
func (s *Service) DeleteCase(ctx context.Context, v *identity.Viewer, id int64, meta identity.Meta) error {
	return db.Tx(ctx, s.db, func(ctx context.Context) error {
		c, err := s.visibleCase(ctx, id)
		if err != nil {
			return err
		}
		if c.AuthorID != v.UserID {
			return ErrNotAuthor
		}
		if err := db.Conn(ctx, s.db).Exec("UPDATE cases SET deleted_at = ? WHERE id = ?", s.now(), id).Error; err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Event{ActorID: v.UserID, Action: auditCaseDeleted, TargetType: "case", TargetID: id, IP: meta.IP})
	})
}

// DeleteReply withdraws the author's reply; its place in the thread says so.
func (s *Service) DeleteReply(ctx context.Context, v *identity.Viewer, replyID int64, meta identity.Meta) (int64, error) {
	var caseID int64
	err := db.Tx(ctx, s.db, func(ctx context.Context) error {
		tx := db.Conn(ctx, s.db)
		var r struct{ CaseID, AuthorID int64 }
		if err := tx.Raw("SELECT case_id, author_id FROM replies WHERE id = ? AND deleted_at IS NULL FOR UPDATE", replyID).Scan(&r).Error; err != nil {
			return err
		}
		if r.CaseID == 0 {
			return fmt.Errorf("reply %d: %w", replyID, apperr.ErrNotFound)
		}
		if r.AuthorID != v.UserID {
			return fmt.Errorf("someone else's reply: %w", apperr.ErrForbidden)
		}
		caseID = r.CaseID
		if err := tx.Exec("UPDATE replies SET deleted_at = ? WHERE id = ?", s.now(), replyID).Error; err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE cases SET reply_count = greatest(reply_count - 1, 0),
			accepted_reply_id = NULLIF(accepted_reply_id, ?) WHERE id = ?`, replyID, caseID).Error; err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Event{ActorID: v.UserID, Action: auditReplyDeleted, TargetType: "reply", TargetID: replyID, IP: meta.IP})
	})
	return caseID, err
}

// Revision is an earlier version of a case or reply.
type Revision struct {
	ReplyID   *int64
	Editor    string
	Title     *string
	Body      string
	CreatedAt time.Time
}

// History lists a case's earlier versions, and its replies', for moderators;
// the read is audited since it may name an anonymous author's edits.
func (s *Service) History(ctx context.Context, v *identity.Viewer, caseID int64, meta identity.Meta) ([]Revision, error) {
	if !v.CanModerate() {
		return nil, fmt.Errorf("case history: %w", apperr.ErrForbidden)
	}
	var list []Revision
	err := s.db.WithContext(ctx).Raw(`SELECT p.reply_id, u.handle AS editor, p.title, p.body, p.created_at
		FROM post_revisions p JOIN users u ON u.id = p.editor_id WHERE p.case_id = ? ORDER BY p.id DESC`, caseID).Scan(&list).Error
	if err != nil {
		return nil, err
	}
	return list, s.audit.Record(ctx, audit.Event{ActorID: v.UserID, Action: "case.history_viewed", TargetType: "case", TargetID: caseID, IP: meta.IP})
}

// OwnReply loads the member's own reply, to edit it.
func (s *Service) OwnReply(ctx context.Context, v *identity.Viewer, replyID int64) (*Reply, error) {
	var r struct {
		CaseID, AuthorID int64
		Body             string
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT r.case_id, r.author_id, r.body FROM replies r JOIN cases c ON c.id = r.case_id
		WHERE r.id = ? AND r.deleted_at IS NULL AND r.hidden_at IS NULL AND c.deleted_at IS NULL AND c.hidden_at IS NULL`, replyID).Scan(&r).Error; err != nil {
		return nil, err
	}
	if r.CaseID == 0 {
		return nil, fmt.Errorf("reply %d: %w", replyID, apperr.ErrNotFound)
	}
	if r.AuthorID != v.UserID {
		return nil, fmt.Errorf("someone else's reply: %w", apperr.ErrForbidden)
	}
	return &Reply{ID: replyID, CaseID: r.CaseID, Body: r.Body, Mine: true}, nil
}

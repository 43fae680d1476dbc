package cases

import (
	"context"
	"fmt"

	"curbside/app/apperr"
	"curbside/app/audit"
	"curbside/app/db"
	"curbside/app/identity"
	"curbside/app/markdown"
	"curbside/app/phi"
)

// ErrNotAuthor refuses what only a case's author may do.
var ErrNotAuthor = fmt.Errorf("only the case's author may do this: %w", apperr.ErrForbidden)

// caseHead is what the rules need of a case to decide.
type caseHead struct {
	ID              int64
	AuthorID        int64
	Anonymous       bool
	AcceptedReplyID *int64
}

// visibleCase loads a case that has not been deleted.
func (s *Service) visibleCase(ctx context.Context, id int64) (*caseHead, error) {
	var c caseHead
	err := db.Conn(ctx, s.db).Raw("SELECT id, author_id, anonymous, accepted_reply_id FROM cases WHERE id = ? AND deleted_at IS NULL AND hidden_at IS NULL", id).
		Scan(&c).Error
	if err != nil {
		return nil, fmt.Errorf("load case %d: %w", id, err)
	}
	if c.ID == 0 {
		return nil, fmt.Errorf("case %d: %w", id, apperr.ErrNotFound)
	}
	return &c, nil
}

// NewReply is what a member answers.
type NewReply struct {
	Body              string
	Anonymous, PHIAck bool
}

// AddReply answers a case and returns the reply's id; the case moves to the
// top of the lists and its followers hear of it.
func (s *Service) AddReply(ctx context.Context, v *identity.Viewer, caseID int64, in NewReply, meta identity.Meta) (int64, error) {
	c, err := s.visibleCase(ctx, caseID)
	if err != nil {
		return 0, err
	}
	errs := apperr.FieldErrors{}
	in.Body = errs.Text("body", in.Body, MaxBody, "Write your reply.")
	if err := errs.OrNil(); err != nil {
		return 0, err
	}
	flagged, err := phi.Guard(in.PHIAck, map[string]string{"body": in.Body})
	if err != nil {
		return 0, err
	}
	if err := s.limits.Allow(ctx, fmt.Sprintf("post:%d", v.UserID), postLimit); err != nil {
		return 0, err
	}
	rendered := markdown.Render(in.Body)
	var id int64
	err = db.Tx(ctx, s.db, func(ctx context.Context) error {
		tx := db.Conn(ctx, s.db)
		if err := tx.Raw(`INSERT INTO replies (case_id, author_id, body, body_html, anonymous, phi_ack)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, c.ID, v.UserID, in.Body, rendered.HTML, in.Anonymous, flagged).
			Row().Scan(&id); err != nil {
			return fmt.Errorf("store reply: %w", err)
		}
		if err := tx.Exec("UPDATE cases SET reply_count = reply_count + 1, last_activity_at = ? WHERE id = ?", s.now(), c.ID).Error; err != nil {
			return err
		}
		if err := s.follow(ctx, v.UserID, c.ID); err != nil {
			return err
		}
		if err := s.deleteReplyDraft(ctx, v, c.ID); err != nil {
			return err
		}
		if err := s.markRead(ctx, v.UserID, c.ID); err != nil {
			return err
		}
		if err := s.recordPost(ctx, v, "reply.created", auditReplyPHIAcked, "reply", id, flagged, meta); err != nil {
			return err
		}
		if err := s.notifyMentions(ctx, v, c.ID, in.Anonymous, rendered.Mentions); err != nil {
			return err
		}
		return s.notifyFollowers(ctx, v, c.ID, in.Anonymous, rendered.Mentions)
	})
	return id, err
}

// ToggleHelpful marks a reply helpful for the viewer, or takes the mark
// back; it returns whether the reply is now marked and its count. Members
// cannot mark their own replies.
func (s *Service) ToggleHelpful(ctx context.Context, v *identity.Viewer, replyID int64) (marked bool, count int, caseID int64, err error) {
	err = db.Tx(ctx, s.db, func(ctx context.Context) error {
		tx := db.Conn(ctx, s.db)
		var r struct {
			CaseID   int64
			AuthorID int64
		}
		if err := tx.Raw(`SELECT r.case_id, r.author_id FROM replies r JOIN cases c ON c.id = r.case_id
			WHERE r.id = ? AND r.deleted_at IS NULL AND r.hidden_at IS NULL AND c.deleted_at IS NULL AND c.hidden_at IS NULL FOR UPDATE OF r`, replyID).Scan(&r).Error; err != nil {
			return err
		}
		if r.CaseID == 0 {
			return fmt.Errorf("reply %d: %w", replyID, apperr.ErrNotFound)
		}
		if r.AuthorID == v.UserID {
			return fmt.Errorf("one's own reply: %w", apperr.ErrConflict)
		}
		caseID = r.CaseID
		res := tx.Exec("DELETE FROM reply_helpful WHERE reply_id = ? AND user_id = ?", replyID, v.UserID)
		if res.Error != nil {
			return res.Error
		}
		delta := -1
		if res.RowsAffected == 0 {
			if err := tx.Exec("INSERT INTO reply_helpful (reply_id, user_id, case_id) VALUES (?, ?, ?)", replyID, v.UserID, r.CaseID).Error; err != nil {
				return err
			}
			delta, marked = 1, true
		}
		return tx.Raw("UPDATE replies SET helpful_count = helpful_count + ? WHERE id = ? RETURNING helpful_count", delta, replyID).
			Row().Scan(&count)
	})
	return marked, count, caseID, err
}

// Accept marks a reply as the answer to the author's case, or, for the
// reply already accepted, takes that back.
func (s *Service) Accept(ctx context.Context, v *identity.Viewer, caseID, replyID int64) error {
	return db.Tx(ctx, s.db, func(ctx context.Context) error {
		tx := db.Conn(ctx, s.db)
		c, err := s.visibleCase(ctx, caseID)
		if err != nil {
			return err
		}
		if c.AuthorID != v.UserID {
			return ErrNotAuthor
		}
		var n int64
		if err := tx.Raw("SELECT count(*) FROM replies WHERE id = ? AND case_id = ? AND deleted_at IS NULL", replyID, caseID).
			Row().Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("reply %d of case %d: %w", replyID, caseID, apperr.ErrNotFound)
		}
		var accepted *int64
		if c.AcceptedReplyID == nil || *c.AcceptedReplyID != replyID {
			accepted = &replyID
		}
		return tx.Exec("UPDATE cases SET accepted_reply_id = ? WHERE id = ?", accepted, caseID).Error
	})
}

// SetOutcome records what happened to the patient, shown at the top of the
// case; only its author may tell.
func (s *Service) SetOutcome(ctx context.Context, v *identity.Viewer, caseID int64, text string, ack bool, meta identity.Meta) error {
	c, err := s.visibleCase(ctx, caseID)
	if err != nil {
		return err
	}
	if c.AuthorID != v.UserID {
		return ErrNotAuthor
	}
	errs := apperr.FieldErrors{}
	text = errs.Text("outcome", text, 5000, "Say what happened: the diagnosis, the treatment, how the patient did.")
	if err := errs.OrNil(); err != nil {
		return err
	}
	flagged, err := phi.Guard(ack, map[string]string{"outcome": text})
	if err != nil {
		return err
	}
	return db.Tx(ctx, s.db, func(ctx context.Context) error {
		now := s.now()
		if err := db.Conn(ctx, s.db).Exec(`UPDATE cases SET outcome = ?, outcome_html = ?, outcome_at = ?, last_activity_at = ?,
			phi_ack = phi_ack OR ? WHERE id = ?`, text, markdown.Render(text).HTML, now, now, flagged, caseID).Error; err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Event{ActorID: v.UserID, Action: "case.outcome", TargetType: "case", TargetID: caseID, IP: meta.IP})
	})
}

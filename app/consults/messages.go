package consults

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

// NewMessage is a message as the form sends it.
type NewMessage struct {
	Body string
	// Answer, from the consultant, marks the message as the answer.
	Answer      bool
	PHIAck      bool
	Attachments []Upload
}

type messageRow struct {
	ID        int64
	ConsultID int64
	AuthorID  int64
	Body      string
	BodyHTML  string
	IsAnswer  bool
	PHIAck    bool `gorm:"column:phi_ack"`
}

func (messageRow) TableName() string { return "consult_messages" }

// Post adds a message to a consult's thread, between its requester and its
// consultant. The consultant's first answer moves the consult to answered;
// a later one marked as the answer takes the mark from the earlier.
func (s *Service) Post(ctx context.Context, v *identity.Viewer, id int64, in NewMessage, meta identity.Meta) (int64, error) {
	errs := apperr.FieldErrors{}
	in.Body = errs.Text("body", in.Body, MaxMessage, "Write your message.")
	// Who may write is settled before any work (a rate-limit count, decoding
	// images), and again under the lock.
	st, rel, err := s.peek(ctx, v, id)
	if err != nil {
		return 0, err
	}
	if err := mayWrite(st, rel, id, in.Answer); err != nil {
		return 0, err
	}
	if err := errs.OrNil(); err != nil {
		return 0, err
	}
	flagged, err := phi.Guard(in.PHIAck, map[string]string{"body": in.Body})
	if err != nil {
		return 0, err
	}
	if err := s.limits.Allow(ctx, fmt.Sprintf("consult-message:%d", v.UserID), messageLimit); err != nil {
		return 0, err
	}
	attachments, err := cleanAttachments(ctx, in.Attachments)
	if err != nil {
		return 0, err
	}
	var row messageRow
	err = db.Tx(ctx, s.db, func(ctx context.Context) error {
		st, rel, err := s.lock(ctx, v, id)
		if err != nil {
			return err
		}
		if err := mayWrite(st, rel, id, in.Answer); err != nil {
			return err
		}
		tx := db.Conn(ctx, s.db)
		if in.Answer {
			if err := tx.Exec("UPDATE consult_messages SET is_answer = false WHERE consult_id = ? AND is_answer", id).Error; err != nil {
				return err
			}
		}
		row = messageRow{ConsultID: id, AuthorID: v.UserID, Body: in.Body, BodyHTML: markdown.Render(in.Body).HTML,
			IsAnswer: in.Answer, PHIAck: flagged}
		if err := tx.Create(&row).Error; err != nil {
			return fmt.Errorf("store consult message: %w", err)
		}
		if err := s.storeAttachments(ctx, v.UserID, id, &row.ID, attachments); err != nil {
			return err
		}
		if flagged {
			if err := s.audit.Record(ctx, audit.Event{ActorID: v.UserID, Action: auditMessagePHI, TargetType: "consult", TargetID: id, IP: meta.IP}); err != nil {
				return err
			}
		}
		return s.afterMessage(ctx, v, st, rel, in.Answer)
	})
	return row.ID, err
}

// mayWrite decides who may write on a consult: its two parties while they
// talk it through, and only its consultant gives the answer.
func mayWrite(st *state, rel relation, id int64, answer bool) error {
	switch {
	case !rel.party():
		return refuse(rel, id, ErrNotParty)
	case st.Status != StatusClaimed && st.Status != StatusAnswered:
		return statusConflict(st.Status)
	case answer && rel != consultant:
		return ErrNotConsultant
	}
	return nil
}

// afterMessage moves a consult its first answer reaches, and tells the
// other party.
func (s *Service) afterMessage(ctx context.Context, v *identity.Viewer, st *state, rel relation, answer bool) error {
	if answer && st.Status == StatusClaimed {
		if err := s.move(ctx, v, st, "answered", StatusAnswered, map[string]any{"answered_at": s.now()}); err != nil {
			return err
		}
		return s.tellMember(ctx, st.ID, st.RequesterID, "Your consult was answered",
			"The specialist answered your consult. Read the answer, ask a follow-up, or close it when you are done.")
	}
	if rel == consultant {
		return s.tellMember(ctx, st.ID, st.RequesterID, "New message on your consult", "The specialist wrote on your consult.")
	}
	return s.tellMember(ctx, st.ID, *st.ConsultantID, "New message on a consult you claimed", "The requester wrote on the consult.")
}

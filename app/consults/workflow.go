package consults

import (
	"context"
	"fmt"
	"strconv"

	"gorm.io/gorm/clause"

	"curbside/app/apperr"
	"curbside/app/audit"
	"curbside/app/db"
	"curbside/app/identity"
	"curbside/app/phi"
)

// Refusals of moves by members who may see a consult but not make that
// move; each is an apperr.ErrForbidden.
var (
	ErrOwnConsult     = fmt.Errorf("claiming one's own consult: %w", apperr.ErrForbidden)
	ErrOtherSpecialty = fmt.Errorf("not of the consult's specialty: %w", apperr.ErrForbidden)
	ErrNotConsultant  = fmt.Errorf("only its consultant may do this: %w", apperr.ErrForbidden)
	ErrNotAddressee   = fmt.Errorf("only the colleague it was addressed to may do this: %w", apperr.ErrForbidden)
	ErrNotRequester   = fmt.Errorf("only its requester may do this: %w", apperr.ErrForbidden)
	ErrNotParty       = fmt.Errorf("only its requester and consultant may write on it: %w", apperr.ErrForbidden)
)

// Each move locks the consult's row, decides from the viewer and the
// consult as they are now, changes it and records the move on the
// timeline, in one transaction: of two specialists claiming at once, the
// second finds it claimed.

// lock reads a consult's state for a move, locked until the transaction
// ends. One the viewer has no business with is not found.
func (s *Service) lock(ctx context.Context, v *identity.Viewer, id int64) (*state, relation, error) {
	return s.state(ctx, v, id, true)
}

// peek reads a consult's state without locking it, to refuse what the
// viewer may not do before any work is done (the move checks again under
// the lock).
func (s *Service) peek(ctx context.Context, v *identity.Viewer, id int64) (*state, relation, error) {
	return s.state(ctx, v, id, false)
}

func (s *Service) state(ctx context.Context, v *identity.Viewer, id int64, locked bool) (*state, relation, error) {
	var st state
	q := db.Conn(ctx, s.db).Table("consults")
	if locked {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	err := q.Select("id, requester_id, specialty_id, addressed_to, consultant_id, status, urgency").Where("id = ?", id).Take(&st).Error
	if err != nil {
		return nil, stranger, notFoundOr(id, err)
	}
	rel := relationTo(v, &st)
	if rel == stranger {
		return nil, rel, notFound(id)
	}
	return &st, rel, nil
}

// move changes a consult's status (and whatever else set says) if it is
// still in from, and records the move.
func (s *Service) move(ctx context.Context, v *identity.Viewer, st *state, action, to string, set map[string]any) error {
	set["status"] = to
	if err := db.Conn(ctx, s.db).Table("consults").Where("id = ?", st.ID).Updates(set).Error; err != nil {
		return fmt.Errorf("%s consult %d: %w", action, st.ID, err)
	}
	return s.record(ctx, st.ID, v.UserID, action, st.Status, to)
}

// Claim makes the viewer, a specialist of the consult's specialty, its
// consultant. The colleague a consult is addressed to claims it before
// anyone else may.
func (s *Service) Claim(ctx context.Context, v *identity.Viewer, id int64) error {
	return db.Tx(ctx, s.db, func(ctx context.Context) error {
		st, rel, err := s.lock(ctx, v, id)
		if err != nil {
			return err
		}
		ofSpecialty := v.SpecialtyID != nil && *v.SpecialtyID == st.SpecialtyID
		lostRace := st.Status == StatusClaimed || st.Status == StatusAnswered
		switch {
		case rel == requester:
			return ErrOwnConsult
		case !ofSpecialty && rel != addressee:
			return refuse(rel, id, ErrOtherSpecialty)
		case rel == colleague && !lostRace:
			// It left the queue otherwise than by a claim: none of their business.
			return notFound(id)
		case st.Status != StatusOpen:
			return statusConflict(st.Status)
		case st.AddressedTo != nil && rel != addressee:
			return &apperr.Conflict{Message: "This consult was addressed to a named colleague, who may claim it first."}
		}
		if err := s.move(ctx, v, st, "claimed", StatusClaimed, map[string]any{"consultant_id": v.UserID,
			"addressed_to": nil, "first_claimed_at": coalesceNow(s)}); err != nil {
			return err
		}
		if err := s.keepRoom(ctx, st, v.UserID, true); err != nil {
			return err
		}
		return s.tellMember(ctx, id, st.RequesterID, "Your consult was claimed",
			"A specialist claimed your consult and will answer it. Open it to follow the thread.")
	})
}

// coalesceNow keeps the first claim's time when a released consult is
// claimed again: turnaround counts from the first response.
func coalesceNow(s *Service) clause.Expr {
	return clause.Expr{SQL: "COALESCE(first_claimed_at, ?)", Vars: []any{s.now()}}
}

// moveAs runs a move that one party may make from one status: it locks the
// consult, refuses anyone else (why) and any other status (409), then
// makes the move with do.
func (s *Service) moveAs(ctx context.Context, v *identity.Viewer, id int64, who relation, why error, from string,
	do func(ctx context.Context, st *state) error) error {
	return db.Tx(ctx, s.db, func(ctx context.Context) error {
		st, rel, err := s.lock(ctx, v, id)
		if err != nil {
			return err
		}
		if rel != who {
			return refuse(rel, id, why)
		}
		if st.Status != from {
			return statusConflict(st.Status)
		}
		return do(ctx, st)
	})
}

// Release gives a claimed consult back to its specialty's queue.
func (s *Service) Release(ctx context.Context, v *identity.Viewer, id int64) error {
	return s.moveAs(ctx, v, id, consultant, ErrNotConsultant, StatusClaimed, func(ctx context.Context, st *state) error {
		if err := s.move(ctx, v, st, "released", StatusOpen, map[string]any{"consultant_id": nil}); err != nil {
			return err
		}
		if err := s.keepRoom(ctx, st, 0, true); err != nil {
			return err
		}
		if err := s.tellMember(ctx, id, st.RequesterID, "Your consult is back in the queue",
			"The specialist who claimed your consult released it; another member of the specialty can claim it now."); err != nil {
			return err
		}
		return s.retell(ctx, st, v.UserID)
	})
}

// Decline passes a consult addressed to the viewer to the whole specialty.
func (s *Service) Decline(ctx context.Context, v *identity.Viewer, id int64) error {
	return db.Tx(ctx, s.db, func(ctx context.Context) error {
		st, rel, err := s.lock(ctx, v, id)
		if err != nil {
			return err
		}
		switch {
		case rel == consultant: // claimed it (when it was addressed to them, or not)
			return statusConflict(st.Status)
		case rel != addressee:
			return refuse(rel, id, ErrNotAddressee)
		}
		if err := s.move(ctx, v, st, "declined", StatusOpen, map[string]any{"addressed_to": nil}); err != nil {
			return err
		}
		if err := s.tellMember(ctx, id, st.RequesterID, "Your consult went to the specialty",
			"The colleague you asked first declined; every member of the specialty can claim it now."); err != nil {
			return err
		}
		return s.retell(ctx, st, v.UserID)
	})
}

// retell tells the specialty, but the member who passed it on, that a
// consult waits again.
func (s *Service) retell(ctx context.Context, st *state, passedBy int64) error {
	sp, err := s.accounts.SpecialtyByID(ctx, st.SpecialtyID)
	if err != nil {
		return err
	}
	return s.tellSpecialty(ctx, st.ID, sp, st.Urgency == Urgent, []int64{st.RequesterID, passedBy}, "Consult waiting")
}

// Withdraw takes back a consult nobody has claimed.
func (s *Service) Withdraw(ctx context.Context, v *identity.Viewer, id int64) error {
	return s.moveAs(ctx, v, id, requester, ErrNotRequester, StatusOpen, func(ctx context.Context, st *state) error {
		if err := s.move(ctx, v, st, "withdrawn", StatusWithdrawn, map[string]any{"addressed_to": nil}); err != nil {
			return err
		}
		return s.keepRoom(ctx, st, 0, false) // a room left from an earlier claim takes no more messages

	})
}

// Survey is the requester's close-out survey; every answer is optional.
type Survey struct {
	Rating   string // "1" to "5", or ""
	Referral string // one of Referrals, or ""
	Comment  string
	// PHIAck confirms that what the privacy guard found in the comment
	// identifies no patient.
	PHIAck bool
}

// Close ends an answered consult with the requester's survey.
func (s *Service) Close(ctx context.Context, v *identity.Viewer, id int64, in Survey, meta identity.Meta) error {
	errs := apperr.FieldErrors{}
	var rating any
	if in.Rating != "" {
		n, err := strconv.Atoi(in.Rating)
		if err != nil || n < 1 || n > 5 {
			errs.Add("rating", "Rate the answer from 1 to 5, or leave it unrated.")
		}
		rating = n
	}
	errs.OneOf("referral", in.Referral, Referrals)
	in.Comment = errs.Text("comment", in.Comment, MaxComment, "")
	flagged, err := phi.Guard(in.PHIAck, map[string]string{"comment": in.Comment})
	if err != nil {
		return err
	}
	return s.moveAs(ctx, v, id, requester, ErrNotRequester, StatusAnswered, func(ctx context.Context, st *state) error {
		if err := errs.OrNil(); err != nil {
			return err
		}
		var referral any
		if in.Referral != "" {
			referral = in.Referral
		}
		if err := s.move(ctx, v, st, "closed", StatusClosed, map[string]any{"closed_at": s.now(), "rating": rating,
			"referral": referral, "survey_comment": in.Comment}); err != nil {
			return err
		}
		if err := s.keepRoom(ctx, st, 0, false); err != nil {
			return err
		}
		if flagged {
			if err := s.audit.Record(ctx, audit.Event{ActorID: v.UserID, Action: auditSurveyPHI, TargetType: "consult", TargetID: id, IP: meta.IP}); err != nil {
				return err
			}
		}
		return s.tellMember(ctx, id, *st.ConsultantID, "A consult you answered was closed",
			"The requester closed the consult and said how your answer helped.")
	})
}

// refuse answers a move the viewer may not make: forbidden when they may
// see the consult, not found when its existence is none of their business.
func refuse(rel relation, id int64, why error) error {
	if !rel.canSee() {
		return notFound(id)
	}
	return why
}

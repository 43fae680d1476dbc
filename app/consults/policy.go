package consults

import (
	"errors"
	"fmt"

	"gorm.io/gorm"

	"curbside/app/apperr"
	"curbside/app/identity"
)

// state is what the rules need of a consult to decide who may see it and
// move it.
type state struct {
	ID           int64
	RequesterID  int64
	SpecialtyID  int16
	AddressedTo  *int64
	ConsultantID *int64
	Status       string
	Urgency      string
}

// relation is what the viewer is to a consult.
type relation int

const (
	stranger   relation = iota // nothing: the consult is none of their business
	colleague                  // of its specialty, once it is no longer open to them
	moderator                  // may see it, to moderate, and is audited for it
	specialist                 // of its specialty, while it is open
	addressee                  // the colleague it was addressed to, while it is
	requester
	consultant
)

func relationTo(v *identity.Viewer, st *state) relation {
	switch {
	case v == nil || !v.IsVerified():
		return stranger
	case v.UserID == st.RequesterID:
		return requester
	case st.ConsultantID != nil && *st.ConsultantID == v.UserID:
		return consultant
	case st.AddressedTo != nil && *st.AddressedTo == v.UserID && st.Status == StatusOpen:
		return addressee
	}
	sameSpecialty := v.SpecialtyID != nil && *v.SpecialtyID == st.SpecialtyID
	switch {
	case sameSpecialty && st.Status == StatusOpen:
		return specialist
	case v.CanModerate():
		return moderator
	case sameSpecialty:
		return colleague
	}
	return stranger
}

// String names the relation for the audit log.
func (r relation) String() string {
	return [...]string{"stranger", "colleague", "moderator", "specialist", "addressee", "requester", "consultant"}[r]
}

// party reports whether the relation is one of the consult's two parties,
// whose views are not audited.
func (r relation) party() bool { return r == requester || r == consultant }

// canSee decides who may read a consult: its two parties and moderators
// always, the specialty's members while it is open (waiting for one of
// them). For anyone else it does not exist.
func (r relation) canSee() bool { return r >= moderator }

// Actions are the moves the viewer may make on a consult now.
type Actions struct {
	Claim, Decline, Release, Message, Answer, Close, Withdraw bool
}

func actionsFor(r relation, st *state) Actions {
	open := st.Status == StatusOpen
	reserved := st.AddressedTo != nil && r != addressee
	talking := st.Status == StatusClaimed || st.Status == StatusAnswered
	return Actions{
		Claim:    open && !reserved && (r == specialist || r == addressee),
		Decline:  open && r == addressee,
		Release:  st.Status == StatusClaimed && r == consultant,
		Message:  talking && r.party(),
		Answer:   talking && r == consultant,
		Close:    st.Status == StatusAnswered && r == requester,
		Withdraw: open && r == requester,
	}
}

// statusConflict names where a consult stands when a move does not fit it.
func statusConflict(status string) error {
	msg := map[string]string{
		StatusOpen:      "This consult is open: no specialist has claimed it yet.",
		StatusClaimed:   "This consult has been claimed by a specialist.",
		StatusAnswered:  "This consult has been answered.",
		StatusClosed:    "This consult is closed.",
		StatusWithdrawn: "This consult was withdrawn by its requester.",
	}[status]
	return &apperr.Conflict{Message: msg + " Its status is now “" + status + "”."}
}

// notFound hides a consult from someone it is none of the business of.
func notFound(id int64) error { return fmt.Errorf("consult %d: %w", id, apperr.ErrNotFound) }

// notFoundOr reads a failed lookup of a consult: a missing row is not found.
func notFoundOr(id int64, err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return notFound(id)
	}
	return fmt.Errorf("load consult %d: %w", id, err)
}

package consults

import (
	"context"
	"fmt"

	"curbside/app/accounts"
	"curbside/app/apperr"
	"curbside/app/db"
	"curbside/app/notify"
	"curbside/app/paths"
)

// Notices never carry the question or the summary: they say that a consult
// waits or moved, and link to it, where only those allowed can read it.

// recipient is a member to tell.
type recipient struct {
	ID    int64
	Email string
	Name  string
}

// specialist finds the verified member of the specialty with this handle.
func (s *Service) specialist(ctx context.Context, handle string, specialtyID int16) (*recipient, error) {
	var r recipient
	err := db.Conn(ctx, s.db).Raw(`SELECT id, email, display_name AS name FROM users
		WHERE lower(handle) = lower(?) AND specialty_id = ? AND status = 'verified'`, handle, specialtyID).Scan(&r).Error
	if err != nil {
		return nil, err
	}
	if r.ID == 0 {
		return nil, fmt.Errorf("specialist %q: %w", handle, apperr.ErrNotFound)
	}
	return &r, nil
}

// tellSpecialty tells every verified member of the specialty, but those
// excepted (the requester, and whoever passed it on), that a consult
// waits: in the app, and by mail when it is urgent.
func (s *Service) tellSpecialty(ctx context.Context, consultID int64, sp *accounts.Specialty, urgent bool, except []int64, title string) error {
	var members []recipient
	err := db.Conn(ctx, s.db).Raw(`SELECT id, email FROM users
		WHERE specialty_id = ? AND status = 'verified' AND id NOT IN ? ORDER BY id`, sp.ID, except).Scan(&members).Error
	if err != nil {
		return fmt.Errorf("find %s members: %w", sp.Slug, err)
	}
	notices := make([]notify.Notice, 0, len(members))
	for _, m := range members {
		notices = append(notices, s.waitingNotice(consultID, sp.Name, urgent, title, m))
	}
	if err := s.notify.SendAll(ctx, notices); err != nil {
		return err
	}
	return s.announceWaiting(ctx, consultID, sp.ID, 0, urgent)
}

// announceWaiting tells open pages of the specialty (or of the one member
// asked first) that the consult waits, once the transaction commits.
func (s *Service) announceWaiting(ctx context.Context, consultID int64, specialtyID int16, memberID int64, urgent bool) error {
	if s.Live == nil {
		return nil
	}
	return s.Live.ConsultWaiting(ctx, consultID, specialtyID, memberID, urgent)
}

// tellColleague tells the colleague a consult names that it waits for them first.
func (s *Service) tellColleague(ctx context.Context, consultID int64, specialty string, urgent bool, to recipient) error {
	n := s.waitingNotice(consultID, specialty, urgent, "A consult for you", to)
	n.Body = "A colleague asked you first. Claim it to answer, or decline it to pass it to the " + specialty + " queue."
	if err := s.notify.Send(ctx, n); err != nil {
		return err
	}
	return s.announceWaiting(ctx, consultID, 0, to.ID, urgent)
}

func (s *Service) waitingNotice(consultID int64, specialty string, urgent bool, title string, to recipient) notify.Notice {
	n := notify.Notice{UserID: to.ID, Kind: "consult.waiting", Title: title + " in " + specialty,
		Body: "A colleague asks " + specialty + ". Open the consult to read the question and claim it.",
		Link: paths.Consult(consultID), BaseURL: s.baseURL}
	if urgent {
		n.Title, n.Email = "Urgent: "+n.Title, to.Email
	}
	return n
}

// tellMember tells one party of a consult what the other did.
func (s *Service) tellMember(ctx context.Context, consultID, userID int64, title, body string) error {
	return s.notify.Send(ctx, notify.Notice{UserID: userID, Kind: "consult.moved", Title: title, Body: body,
		Link: paths.Consult(consultID), BaseURL: s.baseURL})
}

package verification

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"curbside/app/accounts"
	"curbside/app/apperr"
	"curbside/app/audit"
	"curbside/app/db"
	"curbside/app/files"
	"curbside/app/identity"
	"curbside/app/notify"
	"curbside/app/paths"
	"curbside/app/verification/registry"
)

// QueueItem is a pending request with the registry's verdict and the
// warnings at a glance.
type QueueItem struct {
	Request
	Verdict  registry.Verdict
	Warnings []Warning
}

// Queue lists the pending requests, oldest first, in three queries whatever
// their number: the requests with their accounts and specialties, the
// registry records of all their NPIs at once, and the warnings of all.
func (s *Service) Queue(ctx context.Context) ([]QueueItem, error) {
	var reqs []Request
	err := s.db.WithContext(ctx).Joins("User").Joins("Specialty").
		Where("verification_requests.status = ?", Pending).
		Order("verification_requests.created_at, verification_requests.id").Find(&reqs).Error
	if err != nil {
		return nil, fmt.Errorf("load queue: %w", err)
	}
	npis := make([]string, len(reqs))
	ids := make([]int64, len(reqs))
	for i, r := range reqs {
		npis[i], ids[i] = r.NPI, r.ID
	}
	records, err := s.registry.LookupMany(ctx, npis)
	if err != nil {
		return nil, err
	}
	warnings, err := s.warnings(ctx, ids)
	if err != nil {
		return nil, err
	}
	items := make([]QueueItem, len(reqs))
	for i, r := range reqs {
		items[i] = QueueItem{Request: r, Verdict: registry.Compare(claimOf(r), records[r.NPI], r.Specialty.TaxonomyCode).Overall,
			Warnings: warnings[r.ID]}
	}
	return items, nil
}

func claimOf(r Request) registry.Claim {
	return registry.Claim{FullName: r.FullName, NPI: r.NPI, LicenseState: r.LicenseState,
		LicenseNumber: r.LicenseNumber, Specialty: r.Specialty.Name}
}

// Review is everything a moderator sees to decide one request.
type Review struct {
	Request    Request
	Comparison registry.Comparison
	History    []Request
	Decider    string
	// Warnings name the other accounts tied to this request.
	Warnings []Warning
	// Board is where the claimed license can be looked up by hand.
	Board BoardLookup
}

// Review loads one request for a moderator.
func (s *Service) Review(ctx context.Context, id int64) (*Review, error) {
	var req Request
	err := s.db.WithContext(ctx).Joins("User").Joins("Specialty").Joins("Document").
		Where("verification_requests.id = ?", id).First(&req).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, fmt.Errorf("verification request %d: %w", id, apperr.ErrNotFound)
	} else if err != nil {
		return nil, err
	}
	rec, err := s.registry.Lookup(ctx, req.NPI)
	if err != nil && !errors.Is(err, apperr.ErrNotFound) {
		return nil, err
	}
	history, err := s.History(ctx, req.UserID)
	if err != nil {
		return nil, err
	}
	warnings, err := s.warnings(ctx, []int64{req.ID})
	if err != nil {
		return nil, err
	}
	rv := &Review{Request: req, Comparison: registry.Compare(claimOf(req), rec, req.Specialty.TaxonomyCode), History: history,
		Warnings: warnings[req.ID], Board: boardLookup(req.LicenseState)}
	if req.DecidedBy != nil {
		u, err := s.accounts.ByID(ctx, *req.DecidedBy)
		if err != nil {
			return nil, fmt.Errorf("decider of request %d: %w", id, err)
		}
		rv.Decider = u.Handle
	}
	return rv, nil
}

// NextPending returns the oldest pending request the moderator may decide
// (not their own), or 0 when none is left.
func (s *Service) NextPending(ctx context.Context, mod *identity.Viewer) (int64, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Model(&Request{}).Where("status = ? AND user_id <> ?", Pending, mod.UserID).
		Order("created_at, id").Limit(1).Pluck("id", &ids).Error
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	return ids[0], nil
}

// Approve verifies the applicant with the claimed specialty.
func (s *Service) Approve(ctx context.Context, mod *identity.Viewer, id int64, meta accounts.Meta) error {
	return s.decide(ctx, mod, id, Approved, "", meta)
}

// Reject turns the request down with a reason the applicant will read.
func (s *Service) Reject(ctx context.Context, mod *identity.Viewer, id int64, reason string, meta accounts.Meta) error {
	return s.decide(ctx, mod, id, Rejected, strings.TrimSpace(reason), meta)
}

// Decisions a moderator may not make.
var (
	ErrOwnRequest         = fmt.Errorf("moderators do not decide their own request: %w", apperr.ErrForbidden)
	ErrApplicantSuspended = fmt.Errorf("the applicant is suspended: %w", apperr.ErrForbidden)
)

// decidable says why a moderator may not make this decision now, in the
// order that helps most: a decided request first, then who decides, then the reason.
func decidable(mod *identity.Viewer, req *Request, outcome, reason string) error {
	switch {
	case req.Status != Pending:
		return fmt.Errorf("request %d is already %s: %w", req.ID, req.Status, apperr.ErrConflict)
	case req.UserID == mod.UserID:
		return ErrOwnRequest
	case req.User.Status == identity.StatusSuspended:
		return ErrApplicantSuspended
	case outcome == Rejected && reason == "":
		return apperr.FieldErrors{"reason": "Say why, so the applicant knows what to correct."}
	case utf8.RuneCountInString(reason) > 2000:
		return apperr.FieldErrors{"reason": "Use at most 2,000 characters."}
	}
	return nil
}

func (s *Service) decide(ctx context.Context, mod *identity.Viewer, id int64, outcome, reason string, meta accounts.Meta) error {
	return db.Tx(ctx, s.db, func(ctx context.Context) error {
		tx := db.Conn(ctx, s.db)
		var req Request
		err := tx.Clauses(clause.Locking{Strength: "UPDATE", Table: clause.Table{Name: "verification_requests"}}).
			Joins("User").Where("verification_requests.id = ?", id).First(&req).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("verification request %d: %w", id, apperr.ErrNotFound)
		} else if err != nil {
			return err
		}
		if err := decidable(mod, &req, outcome, reason); err != nil {
			return err
		}
		updates := map[string]any{"status": outcome, "decided_by": mod.UserID, "decided_at": time.Now().UTC()}
		change := accounts.StatusChange{ActorID: mod.UserID, UserID: req.UserID, Meta: meta}
		notice := notify.Notice{UserID: req.UserID, Email: req.User.Email, Kind: "verification", BaseURL: s.baseURL}
		action := auditApproved
		if outcome == Approved {
			change.To, change.Specialty = identity.StatusVerified, &req.SpecialtyID
			notice.Title = "Your license is verified"
			notice.Body = "Welcome to Curbside. A moderator has verified your license: the case forums, consults and chat are open to you."
			notice.Link = paths.Cases
		} else {
			updates["reason"] = reason
			change.To = identity.StatusRejected
			notice.Title = "Your verification request was not approved"
			notice.Body = "A moderator could not verify your license. Reason: " + reason + "\nYou can correct your details and submit again."
			notice.Link = paths.Verification
			action = auditRejected
		}
		if err := tx.Model(&Request{}).Where("id = ?", id).Updates(updates).Error; err != nil {
			return fmt.Errorf("record decision: %w", err)
		}
		if err := s.accounts.SetStatus(ctx, change); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, audit.Event{ActorID: mod.UserID, Action: action, TargetType: "verification_request",
			TargetID: id, IP: meta.IP, Detail: map[string]string{"user_id": fmt.Sprint(req.UserID)}}); err != nil {
			return err
		}
		return s.notify.Send(ctx, notice)
	})
}

// Document returns a request's document to the applicant or to a member
// who may moderate now; to anyone else it does not exist.
func (s *Service) Document(ctx context.Context, v *identity.Viewer, requestID int64) (*files.File, error) {
	var req Request
	err := s.db.WithContext(ctx).Select("id", "user_id", "document_id").First(&req, requestID).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && req.UserID != v.UserID && !v.CanModerate()):
		return nil, fmt.Errorf("document of request %d: %w", requestID, apperr.ErrNotFound)
	case err != nil:
		return nil, err
	}
	return s.files.Open(ctx, req.DocumentID)
}

// RecordDocumentView writes the view of a request's document to the audit
// log: every look at a license document is accounted for.
func (s *Service) RecordDocumentView(ctx context.Context, v *identity.Viewer, requestID int64, doc *files.File, meta accounts.Meta) error {
	return s.audit.Record(ctx, audit.Event{ActorID: v.UserID, Action: auditDocumentSeen, TargetType: "verification_request",
		TargetID: requestID, IP: meta.IP, Detail: map[string]string{"document_id": fmt.Sprint(doc.ID)}})
}

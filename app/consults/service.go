package consults

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"curbside/app/accounts"
	"curbside/app/apperr"
	"curbside/app/audit"
	"curbside/app/db"
	"curbside/app/files"
	"curbside/app/identity"
	"curbside/app/markdown"
	"curbside/app/notify"
	"curbside/app/phi"
	"curbside/app/ratelimit"
)

// Audit actions of this capability.
const (
	auditRequested  = "consult.requested"
	auditPHIAcked   = "consult.phi_acknowledged"
	auditViewed     = "consult.viewed"
	auditMessagePHI = "consult.message_phi_acknowledged"
	auditSurveyPHI  = "consult.survey_phi_acknowledged"
)

// requestLimit and messageLimit keep one member from flooding specialists.
var (
	requestLimit = ratelimit.Rule{Limit: 20, Window: time.Hour}
	messageLimit = ratelimit.Rule{Limit: 120, Window: time.Hour}
)

// Service holds the consult rules.
type Service struct {
	db       *gorm.DB
	accounts *accounts.Service
	audit    *audit.Log
	notify   *notify.Service
	files    *files.Store
	limits   *ratelimit.Limiter
	baseURL  string
	now      func() time.Time
	// Rooms keeps each claimed consult's chat room (nil: no chat).
	Rooms RoomKeeper
	// Live tells specialists' open pages at once of a consult that waits
	// for them (nil: only the notifications).
	Live LiveQueue
	// pages keeps consults' pages while their version stands (page_cache.go);
	// lists, members' lists of consults while their rows stand (list_cache.go).
	pages *pageCache
	lists *listCache
}

// LiveQueue announces to open pages that a consult waits for a specialty
// (or, addressed, for one member); it carries no clinical content.
type LiveQueue interface {
	ConsultWaiting(ctx context.Context, consultID int64, specialtyID int16, memberID int64, urgent bool) error
}

// RoomKeeper keeps the chat room of a consult: open to its two parties once
// it is claimed (consultantID 0: to the requester alone, after a release),
// closed to new messages when it ends. It runs in the consult's transaction.
type RoomKeeper interface {
	ConsultRoom(ctx context.Context, consultID, requesterID, consultantID int64, open bool) error
}

// keepRoom tells the room keeper, if any, about a consult's move.
func (s *Service) keepRoom(ctx context.Context, st *state, consultantID int64, open bool) error {
	if s.Rooms == nil {
		return nil
	}
	return s.Rooms.ConsultRoom(ctx, st.ID, st.RequesterID, consultantID, open)
}

// NewService returns the consult rules; baseURL makes links in mail absolute.
func NewService(gdb *gorm.DB, acct *accounts.Service, log *audit.Log, n *notify.Service, store *files.Store,
	limits *ratelimit.Limiter, baseURL string) *Service {
	return &Service{db: gdb, accounts: acct, audit: log, notify: n, files: store, limits: limits, baseURL: baseURL,
		now: func() time.Time { return time.Now().UTC() }, pages: newPageCache(keptConsults),
		lists: newListCache(keptMembers)}
}

// NewConsult is a request as the form sends it.
type NewConsult struct {
	Specialty   string // a specialty's slug
	Urgency     string
	Question    string
	Summary     string
	AgeBand     string
	Sex         string
	History     string
	Medications string
	Results     string
	// Colleague is the handle of a specialist asked first, or "".
	Colleague   string
	PHIAck      bool
	Attachments []Upload
}

// consultRow is what Request stores.
type consultRow struct {
	ID                            int64
	RequesterID                   int64
	SpecialtyID                   int16
	AddressedTo                   *int64
	Urgency, Question             string
	Summary, SummaryHTML          string
	AgeBand, Sex                  *string
	History, Medications, Results string
	PHIAck                        bool `gorm:"column:phi_ack"`
	Status                        string
	CreatedAt                     time.Time
}

func (consultRow) TableName() string { return "consults" }

// Request files a consult with a specialty and tells its members (or the
// colleague it names) that it waits; it returns the consult's id.
func (s *Service) Request(ctx context.Context, v *identity.Viewer, in NewConsult, meta identity.Meta) (int64, error) {
	sp, colleague, err := s.validate(ctx, v, &in)
	if err != nil {
		return 0, err
	}
	flagged, err := phi.Guard(in.PHIAck, map[string]string{"question": in.Question, "summary": in.Summary,
		"history": in.History, "medications": in.Medications, "results": in.Results})
	if err != nil {
		return 0, err
	}
	if err := s.limits.Allow(ctx, fmt.Sprintf("consult:%d", v.UserID), requestLimit); err != nil {
		return 0, err
	}
	attachments, err := cleanAttachments(ctx, in.Attachments)
	if err != nil {
		return 0, err
	}
	row := consultRow{RequesterID: v.UserID, SpecialtyID: sp.ID, Urgency: in.Urgency, Question: in.Question,
		Summary: in.Summary, SummaryHTML: markdown.Render(in.Summary).HTML, AgeBand: nullable(in.AgeBand), Sex: nullable(in.Sex),
		History: in.History, Medications: in.Medications, Results: in.Results, PHIAck: flagged, Status: StatusOpen, CreatedAt: s.now()}
	if colleague != nil {
		row.AddressedTo = &colleague.ID
	}
	err = db.Tx(ctx, s.db, func(ctx context.Context) error {
		if err := db.Conn(ctx, s.db).Create(&row).Error; err != nil {
			return fmt.Errorf("store consult: %w", err)
		}
		if err := s.storeAttachments(ctx, v.UserID, row.ID, nil, attachments); err != nil {
			return err
		}
		if err := s.record(ctx, row.ID, v.UserID, "requested", "", StatusOpen); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, audit.Event{ActorID: v.UserID, Action: auditRequested, TargetType: "consult", TargetID: row.ID, IP: meta.IP}); err != nil {
			return err
		}
		if flagged {
			if err := s.audit.Record(ctx, audit.Event{ActorID: v.UserID, Action: auditPHIAcked, TargetType: "consult", TargetID: row.ID, IP: meta.IP}); err != nil {
				return err
			}
		}
		if colleague != nil {
			return s.tellColleague(ctx, row.ID, sp.Name, in.Urgency == Urgent, *colleague)
		}
		return s.tellSpecialty(ctx, row.ID, sp, in.Urgency == Urgent, []int64{v.UserID}, "New consult")
	})
	return row.ID, err
}

// validate checks a request and returns its specialty and the colleague it
// names, if any.
func (s *Service) validate(ctx context.Context, v *identity.Viewer, in *NewConsult) (*accounts.Specialty, *recipient, error) {
	errs := apperr.FieldErrors{}
	in.Question = errs.Text("question", in.Question, MaxQuestion, "Ask the question you want the specialist to answer.")
	in.Summary = errs.Text("summary", in.Summary, MaxSummary, "")
	in.History = errs.Text("history", in.History, MaxSection, "")
	in.Medications = errs.Text("medications", in.Medications, MaxSection, "")
	in.Results = errs.Text("results", in.Results, MaxSection, "")
	if in.Urgency == "" {
		in.Urgency = Routine
	}
	errs.OneOf("urgency", in.Urgency, []string{Routine, Urgent})
	errs.OneOf("age_band", in.AgeBand, phi.AgeBands)
	errs.OneOf("sex", in.Sex, phi.Sexes)
	sp, err := s.accounts.SpecialtyBySlug(ctx, in.Specialty)
	if errors.Is(err, apperr.ErrNotFound) {
		errs.Add("specialty", "Choose the specialty you are asking.")
		sp = nil
	} else if err != nil {
		return nil, nil, err
	}
	var colleague *recipient
	if handle := strings.TrimPrefix(strings.TrimSpace(in.Colleague), "@"); handle != "" && sp != nil {
		colleague, err = s.specialist(ctx, handle, sp.ID)
		switch {
		case errors.Is(err, apperr.ErrNotFound):
			errs.Add("colleague", "No verified "+sp.Name+" member has that handle. Leave it empty to ask the whole specialty.")
		case err != nil:
			return nil, nil, err
		case colleague.ID == v.UserID:
			errs.Add("colleague", "You cannot ask yourself; leave it empty to ask the whole specialty.")
		}
	}
	return sp, colleague, errs.OrNil()
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// record adds a move to the consult's timeline.
func (s *Service) record(ctx context.Context, consultID, actorID int64, action, from, to string) error {
	var actor, fromStatus any
	if actorID != 0 {
		actor = actorID
	}
	if from != "" {
		fromStatus = from
	}
	return db.Conn(ctx, s.db).Exec(`INSERT INTO consult_events (consult_id, actor_id, action, from_status, to_status, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, consultID, actor, action, fromStatus, to, s.now()).Error
}

// Asked reports whether the member has asked this question before, so
// seeding can tell it has run.
func (s *Service) Asked(ctx context.Context, v *identity.Viewer, question string) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Raw("SELECT count(*) FROM consults WHERE requester_id = ? AND question = ?", v.UserID, question).Row().Scan(&n)
	return n > 0, err
}

package cases

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

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

// Limits on what a post may hold.
const (
	MaxTitle     = 200
	MaxBody      = 20000
	MaxTags      = 5
	MaxImages    = 6
	MaxImageSize = 15 << 20
)

// Audit actions of this capability.
const (
	auditCaseCreated   = "case.created"
	auditCaseEdited    = "case.edited"
	auditCaseDeleted   = "case.deleted"
	auditReplyEdited   = "reply.edited"
	auditReplyDeleted  = "reply.deleted"
	auditPHIAcked      = "case.phi_acknowledged"
	auditReplyPHIAcked = "reply.phi_acknowledged"
)

// postLimit keeps one member from flooding the forums.
var postLimit = ratelimit.Rule{Limit: 30, Window: time.Hour}

// Service holds the forum rules.
type Service struct {
	db       *gorm.DB
	accounts *accounts.Service
	audit    *audit.Log
	notify   *notify.Service
	files    *files.Store
	limits   *ratelimit.Limiter
	now      func() time.Time
	// specialties names specialties by id (specialtyIndex).
	specialties atomic.Pointer[specialtyIndex]
	// pages keeps cases' pages while their version stands (page_cache.go).
	pages *pageCache
	// lists keeps lists of cases while the forum's version stands (list_cache.go).
	lists *listCache
}

// NewService returns the forum rules.
func NewService(gdb *gorm.DB, acct *accounts.Service, log *audit.Log, n *notify.Service, store *files.Store, limits *ratelimit.Limiter) *Service {
	return &Service{db: gdb, accounts: acct, audit: log, notify: n, files: store, limits: limits,
		now: func() time.Time { return time.Now().UTC() }, pages: newPageCache(keptCases),
		lists: newListCache(keptLists)}
}

// caseRow is what Create stores; the search vector is the database's to make.
type caseRow struct {
	ID                    int64
	AuthorID              int64
	SpecialtyID           int16
	Title, Body, BodyHTML string
	Anonymous             bool
	AgeBand, Sex          *string
	CareSetting           *string
	PHIAck                bool `gorm:"column:phi_ack"`
	CreatedAt             time.Time
	LastActivityAt        time.Time
}

func (caseRow) TableName() string { return "cases" }

// NewCase is what an author submits.
type NewCase struct {
	Title, Body, Specialty, Tags string
	AgeBand, Sex, CareSetting    string
	Anonymous, PHIAck            bool
	Images                       []Upload
	// DraftID is the draft this publishes, discarded once it is out.
	DraftID int64
}

// Upload is one file from the form.
type Upload struct {
	Name     string
	Data     []byte
	TooLarge bool
}

var tagPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,29}$`)

// ParseTags splits the comma-separated tags into clean, distinct ones.
func ParseTags(raw string) ([]string, string) {
	var tags []string
	for _, t := range strings.Split(raw, ",") {
		t = strings.Join(strings.Fields(strings.ToLower(strings.TrimPrefix(strings.TrimSpace(t), "#"))), "-")
		if t == "" || slices.Contains(tags, t) {
			continue
		}
		if !tagPattern.MatchString(t) {
			return nil, "Tags use letters, digits and dashes, up to 30 characters each."
		}
		tags = append(tags, t)
	}
	if len(tags) > MaxTags {
		return nil, fmt.Sprintf("Use at most %d tags.", MaxTags)
	}
	return tags, ""
}

// validate checks a new case and returns its specialty and tags.
func (s *Service) validate(ctx context.Context, in *NewCase) (*accounts.Specialty, []string, error) {
	errs := apperr.FieldErrors{}
	in.Title = errs.Text("title", in.Title, MaxTitle, "Give the case a short title, such as its main question.")
	in.Body = errs.Text("body", in.Body, MaxBody, "Describe the case: history, findings, what you are asking.")
	sp, err := s.accounts.SpecialtyBySlug(ctx, in.Specialty)
	if errors.Is(err, apperr.ErrNotFound) {
		errs.Add("specialty", "Choose the specialty whose forum should see the case.")
	} else if err != nil {
		return nil, nil, err
	}
	tags, msg := ParseTags(in.Tags)
	if msg != "" {
		errs.Add("tags", msg)
	}
	errs.OneOf("age_band", in.AgeBand, phi.AgeBands)
	errs.OneOf("sex", in.Sex, phi.Sexes)
	errs.OneOf("care_setting", in.CareSetting, CareSettings)
	checkUploads(errs, in.Images)
	return sp, tags, errs.OrNil()
}

func checkUploads(errs apperr.FieldErrors, images []Upload) {
	if len(images) > MaxImages {
		errs.Add("images", fmt.Sprintf("Attach at most %d images.", MaxImages))
	}
	for _, img := range images {
		if img.TooLarge || len(img.Data) > MaxImageSize {
			errs.Add("images", fmt.Sprintf("%s is larger than 15 MiB. Export it at a lower resolution.", cleanName(img.Name)))
		}
	}
}

func cleanName(name string) string {
	name = strings.Map(func(r rune) rune {
		if r < 32 || r == 127 {
			return -1
		}
		return r
	}, name)
	if utf8.RuneCountInString(name) > 60 {
		name = string([]rune(name)[:60]) + "…"
	}
	if name == "" {
		return "An image"
	}
	return name
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Create publishes a case in the chosen specialty's forum and returns its id.
func (s *Service) Create(ctx context.Context, v *identity.Viewer, in NewCase, meta identity.Meta) (int64, error) {
	sp, tags, err := s.validate(ctx, &in)
	if err != nil {
		return 0, err
	}
	flagged, err := phi.Guard(in.PHIAck, map[string]string{"title": in.Title, "body": in.Body})
	if err != nil {
		return 0, err
	}
	if err := s.limits.Allow(ctx, fmt.Sprintf("post:%d", v.UserID), postLimit); err != nil {
		return 0, err
	}
	images, err := cleanImages(ctx, in.Images)
	if err != nil {
		return 0, err
	}
	rendered := markdown.Render(in.Body)
	now := s.now()
	row := caseRow{AuthorID: v.UserID, SpecialtyID: sp.ID, Title: in.Title, Body: in.Body, BodyHTML: rendered.HTML,
		Anonymous: in.Anonymous, AgeBand: nullable(in.AgeBand), Sex: nullable(in.Sex), CareSetting: nullable(in.CareSetting),
		PHIAck: flagged, CreatedAt: now, LastActivityAt: now}
	var id int64
	err = db.Tx(ctx, s.db, func(ctx context.Context) error {
		if err := db.Conn(ctx, s.db).Create(&row).Error; err != nil {
			return fmt.Errorf("store case: %w", err)
		}
		id = row.ID
		if err := s.storeTags(ctx, id, tags); err != nil {
			return err
		}
		if err := s.storeImages(ctx, v.UserID, id, images); err != nil {
			return err
		}
		if err := s.follow(ctx, v.UserID, id); err != nil {
			return err
		}
		if err := s.markRead(ctx, v.UserID, id); err != nil {
			return err
		}
		if _, err := s.discardDraft(ctx, v, in.DraftID); err != nil {
			return err
		}
		if err := s.recordPost(ctx, v, auditCaseCreated, auditPHIAcked, "case", id, flagged, meta); err != nil {
			return err
		}
		return s.notifyMentions(ctx, v, id, in.Anonymous, rendered.Mentions)
	})
	return id, err
}

func (s *Service) storeTags(ctx context.Context, caseID int64, tags []string) error {
	tx := db.Conn(ctx, s.db)
	if err := tx.Exec("DELETE FROM case_tags WHERE case_id = ?", caseID).Error; err != nil {
		return err
	}
	if len(tags) == 0 {
		return nil
	}
	// One statement, so the trigger that copies tags onto the case runs once.
	values := strings.TrimSuffix(strings.Repeat("(?, ?), ", len(tags)), ", ")
	args := make([]any, 0, 2*len(tags))
	for _, t := range tags {
		args = append(args, caseID, t)
	}
	if err := tx.Exec("INSERT INTO case_tags (case_id, tag) VALUES "+values, args...).Error; err != nil {
		return fmt.Errorf("store tags: %w", err)
	}
	return nil
}

// recordPost writes the audit row of a post, and a second one when it was
// published over the privacy guard, which moderators review.
func (s *Service) recordPost(ctx context.Context, v *identity.Viewer, action, ackAction, kind string, id int64, acked bool, meta identity.Meta) error {
	if err := s.audit.Record(ctx, audit.Event{ActorID: v.UserID, Action: action, TargetType: kind, TargetID: id, IP: meta.IP}); err != nil {
		return err
	}
	if !acked {
		return nil
	}
	return s.audit.Record(ctx, audit.Event{ActorID: v.UserID, Action: ackAction, TargetType: kind, TargetID: id, IP: meta.IP})
}

// Exists reports whether the member has a case with this title, so seeding
// can tell it has run before.
func (s *Service) Exists(ctx context.Context, v *identity.Viewer, title string) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Raw("SELECT count(*) FROM cases WHERE author_id = ? AND title = ?", v.UserID, title).Row().Scan(&n)
	return n > 0, err
}

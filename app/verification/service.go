package verification

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"curbside/app/accounts"
	"curbside/app/apperr"
	"curbside/app/audit"
	"curbside/app/db"
	"curbside/app/files"
	"curbside/app/identity"
	"curbside/app/jurisdictions"
	"curbside/app/media"
	"curbside/app/notify"
	"curbside/app/ratelimit"
	"curbside/app/verification/registry"
)

// MaxDocumentBytes is the largest license document accepted.
const MaxDocumentBytes = 10 << 20

// Audit actions of this capability.
const (
	auditSubmitted    = "verification.submitted"
	auditApproved     = "verification.approved"
	auditRejected     = "verification.rejected"
	auditDocumentSeen = "verification.document_viewed"
)

// Service holds the verification rules.
type Service struct {
	db       *gorm.DB
	accounts *accounts.Service
	audit    *audit.Log
	notify   *notify.Service
	registry *registry.Store
	files    *files.Store
	limits   *ratelimit.Limiter
	baseURL  string
}

// NewService returns the verification rules.
func NewService(db *gorm.DB, acct *accounts.Service, log *audit.Log, n *notify.Service, store *files.Store,
	limits *ratelimit.Limiter, baseURL string) *Service {
	return &Service{db: db, accounts: acct, audit: log, notify: n, registry: registry.NewStore(db), files: store,
		limits: limits, baseURL: baseURL}
}

// Application is what an applicant submits.
type Application struct {
	FullName      string
	NPI           string
	LicenseState  string
	LicenseNumber string
	Specialty     string
	FileName      string
	File          []byte // nil: no file chosen
	FileTooLarge  bool
	// DraftToken refers to a document kept from an earlier try, used when
	// no file is chosen.
	DraftToken string
	draftGone  bool // DraftToken named no draft of this member's
}

var licenseNumberPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 .\-/]{0,29}$`)

// validate checks every field but decodes nothing: the document is only
// sniffed here. It returns the specialty.
func (s *Service) validate(ctx context.Context, a *Application) (*accounts.Specialty, error) {
	errs := apperr.FieldErrors{}
	a.FullName = strings.TrimSpace(a.FullName)
	a.NPI = strings.TrimSpace(a.NPI)
	a.LicenseState = strings.ToUpper(strings.TrimSpace(a.LicenseState))
	a.LicenseNumber = strings.TrimSpace(a.LicenseNumber)
	switch n := utf8.RuneCountInString(a.FullName); {
	case n == 0:
		errs.Add("full_name", "Enter your full legal name as it appears on your license.")
	case n > 120:
		errs.Add("full_name", "Use at most 120 characters.")
	}
	if msg := registry.NPIProblem(a.NPI); msg != "" {
		errs.Add("npi", msg)
	}
	if !jurisdictions.Valid(a.LicenseState) {
		errs.Add("license_state", "Choose the state or territory that issued your license.")
	}
	if !licenseNumberPattern.MatchString(a.LicenseNumber) {
		errs.Add("license_number", "Enter the license number as printed: letters, digits, spaces, dots, dashes or slashes, up to 30 characters.")
	}
	sp, err := s.accounts.SpecialtyBySlug(ctx, a.Specialty)
	if errors.Is(err, apperr.ErrNotFound) {
		errs.Add("specialty", "Choose your specialty from the list.")
	} else if err != nil {
		return nil, err
	}
	switch _, sniffErr := media.Sniff(a.File); {
	case a.FileTooLarge || len(a.File) > MaxDocumentBytes:
		errs.Add("document", "The file is larger than 10 MiB. Scan or photograph it at a lower resolution.")
	case len(a.File) == 0 && a.draftGone:
		errs.Add("document", "The document kept for you has expired. Attach it again.")
	case len(a.File) == 0:
		errs.Add("document", "Attach a copy of your license: a PDF, PNG or JPEG file.")
	case sniffErr != nil:
		errs.Add("document", unsupportedMessage)
	}
	return sp, errs.OrNil()
}

const unsupportedMessage = "This file is not a PDF, PNG or JPEG. Other types are refused, whatever their name."

// decodeSlots bounds how many uploaded images are decoded at once: each may
// take a few hundred megabytes while it is re-encoded.
var decodeSlots = make(chan struct{}, 2)

// cleanDocument re-encodes the document without metadata, or says why not.
func cleanDocument(ctx context.Context, a *Application) (media.Cleaned, error) {
	var doc media.Cleaned
	err := withDecodeSlot(ctx, func() (err error) {
		doc, err = media.Clean(a.File, media.DocumentLimits)
		return documentProblem(err)
	})
	return doc, err
}

func withDecodeSlot(ctx context.Context, fn func() error) error {
	select {
	case decodeSlots <- struct{}{}:
		defer func() { <-decodeSlots }()
	case <-ctx.Done():
		return ctx.Err()
	}
	return fn()
}

// documentProblem turns media's refusal into the message at the document
// field.
func documentProblem(err error) error {
	msg := ""
	switch {
	case err == nil:
		return nil
	case errors.Is(err, media.ErrUnsupported):
		msg = unsupportedMessage
	case errors.Is(err, media.ErrTooLarge):
		msg = "This image has too many pixels. Send a scan or photo of at most 25 megapixels."
	case errors.Is(err, media.ErrActiveContent):
		msg = "This PDF " + media.PDFRefusal(err) + ". PDFs with scripts, launch actions, embedded files or automatic actions are refused: " + pdfRemedy
	case errors.Is(err, media.ErrUncheckable):
		msg = "This PDF " + media.PDFRefusal(err) + ", so it is refused: " + pdfRemedy
	default:
		msg = "This file is damaged or incomplete. Export or scan it again."
	}
	return apperr.FieldErrors{"document": msg}
}

const pdfRemedy = "print it to a new PDF, or send a scan or photo of the license as PNG or JPEG."

// submissionLimit keeps one account from making the server decode image after image.
var submissionLimit = ratelimit.Rule{Limit: 6, Window: time.Hour}

// Submit stores an application and sets the account pending. When it
// answers with apperr.FieldErrors and the document was not what was wrong,
// the document is kept as the member's draft and described by the
// KeptDocument, so that the next try may go without it.
func (s *Service) Submit(ctx context.Context, v *identity.Viewer, a Application, meta accounts.Meta) (*Request, *KeptDocument, error) {
	if v.Status == identity.StatusVerified {
		return nil, nil, fmt.Errorf("already verified: %w", apperr.ErrConflict)
	}
	used, err := s.useDraft(ctx, v.UserID, &a)
	if err != nil {
		return nil, nil, err
	}
	sp, err := s.validate(ctx, &a)
	var fe apperr.FieldErrors
	if errors.As(err, &fe) {
		kept, keepErr := s.keepOnError(ctx, v.UserID, a, used, fe)
		if keepErr != nil {
			return nil, nil, keepErr
		}
		return nil, kept, err
	}
	if err != nil {
		return nil, nil, err
	}
	if err := s.noOpenRequest(ctx, s.db, v.UserID); err != nil {
		return nil, nil, err
	}
	// Only what passes the cheap checks counts, and is decoded.
	if err := s.limits.Allow(ctx, fmt.Sprintf("verification:%d", v.UserID), submissionLimit); err != nil {
		return nil, nil, err
	}
	doc, err := cleanDocument(ctx, &a)
	if err != nil {
		// The document itself is refused: a kept copy of it is no use.
		if dropErr := s.dropDraft(ctx, v.UserID); dropErr != nil {
			return nil, nil, dropErr
		}
		return nil, nil, err
	}
	req := &Request{UserID: v.UserID, FullName: a.FullName, NPI: a.NPI, LicenseState: a.LicenseState,
		LicenseNumber: a.LicenseNumber, SpecialtyID: sp.ID, Status: Pending}
	err = db.Tx(ctx, s.db, func(ctx context.Context) error {
		tx := db.Conn(ctx, s.db)
		if err := s.noOpenRequest(ctx, tx, v.UserID); err != nil {
			return err
		}
		stored, err := s.files.Put(ctx, files.New{OwnerID: v.UserID, ContentType: string(doc.Kind),
			Filename: documentName(a.FileName, doc.Kind), Data: doc.Data})
		if err != nil {
			return err
		}
		req.DocumentID = stored.ID
		if err := tx.Omit("Specialty", "User", "Document").Create(req).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return fmt.Errorf("a request is already pending: %w", apperr.ErrConflict)
			}
			return fmt.Errorf("store request: %w", err)
		}
		if err := s.dropDraft(ctx, v.UserID); err != nil {
			return err
		}
		if err := s.accounts.SetStatus(ctx, accounts.StatusChange{ActorID: v.UserID, UserID: v.UserID, To: identity.StatusPending, Meta: meta}); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, audit.Event{ActorID: v.UserID, Action: auditSubmitted, TargetType: "verification_request",
			TargetID: req.ID, IP: meta.IP}); err != nil {
			return err
		}
		return s.tellModerators(ctx, req)
	})
	if err != nil {
		return nil, nil, err
	}
	return req, nil, nil
}

// useDraft puts the member's kept document in a, when a names one and
// brings no file of its own.
func (s *Service) useDraft(ctx context.Context, userID int64, a *Application) (*Draft, error) {
	if a.File != nil || a.FileTooLarge || a.DraftToken == "" {
		return nil, nil
	}
	d, err := s.draft(ctx, userID, a.DraftToken)
	if err != nil || d == nil {
		a.draftGone = d == nil
		return nil, err
	}
	a.File, a.FileName = d.Data, d.Filename
	return d, nil
}

// keepOnError keeps the document of an application refused for other
// fields; a refused document drops any draft instead.
func (s *Service) keepOnError(ctx context.Context, userID int64, a Application, used *Draft, fe apperr.FieldErrors) (*KeptDocument, error) {
	if _, bad := fe["document"]; bad || len(a.File) == 0 {
		return nil, s.dropDraft(ctx, userID)
	}
	if used != nil {
		return &KeptDocument{Name: used.Filename, Token: used.Token}, nil
	}
	kind, _ := media.Sniff(a.File)
	// What is kept is the document as it would be stored, cleaned: a photo's
	// metadata (a GPS fix) is not kept a day, and a PDF with active content
	// is refused at once, with the other fields' messages.
	kept, err := s.keepDraft(ctx, userID, documentName(a.FileName, kind), func() ([]byte, error) {
		doc, err := cleanDocument(ctx, &a)
		return doc.Data, err
	})
	var docErr apperr.FieldErrors
	if errors.As(err, &docErr) {
		maps.Copy(fe, docErr) // said with the other fields' messages
		return nil, s.dropDraft(ctx, userID)
	}
	return kept, err
}

// noOpenRequest fails with ErrConflict while the member has a pending request.
func (s *Service) noOpenRequest(ctx context.Context, tx *gorm.DB, userID int64) error {
	var open int64
	if err := tx.WithContext(ctx).Model(&Request{}).Where("user_id = ? AND status = ?", userID, Pending).Count(&open).Error; err != nil {
		return err
	}
	if open > 0 {
		return fmt.Errorf("a request is already pending: %w", apperr.ErrConflict)
	}
	return nil
}

// documentName keeps a tidy version of the uploaded name, with the extension
// of the type actually found.
func documentName(name string, kind media.Kind) string {
	base := strings.TrimSuffix(filepath.Base(strings.ReplaceAll(name, "\\", "/")), filepath.Ext(name))
	clean := strings.Map(func(r rune) rune {
		if r < 128 && (r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return r
		}
		return '_'
	}, base)
	if len(clean) > 60 {
		clean = clean[:60]
	}
	if strings.Trim(clean, "_.") == "" {
		clean = "license"
	}
	return clean + media.ExtFor(kind)
}

// History lists a member's requests, newest first.
func (s *Service) History(ctx context.Context, userID int64) ([]Request, error) {
	var list []Request
	err := s.db.WithContext(ctx).Joins("Specialty").Where("verification_requests.user_id = ?", userID).
		Order("verification_requests.created_at DESC, verification_requests.id DESC").Find(&list).Error
	return list, err
}

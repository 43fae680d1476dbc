package accounts

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"curbside/app/apperr"
	"curbside/app/audit"
	"curbside/app/db"
	"curbside/app/identity"
	"curbside/app/ratelimit"
)

// Service holds the account rules. It never sees HTTP.
type Service struct {
	db    *gorm.DB
	audit *audit.Log
	// Idle and Lifetime bound a session: unused for Idle, or older than Lifetime, it ends.
	Idle     time.Duration
	Lifetime time.Duration
	// Remember is how long a session lasts when its member asked to stay
	// signed in on the device (0: they may not ask), and RememberIdle how
	// long it may then go unused.
	Remember     time.Duration
	RememberIdle time.Duration
	now          func() time.Time
	// sealKey encrypts TOTP secrets at rest, signKey signs what browsers
	// carry for us; both are derived from CURBSIDE_SECRET, each for its use.
	sealKey [32]byte
	signKey [32]byte
	// legacySealKey opens TOTP secrets sealed by earlier versions.
	legacySealKey [32]byte
	// recoveryKey keys the hashes of recovery codes: a copy of the table
	// alone does not let anyone try codes offline.
	recoveryKey [32]byte
	limits      *ratelimit.Limiter
	seen        lastSeen
	// Outbox sends the mail accounts write (reset links); BaseURL makes
	// their links absolute. Both are set by the composition root.
	Outbox      Outbox
	BaseURL     string
	specialties atomic.Pointer[[]Specialty]
}

// Settings are the account rules' knobs from the configuration.
type Settings struct {
	Idle         time.Duration // a session unused this long ends
	Lifetime     time.Duration // a session this old ends
	Remember     time.Duration // a remembered session's lifetime (0: none)
	RememberIdle time.Duration // a remembered session unused this long ends
	Secret       []byte        // CURBSIDE_SECRET
}

// NewService returns the account rules over db.
func NewService(db *gorm.DB, log *audit.Log, limits *ratelimit.Limiter, set Settings) *Service {
	secret := set.Secret
	return &Service{db: db, audit: log, Idle: set.Idle, Lifetime: set.Lifetime, Remember: set.Remember, RememberIdle: max(set.RememberIdle, set.Idle), now: func() time.Time { return time.Now().UTC() },
		sealKey:       sha256.Sum256(append([]byte("curbside seal\x00"), secret...)),
		signKey:       sha256.Sum256(append([]byte("curbside sign\x00"), secret...)),
		legacySealKey: sha256.Sum256(append([]byte("curbside totp seal\x00"), secret...)),
		recoveryKey:   sha256.Sum256(append([]byte("curbside recovery codes\x00"), secret...)),
		limits:        limits}
}

// Meta is what the service knows of the request behind a call.
type Meta = identity.Meta

// NewAccount is a sign-up or an account made by an operator.
type NewAccount struct {
	Email       string
	Password    string
	DisplayName string
	Role        string // default member
	Status      string // default unverified
	Specialty   string // slug, optional
	// Unconfirmed: the address still has to be confirmed through a mailed
	// link (a sign-up); else it counts as confirmed.
	Unconfirmed bool
}

// ValidateNewAccount checks the sign-up fields and returns messages by field name.
func ValidateNewAccount(in NewAccount) apperr.FieldErrors {
	errs := apperr.FieldErrors{}
	if msg := checkEmail(in.Email); msg != "" {
		errs.Add("email", msg)
	}
	if msg := CheckPassword(in.Password); msg != "" {
		errs.Add("password", msg)
	}
	if msg := CheckDisplayName(in.DisplayName); msg != "" {
		errs.Add("display_name", msg)
	}
	return errs
}

// CheckDisplayName returns why a display name is not acceptable, or "".
func CheckDisplayName(name string) string {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "Enter the name other members will see."
	case utf8.RuneCountInString(name) > 80:
		return "Use at most 80 characters."
	case strings.IndexFunc(name, invisible) >= 0:
		return "Use letters, spaces and punctuation only: no invisible or direction-changing characters."
	}
	return ""
}

func checkEmail(email string) string {
	email = strings.TrimSpace(email)
	if email == "" {
		return "Enter your email address."
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || strings.ContainsRune(email, utf8.RuneError) || len(email) > 254 || !strings.Contains(email[strings.LastIndex(email, "@"):], ".") {
		return "Enter an email address like name@example.org."
	}
	if strings.IndexFunc(email, invisible) >= 0 || mixesScripts(email) {
		return "This address mixes alphabets or holds invisible characters (a Cyrillic “а” among Latin letters, say): type it in one alphabet."
	}
	return ""
}

// CheckPassword returns why password is not acceptable, or "".
func CheckPassword(pw string) string {
	switch {
	case len(pw) > MaxPasswordBytes:
		return fmt.Sprintf("Use at most %d characters.", MaxPasswordBytes)
	case utf8.RuneCountInString(pw) < MinPasswordRunes:
		return fmt.Sprintf("Use at least %d characters.", MinPasswordRunes)
	}
	return ""
}

// Create validates and stores a new account. A taken email is a field error.
func (s *Service) Create(ctx context.Context, in NewAccount, actorID int64, meta Meta) (*User, error) {
	in.Email = strings.TrimSpace(in.Email)
	in.DisplayName = strings.TrimSpace(in.DisplayName)
	if in.Role == "" {
		in.Role = identity.RoleMember
	}
	if in.Status == "" {
		in.Status = identity.StatusUnverified
	}
	errs := ValidateNewAccount(in)
	var specialtyID *int16
	if in.Specialty != "" {
		sp, err := s.SpecialtyBySlug(ctx, in.Specialty)
		if err != nil {
			errs.Add("specialty", "Choose one of the listed specialties.")
		} else {
			specialtyID = &sp.ID
		}
	}
	if err := errs.OrNil(); err != nil {
		return nil, err
	}
	hash, err := HashPassword(ctx, in.Password)
	if err != nil {
		return nil, err
	}
	u := &User{Email: in.Email, DisplayName: in.DisplayName, PasswordHash: &hash,
		Role: in.Role, Status: in.Status, SpecialtyID: specialtyID}
	if !in.Unconfirmed { // made by the command line or a test: the address is taken as given
		now := s.now()
		u.EmailConfirmedAt = &now
	}
	action := audit.Signup
	if actorID != 0 || meta.IP == "" {
		action = audit.UserCreated
	}
	ev := audit.Event{ActorID: actorID, Action: action, TargetType: "user", IP: meta.IP,
		Detail: map[string]string{"role": u.Role, "status": u.Status}}
	if err := s.insertAccount(ctx, u, ev, nil); err != nil {
		if errors.Is(err, errEmailTaken) {
			return nil, apperr.FieldErrors{"email": "An account with this email address already exists. Log in instead."}
		}
		return nil, err
	}
	return u, nil
}

var errHandleTaken = errors.New("handle taken")

// actorSelf as an event's actor stands for the account being created.
const actorSelf = -1

// insertAccount stores u with a free handle, records ev (its target filled
// in) and runs also, all in one transaction. Two sign-ups with the same name
// may race for a handle: it then tries again with the next free one.
func (s *Service) insertAccount(ctx context.Context, u *User, ev audit.Event, also func(tx *gorm.DB) error) error {
	for attempt := 0; ; attempt++ {
		err := s.tryInsertAccount(ctx, u, ev, also)
		if !errors.Is(err, errHandleTaken) {
			return err
		}
		if _, lookup := s.ByEmail(ctx, u.Email); lookup == nil || attempt == 3 {
			return errEmailTaken
		}
	}
}

func (s *Service) tryInsertAccount(ctx context.Context, u *User, ev audit.Event, also func(tx *gorm.DB) error) error {
	u.ID = 0
	return db.Tx(ctx, s.db, func(ctx context.Context) error {
		tx := db.Conn(ctx, s.db)
		var taken int64
		if err := tx.Model(&User{}).Where("lower(email) = lower(?)", u.Email).Count(&taken).Error; err != nil {
			return err
		}
		if taken > 0 {
			return errEmailTaken
		}
		var err error
		if u.Handle, err = freeHandle(tx, u.DisplayName, u.Email); err != nil {
			return err
		}
		if err := tx.Create(u).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				// Either the e-mail or the handle was taken in the meantime; the
				// transaction is spoilt, so the caller finds out which.
				return errHandleTaken
			}
			return err
		}
		if also != nil {
			if err := also(tx); err != nil {
				return err
			}
		}
		ev.TargetID = u.ID
		if ev.ActorID == actorSelf {
			ev.ActorID = u.ID
		}
		return s.audit.Record(ctx, ev)
	})
}

var errEmailTaken = errors.New("e-mail address taken")

// signupLimit bounds the accounts one address may create.
var signupLimit = ratelimit.Rule{Limit: 10, Window: time.Hour}

func (s *Service) allowSignup(ctx context.Context, meta Meta) error {
	return s.limits.Allow(ctx, "signup:"+ratelimit.Address(meta.IP), signupLimit)
}

// Signup creates an unverified member and signs it in, returning the session token.
func (s *Service) Signup(ctx context.Context, in NewAccount, meta Meta) (*User, string, error) {
	in.Role, in.Status, in.Specialty, in.Unconfirmed = identity.RoleMember, identity.StatusUnverified, "", true
	if errs := ValidateNewAccount(in); len(errs) > 0 {
		return nil, "", errs
	}
	if err := s.allowSignup(ctx, meta); err != nil {
		return nil, "", err
	}
	u, err := s.Create(ctx, in, 0, meta)
	if err != nil {
		return nil, "", err
	}
	if err := db.Tx(ctx, s.db, func(ctx context.Context) error { return s.sendConfirmation(ctx, u) }); err != nil {
		return nil, "", err
	}
	token, err := s.StartSession(ctx, u, meta)
	return u, token, err
}

// ByID loads one account.
func (s *Service) ByID(ctx context.Context, id int64) (*User, error) {
	var u User
	if err := s.db.WithContext(ctx).First(&u, id).Error; err != nil {
		return nil, notFound(err, "user")
	}
	return &u, nil
}

// ByEmail loads the account with that email address, in any case.
func (s *Service) ByEmail(ctx context.Context, email string) (*User, error) {
	var u User
	if err := s.db.WithContext(ctx).Where("lower(email) = lower(?)", strings.TrimSpace(email)).First(&u).Error; err != nil {
		return nil, notFound(err, "user")
	}
	return &u, nil
}

// Specialties lists the specialties by name. They are seeded by the
// migrations and never change while the server runs, so the first
// successful read is kept: most pages offer them.
func (s *Service) Specialties(ctx context.Context) ([]Specialty, error) {
	if list := s.specialties.Load(); list != nil {
		return slices.Clone(*list), nil
	}
	var list []Specialty
	if err := s.db.WithContext(ctx).Order("name").Find(&list).Error; err != nil {
		return nil, fmt.Errorf("load specialties: %w", err)
	}
	s.specialties.Store(&list)
	return slices.Clone(list), nil
}

// SpecialtyBySlug finds one specialty.
func (s *Service) SpecialtyBySlug(ctx context.Context, slug string) (*Specialty, error) {
	return s.specialty(ctx, slug, func(sp *Specialty) bool { return sp.Slug == slug })
}

// SpecialtyByID finds one specialty.
func (s *Service) SpecialtyByID(ctx context.Context, id int16) (*Specialty, error) {
	return s.specialty(ctx, id, func(sp *Specialty) bool { return sp.ID == id })
}

func (s *Service) specialty(ctx context.Context, name any, match func(*Specialty) bool) (*Specialty, error) {
	list, err := s.Specialties(ctx)
	if err != nil {
		return nil, err
	}
	for i := range list {
		if match(&list[i]) {
			return &list[i], nil
		}
	}
	return nil, fmt.Errorf("specialty %v: %w", name, apperr.ErrNotFound)
}

func notFound(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return fmt.Errorf("%s: %w", what, apperr.ErrNotFound)
	}
	return fmt.Errorf("load %s: %w", what, err)
}

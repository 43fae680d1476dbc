package accounts

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"curbside/app/apperr"
	"curbside/app/audit"
	"curbside/app/identity"
)

// Errors of a sign-in through a provider.
var (
	ErrOAuthNoEmail    = errors.New("the provider shared no e-mail address")
	ErrOAuthEmailTaken = errors.New("an account with this e-mail address exists")
)

// OAuthIdentity links an account to its identity at a provider.
type OAuthIdentity struct {
	ID        int64
	UserID    int64
	Provider  string
	Subject   string
	Email     string
	CreatedAt time.Time
}

// TableName names the identities table.
func (OAuthIdentity) TableName() string { return "oauth_identities" }

// ExternalUser is who a provider says signed in. EmailVerified is the
// provider's word that the address belongs to that person.
type ExternalUser struct {
	Provider, Subject, Email, Name string
	EmailVerified                  bool
}

// OAuthLogin signs in the account linked to the provider's identity, or makes
// a new unverified account for it. An existing account with the same e-mail
// is never linked silently: whoever controls an address at some provider must
// not gain a member's account.
func (s *Service) OAuthLogin(ctx context.Context, ext ExternalUser, meta Meta) (LoginResult, error) {
	if ext.Subject == "" {
		return LoginResult{}, fmt.Errorf("%s returned no user id: %w", ext.Provider, apperr.ErrForbidden)
	}
	var ident OAuthIdentity
	err := s.db.WithContext(ctx).Where("provider = ? AND subject = ?", ext.Provider, ext.Subject).First(&ident).Error
	switch {
	case err == nil:
		u, err := s.ByID(ctx, ident.UserID)
		if err != nil {
			return LoginResult{}, err
		}
		return s.finishLogin(ctx, u, meta, map[string]string{"via": ext.Provider})
	case !errors.Is(err, gorm.ErrRecordNotFound):
		return LoginResult{}, err
	}
	u, err := s.createFromProvider(ctx, ext, meta)
	if err != nil {
		return LoginResult{}, err
	}
	token, err := s.StartSession(ctx, u, meta)
	return LoginResult{User: u, Session: token}, err
}

func (s *Service) createFromProvider(ctx context.Context, ext ExternalUser, meta Meta) (*User, error) {
	email := strings.TrimSpace(ext.Email)
	if email == "" || checkEmail(email) != "" || !ext.EmailVerified {
		return nil, ErrOAuthNoEmail
	}
	if _, err := s.ByEmail(ctx, email); err == nil {
		return nil, ErrOAuthEmailTaken
	}
	if err := s.allowSignup(ctx, meta); err != nil {
		return nil, err
	}
	name := dropInvisible(ext.Name)
	if name = strings.TrimSpace(truncate(name, 80)); name == "" {
		name = strings.SplitN(email, "@", 2)[0]
	}
	now := s.now() // the provider vouched for the address (EmailVerified above)
	u := &User{Email: email, DisplayName: name, Role: identity.RoleMember, Status: identity.StatusUnverified, EmailConfirmedAt: &now}
	ev := audit.Event{ActorID: actorSelf, Action: audit.Signup, TargetType: "user", IP: meta.IP, Detail: map[string]string{"via": ext.Provider}}
	err := s.insertAccount(ctx, u, ev, func(tx *gorm.DB) error {
		return tx.Create(&OAuthIdentity{UserID: u.ID, Provider: ext.Provider, Subject: ext.Subject, Email: email}).Error
	})
	if errors.Is(err, errEmailTaken) {
		return nil, ErrOAuthEmailTaken
	}
	return u, err
}

// finishLogin is what follows a proven identity: the suspension check, the
// second factor when the account has one, and the session.
func (s *Service) finishLogin(ctx context.Context, u *User, meta Meta, detail map[string]string) (LoginResult, error) {
	if u.Status == identity.StatusSuspended {
		return LoginResult{}, &SuspendedError{Reason: deref(u.SuspensionReason)}
	}
	if u.TOTPEnabledAt != nil {
		return s.beginChallenge(ctx, u)
	}
	token, err := s.StartSession(ctx, u, meta)
	if err != nil {
		return LoginResult{}, err
	}
	if detail == nil {
		detail = map[string]string{}
	}
	detail["user_agent"] = truncate(meta.UserAgent, 200)
	if err := s.audit.Record(ctx, audit.Event{ActorID: u.ID, Action: audit.Login, TargetType: "user", TargetID: u.ID,
		IP: meta.IP, Detail: detail}); err != nil {
		return LoginResult{}, err
	}
	return LoginResult{User: u, Session: token}, nil
}

// Sign protects a value the browser carries for us (the OAuth round trip,
// the known-device mark): it comes back with our signature or not at all.
func (s *Service) Sign(purpose, value string) string {
	mac := hmac.New(sha256.New, s.signKey[:])
	mac.Write([]byte(purpose + "\x00" + value))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil)) + "." + base64.RawURLEncoding.EncodeToString([]byte(value))
}

// Verify returns the value signed by Sign for purpose, or false.
func (s *Service) Verify(purpose, signed string) (string, bool) {
	sig, payload, ok := strings.Cut(signed, ".")
	if !ok {
		return "", false
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return "", false
	}
	want, _, _ := strings.Cut(s.Sign(purpose, string(raw)), ".")
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return "", false
	}
	return string(raw), true
}

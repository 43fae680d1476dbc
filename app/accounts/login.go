package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"curbside/app/apperr"
	"curbside/app/audit"
	"curbside/app/db"
	"curbside/app/identity"
)

// ErrBadCredentials is the one answer for a wrong email or a wrong password.
var ErrBadCredentials = errors.New("incorrect email or password")

// SuspendedError says the account is suspended, and why. It is only returned
// after the right password, so it reveals nothing to a guesser.
type SuspendedError struct{ Reason string }

func (e *SuspendedError) Error() string { return "account suspended" }

// Unwrap lets errors.Is(err, apperr.ErrForbidden) match.
func (e *SuspendedError) Unwrap() error { return apperr.ErrForbidden }

// Login checks a member's email and password and starts a session, or the
// second step for an account with two-factor login.
func (s *Service) Login(ctx context.Context, email, password string, meta Meta) (LoginResult, error) {
	email = strings.TrimSpace(email)
	if len(email) > 254 {
		// No account has such an address, and its length tells a guesser nothing new.
		return LoginResult{}, ErrBadCredentials
	}
	u, found, err := s.accountForLogin(ctx, email)
	if err != nil {
		return LoginResult{}, err
	}
	keys := loginKeys(email, meta.IP, found && u.ID == meta.TrustedDevice)
	locked, err := s.reserve(ctx, keys)
	if err != nil {
		return LoginResult{}, err
	}
	if locked {
		if err := s.audit.Record(ctx, audit.Event{Action: audit.LoginThrottled, IP: meta.IP,
			Detail: map[string]string{"email": truncate(email, 254)}}); err != nil {
			return LoginResult{}, err
		}
	}
	ok, err := verifyAccountPassword(ctx, u, password)
	if err != nil {
		return LoginResult{}, err
	}
	if !ok {
		var target int64
		if found {
			target = u.ID
		}
		if err := s.audit.Record(ctx, audit.Event{Action: audit.LoginFailed, TargetType: "user", TargetID: target, IP: meta.IP}); err != nil {
			return LoginResult{}, err
		}
		return LoginResult{}, ErrBadCredentials
	}
	if err := s.forgive(ctx, keys...); err != nil {
		return LoginResult{}, err
	}
	return s.finishLogin(ctx, u, meta, nil)
}

// confirmPassword checks the signed-in member's password before a sensitive
// change, under the same limits as a login from this address.
func (s *Service) confirmPassword(ctx context.Context, v *identity.Viewer, password string, meta Meta) (bool, error) {
	key := accountAddressKey(v.Email, meta.IP)
	if _, err := s.reserve(ctx, []throttled{key}); err != nil {
		return false, err
	}
	u, found, err := s.accountForLogin(ctx, v.Email)
	if err != nil {
		return false, err
	}
	ok, err := verifyAccountPassword(ctx, u, password)
	if err != nil || !ok || !found || u.ID != v.UserID {
		return false, err
	}
	return true, s.forgive(ctx, key)
}

// accountForLogin loads the account with that address and reports whether
// there is one. An unknown address is no error here: the caller still hashes
// a dummy password, so that the answer takes as long as for a real account.
func (s *Service) accountForLogin(ctx context.Context, email string) (*User, bool, error) {
	u, err := s.ByEmail(ctx, email)
	switch {
	case errors.Is(err, apperr.ErrNotFound):
		return nil, false, nil
	case err != nil:
		return nil, false, err
	}
	return u, true, nil
}

// verifyAccountPassword checks password against u's hash, hashing a dummy
// when there is no account (or no password) so every answer takes the same time.
func verifyAccountPassword(ctx context.Context, u *User, password string) (bool, error) {
	if len(password) > MaxPasswordBytes {
		return false, nil
	}
	hash := dummyHash
	if u != nil && u.PasswordHash != nil {
		hash = *u.PasswordHash
	}
	ok, err := VerifyPassword(ctx, hash, password)
	if err != nil {
		return false, fmt.Errorf("verify password: %w", err)
	}
	return ok && u != nil && u.PasswordHash != nil, nil
}

// ChangePassword replaces the member's password after checking the current
// one (or sets a first one), and ends every other session.
func (s *Service) ChangePassword(ctx context.Context, v *identity.Viewer, current, code, next string, meta Meta) (token string, err error) {
	errs := apperr.FieldErrors{}
	// An account made through a provider has no password yet: it may set one,
	// once it has shown a code or signed in just now.
	if !v.HasPassword {
		if err := s.confirmIdentity(ctx, v, "", code, meta); err != nil {
			var fe apperr.FieldErrors
			if !errors.As(err, &fe) {
				return "", err
			}
			errs = fe
		}
	} else {
		ok, err := s.confirmPassword(ctx, v, current, meta)
		if err != nil {
			return "", err
		}
		if !ok {
			errs.Add("current_password", "This is not your current password.")
		}
	}
	if msg := CheckPassword(next); msg != "" {
		errs.Add("new_password", msg)
	}
	if err := errs.OrNil(); err != nil {
		return "", err
	}
	hash, err := HashPassword(ctx, next)
	if err != nil {
		return "", err
	}
	err = db.Tx(ctx, s.db, func(ctx context.Context) error {
		tx := db.Conn(ctx, s.db)
		if err := tx.Model(&User{}).Where("id = ?", v.UserID).
			Updates(map[string]any{"password_hash": hash, "updated_at": s.now()}).Error; err != nil {
			return fmt.Errorf("change password: %w", err)
		}
		if err := s.endSessions(ctx, v.UserID, v.SessionID); err != nil {
			return err
		}
		if err := s.forgetAllDevices(ctx, v.UserID); err != nil {
			return err
		}
		if token, err = s.rotateToken(ctx, v.SessionID); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Event{ActorID: v.UserID, Action: audit.PasswordChanged,
			TargetType: "user", TargetID: v.UserID, IP: meta.IP})
	})
	return token, err
}

package accounts

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"curbside/app/audit"
	"curbside/app/db"
	"curbside/app/identity"
)

const (
	challengeLifetime    = 10 * time.Minute
	maxChallengeAttempts = 5
)

// ErrNoChallenge means the second step of a login has expired or was never begun.
var ErrNoChallenge = errors.New("no pending two-factor login")

// LoginResult is how a proven identity goes on: a session, or, for an
// account with two-factor login, a challenge that the code must answer.
type LoginResult struct {
	User *User
	// Session is the new session's token; empty while a second factor is owed.
	Session string
	// Challenge identifies the half-done login awaiting its code.
	Challenge string
}

type loginChallenge struct {
	ID        int64
	UserID    int64
	TokenHash []byte
	Attempts  int
	CreatedAt time.Time
	ExpiresAt time.Time
}

func (loginChallenge) TableName() string { return "login_challenges" }

func (s *Service) beginChallenge(ctx context.Context, u *User) (LoginResult, error) {
	token := randomToken()
	now := s.now()
	ch := loginChallenge{UserID: u.ID, TokenHash: hashToken(token), CreatedAt: now, ExpiresAt: now.Add(challengeLifetime)}
	if err := s.db.WithContext(ctx).Create(&ch).Error; err != nil {
		return LoginResult{}, fmt.Errorf("begin two-factor login: %w", err)
	}
	return LoginResult{User: u, Challenge: token}, nil
}

// CompleteLogin finishes a login with a code from the authenticator app or
// one of the recovery codes, and starts the session.
func (s *Service) CompleteLogin(ctx context.Context, challengeToken, code string, meta Meta) (LoginResult, error) {
	var pending loginChallenge
	err := s.db.WithContext(ctx).Where("token_hash = ? AND expires_at > ?", hashToken(challengeToken), s.now()).First(&pending).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return LoginResult{}, ErrNoChallenge
	} else if err != nil {
		return LoginResult{}, err
	}
	if _, err := s.reserve(ctx, []throttled{secondFactorKey(pending.UserID)}); err != nil {
		return LoginResult{}, err
	}
	var u *User
	method := ""
	err = db.Tx(ctx, s.db, func(ctx context.Context) error {
		tx := db.Conn(ctx, s.db)
		var ch loginChallenge
		err := tx.Clauses(lockingClause()).Where("token_hash = ? AND expires_at > ?", hashToken(challengeToken), s.now()).First(&ch).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNoChallenge
		} else if err != nil {
			return err
		}
		if u, err = lockUser(ctx, tx, ch.UserID); err != nil {
			return err
		}
		if method, err = s.useSecondFactor(tx, u, code); err != nil {
			return err
		}
		if method == "" {
			return s.failChallenge(ctx, tx, ch, meta)
		}
		return tx.Delete(&ch).Error
	})
	if err != nil {
		return LoginResult{}, err
	}
	if method == "" {
		return LoginResult{}, ErrBadCode // the attempt is counted and committed
	}
	if err := s.forgive(ctx, secondFactorKey(u.ID)); err != nil {
		return LoginResult{}, err
	}
	if u.Status == identity.StatusSuspended {
		return LoginResult{}, &SuspendedError{Reason: deref(u.SuspensionReason)}
	}
	token, err := s.startSession(ctx, u, meta, true)
	if err != nil {
		return LoginResult{}, err
	}
	return LoginResult{User: u, Session: token}, s.audit.Record(ctx, audit.Event{ActorID: u.ID, Action: audit.Login, TargetType: "user", TargetID: u.ID,
		IP: meta.IP, Detail: map[string]string{"second_factor": method, "user_agent": truncate(meta.UserAgent, 200)}})
}

// useSecondFactor checks code as a TOTP code, then as a recovery code, and
// spends it. It returns how the member proved themselves, or "".
func (s *Service) useSecondFactor(tx *gorm.DB, u *User, code string) (string, error) {
	if u.TOTPSecret == nil || u.TOTPEnabledAt == nil {
		return "", ErrNoChallenge
	}
	secret, err := s.unseal(u.TOTPSecret, totpContext(u.ID))
	if err != nil {
		return "", err
	}
	if step := checkTOTP(secret, code, u.TOTPLastStep, s.now()); step != 0 {
		return "totp", tx.Model(&User{}).Where("id = ?", u.ID).Update("totp_last_step", step).Error
	}
	keyed, legacy := s.recoveryHashes(code)
	res := tx.Model(&recoveryCode{}).Where("user_id = ? AND (code_hash = ? OR code_hash = ?) AND used_at IS NULL", u.ID, keyed, legacy).
		Update("used_at", s.now())
	if res.Error != nil || res.RowsAffected == 0 {
		return "", res.Error
	}
	return "recovery", nil
}

// failChallenge counts a wrong code; past the limit the login must start over.
// It returns nil so that the count is committed.
func (s *Service) failChallenge(ctx context.Context, tx *gorm.DB, ch loginChallenge, meta Meta) error {
	var err error
	if ch.Attempts+1 >= maxChallengeAttempts {
		err = tx.Delete(&ch).Error
	} else {
		err = tx.Model(&ch).Update("attempts", ch.Attempts+1).Error
	}
	if err != nil {
		return err
	}
	return s.audit.Record(ctx, audit.Event{Action: audit.LoginFailed, TargetType: "user", TargetID: ch.UserID, IP: meta.IP,
		Detail: map[string]string{"second_factor": "wrong code"}})
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

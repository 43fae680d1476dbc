package accounts

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"curbside/app/apperr"
	"curbside/app/audit"
	"curbside/app/db"
	"curbside/app/ratelimit"
)

// resetLifetime is how long a reset link works.
const resetLifetime = time.Hour

// Requests for reset links are limited per address and per client address,
// alike whether or not the address has an account, so the limit tells
// nothing either.
var (
	resetPerAddress = ratelimit.Rule{Limit: 5, Window: time.Hour}
	resetPerClient  = ratelimit.Rule{Limit: 20, Window: time.Hour}
)

// Outbox queues mail for the mail sender.
type Outbox interface {
	Mail(ctx context.Context, to, subject, body string) error
}

// ErrResetLinkInvalid refuses a reset link that is unknown, used or expired:
// alike, so a link says nothing of why.
var ErrResetLinkInvalid = errors.New("the reset link is unknown, used or expired")

// RequestPasswordReset mails a reset link to the address if it has an
// account; the answer is the same either way. Links asked for earlier stop
// working.
func (s *Service) RequestPasswordReset(ctx context.Context, email string, meta Meta) error {
	email = strings.TrimSpace(email)
	if msg := checkEmail(email); msg != "" {
		return apperr.FieldErrors{"email": msg}
	}
	if err := s.limits.Allow(ctx, "reset:address:"+strings.ToLower(email), resetPerAddress); err != nil {
		return err
	}
	if err := s.limits.Allow(ctx, "reset:client:"+ratelimit.Address(meta.IP), resetPerClient); err != nil {
		return err
	}
	u, err := s.ByEmail(ctx, email)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	return db.Tx(ctx, s.db, func(ctx context.Context) error {
		token, err := s.issueLink(ctx, resetLinks, u.ID, resetLifetime)
		if err != nil {
			return err
		}
		link := s.BaseURL + "/password/reset?token=" + url.QueryEscape(token)
		body := "Someone, we hope you, asked to reset the password of your Curbside account.\n\n" +
			"Choose a new password here within the hour (the link works once):\n\n" + link + "\n\n" +
			"If it was not you, ignore this message: your password stays as it is.\n\n— Curbside\n"
		if err := s.Outbox.Mail(ctx, u.Email, "Curbside: reset your password", body); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Event{Action: audit.PasswordResetRequested, TargetType: "user", // asked by nobody signed in
			TargetID: u.ID, IP: meta.IP})
	})
}

// ResetLinkWorks reports whether a reset link can still be used.
func (s *Service) ResetLinkWorks(ctx context.Context, token string) (bool, error) {
	return s.linkWorks(ctx, resetLinks, token)
}

// ResetPassword sets a new password through a reset link, spends the link
// and ends every session of the member.
func (s *Service) ResetPassword(ctx context.Context, token, password string, meta Meta) error {
	if msg := CheckPassword(password); msg != "" {
		if ok, err := s.ResetLinkWorks(ctx, token); err != nil || !ok {
			return errors.Join(ErrResetLinkInvalid, err)
		}
		return apperr.FieldErrors{"password": msg}
	}
	hash, err := HashPassword(ctx, password)
	if err != nil {
		return err
	}
	return db.Tx(ctx, s.db, func(ctx context.Context) error {
		userID, err := s.spendLink(ctx, resetLinks, token)
		if err != nil {
			return err
		}
		if userID == 0 {
			return ErrResetLinkInvalid
		}
		tx := db.Conn(ctx, s.db)
		if err := tx.Model(&User{}).Where("id = ?", userID).
			Updates(map[string]any{"password_hash": hash, "updated_at": s.now()}).Error; err != nil {
			return fmt.Errorf("reset password: %w", err)
		}
		if err := s.endSessions(ctx, userID, 0); err != nil {
			return err
		}
		if err := s.forgetAllDevices(ctx, userID); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Event{ActorID: userID, Action: audit.PasswordReset, TargetType: "user",
			TargetID: userID, IP: meta.IP})
	})
}

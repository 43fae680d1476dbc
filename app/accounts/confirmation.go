package accounts

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"curbside/app/apperr"
	"curbside/app/audit"
	"curbside/app/db"
	"curbside/app/identity"
	"curbside/app/ratelimit"
)

// confirmLifetime is how long a confirmation link works.
const confirmLifetime = 7 * 24 * time.Hour

// confirmResends bounds how often a member asks for the link again.
var confirmResends = ratelimit.Rule{Limit: 5, Window: time.Hour}

// ErrConfirmLinkInvalid refuses a confirmation link that is unknown, used or expired.
var ErrConfirmLinkInvalid = errors.New("the confirmation link is unknown, used or expired")

// ErrConfirmedAlready answers a request for a link when the address is confirmed.
var ErrConfirmedAlready = &apperr.Conflict{Message: "Your e-mail address is confirmed already."}

// sendConfirmation mails the member a link that confirms their address,
// retiring earlier ones, within the transaction ctx carries.
func (s *Service) sendConfirmation(ctx context.Context, u *User) error {
	token, err := s.issueLink(ctx, confirmLinks, u.ID, confirmLifetime)
	if err != nil {
		return err
	}
	link := s.BaseURL + "/confirm?token=" + url.QueryEscape(token)
	body := "Welcome to Curbside. Confirm that this address is yours (the link works once, for a week):\n\n" + link +
		"\n\nIf you did not sign up, ignore this message.\n\n— Curbside\n"
	return s.Outbox.Mail(ctx, u.Email, "Curbside: confirm your e-mail address", body)
}

// ResendConfirmation mails a new confirmation link to the member.
func (s *Service) ResendConfirmation(ctx context.Context, v *identity.Viewer) error {
	if v.EmailConfirmed {
		return ErrConfirmedAlready
	}
	if err := s.limits.Allow(ctx, fmt.Sprintf("confirm:%d", v.UserID), confirmResends); err != nil {
		return err
	}
	u, err := s.ByID(ctx, v.UserID)
	if err != nil {
		return err
	}
	return db.Tx(ctx, s.db, func(ctx context.Context) error { return s.sendConfirmation(ctx, u) })
}

// ConfirmEmail spends a confirmation link and marks its member's address
// confirmed.
func (s *Service) ConfirmEmail(ctx context.Context, token string, meta Meta) error {
	return db.Tx(ctx, s.db, func(ctx context.Context) error {
		userID, err := s.spendLink(ctx, confirmLinks, token)
		if err != nil {
			return err
		}
		if userID == 0 {
			return ErrConfirmLinkInvalid
		}
		if err := db.Conn(ctx, s.db).Exec(`UPDATE users SET email_confirmed_at = ? WHERE id = ? AND email_confirmed_at IS NULL`,
			s.now(), userID).Error; err != nil {
			return fmt.Errorf("confirm address: %w", err)
		}
		return s.audit.Record(ctx, audit.Event{ActorID: userID, Action: audit.EmailConfirmed, TargetType: "user", TargetID: userID, IP: meta.IP})
	})
}

package notify

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"gorm.io/gorm"
)

// Mailer delivers one message.
type Mailer interface {
	Deliver(ctx context.Context, e Email) error
}

// LogMailer writes mail to the log instead of sending it (CURBSIDE_SMTP_URL unset).
type LogMailer struct{ Log *slog.Logger }

// Deliver logs the message.
func (m LogMailer) Deliver(_ context.Context, e Email) error {
	// Recipient and subject only: a body may carry a moderator's reason or a link with a token.
	m.Log.Info("mail (not sent: CURBSIDE_SMTP_URL is unset)", slog.String("to", e.ToAddress),
		slog.String("subject", e.Subject))
	return nil
}

// Sender drains the outbox. Any number of instances may run one: each claims
// a batch with SKIP LOCKED and a lease, so no message goes out twice at once.
type Sender struct {
	db     *gorm.DB
	mailer Mailer
	log    *slog.Logger
}

// NewSender returns a sender delivering through mailer.
func NewSender(db *gorm.DB, mailer Mailer, log *slog.Logger) *Sender {
	return &Sender{db: db, mailer: mailer, log: log}
}

const (
	lease       = 5 * time.Minute
	maxAttempts = 12
)

// DeliverDue sends the messages that are due and reports how many went out.
func (s *Sender) DeliverDue(ctx context.Context) (int, error) {
	var batch []Email
	err := s.db.WithContext(ctx).Raw(`UPDATE email_outbox SET next_attempt_at = now() + ?::interval, attempts = attempts + 1
		WHERE id IN (SELECT id FROM email_outbox WHERE sent_at IS NULL AND attempts < ? AND next_attempt_at <= now()
		             ORDER BY id LIMIT 20 FOR UPDATE SKIP LOCKED)
		RETURNING *`, lease.String(), maxAttempts).Scan(&batch).Error
	if err != nil {
		return 0, fmt.Errorf("claim outbox: %w", err)
	}
	sent := 0
	for _, e := range batch {
		if err := s.mailer.Deliver(ctx, e); err != nil {
			retry := time.Minute << min(e.Attempts, 9)
			s.log.Warn("mail delivery failed", slog.Int64("email_id", e.ID), slog.String("error", err.Error()))
			if uerr := s.db.WithContext(ctx).Model(&Email{}).Where("id = ?", e.ID).
				Updates(map[string]any{"last_error": err.Error(), "next_attempt_at": time.Now().Add(retry)}).Error; uerr != nil {
				return sent, uerr
			}
			continue
		}
		if err := s.db.WithContext(ctx).Model(&Email{}).Where("id = ?", e.ID).Update("sent_at", time.Now().UTC()).Error; err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}

// Run delivers due mail every interval until ctx ends. A failed round is
// logged and tried again at the next tick: the outbox keeps the mail.
func (s *Sender) Run(ctx context.Context, interval time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := s.DeliverDue(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("outbox", slog.String("error", err.Error()))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

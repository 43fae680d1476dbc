package notify

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"curbside/app/db"
)

// Service stores notifications and queues mail.
type Service struct{ db *gorm.DB }

// NewService returns the notification rules over db.
func NewService(db *gorm.DB) *Service { return &Service{db: db} }

// Notice is what a capability tells a member: in the app and, when Email is
// set, by mail too.
type Notice struct {
	UserID  int64
	Email   string // the member's address; empty: no mail
	Kind    string
	Title   string
	Body    string
	Link    string // a path on the site
	BaseURL string // to make Link absolute in mail
}

// Send stores the notification and queues its e-mail, within the
// transaction ctx carries if any.
func (s *Service) Send(ctx context.Context, n Notice) error { return s.SendAll(ctx, []Notice{n}) }

// SendAll stores many notifications and queues their e-mails in a few
// statements, whatever their number: telling a whole specialty costs no
// more round trips than telling one member.
func (s *Service) SendAll(ctx context.Context, notices []Notice) error {
	if len(notices) == 0 {
		return nil
	}
	rows := make([]Notification, 0, len(notices))
	var mails []Email
	for _, n := range notices {
		rows = append(rows, Notification{UserID: n.UserID, Kind: n.Kind, Title: n.Title, Body: n.Body, Link: n.Link})
		if n.Email == "" {
			continue
		}
		body := n.Body
		if n.Link != "" {
			body += "\n\n" + n.BaseURL + n.Link
		}
		body += "\n\n— Curbside\n"
		mails = append(mails, Email{ToAddress: n.Email, Subject: "Curbside: " + n.Title, Body: body})
	}
	tx := db.Conn(ctx, s.db)
	if err := tx.CreateInBatches(rows, 500).Error; err != nil {
		return fmt.Errorf("store notifications: %w", err)
	}
	if len(mails) == 0 {
		return nil
	}
	if err := tx.CreateInBatches(mails, 500).Error; err != nil {
		return fmt.Errorf("queue e-mail: %w", err)
	}
	return nil
}

// Mail queues one e-mail, with no notification in the app (a reset link
// is for the mailbox only), within the transaction ctx carries.
func (s *Service) Mail(ctx context.Context, to, subject, body string) error {
	if err := db.Conn(ctx, s.db).Create(&Email{ToAddress: to, Subject: subject, Body: body}).Error; err != nil {
		return fmt.Errorf("queue e-mail: %w", err)
	}
	return nil
}

// Recent lists a member's latest notifications, newest first.
func (s *Service) Recent(ctx context.Context, userID int64, limit int) ([]Notification, error) {
	var list []Notification
	err := s.db.WithContext(ctx).Where("user_id = ?", userID).Order("created_at DESC, id DESC").Limit(limit).Find(&list).Error
	return list, err
}

// MarkAllRead marks every notification of the member read.
func (s *Service) MarkAllRead(ctx context.Context, userID int64) error {
	return s.db.WithContext(ctx).Model(&Notification{}).Where("user_id = ? AND read_at IS NULL", userID).
		Update("read_at", time.Now().UTC()).Error
}

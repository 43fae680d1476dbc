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
func (s *Service) Send(ctx context.Context, n Notice) error {
	tx := db.Conn(ctx, s.db)
	if err := tx.Create(&Notification{UserID: n.UserID, Kind: n.Kind, Title: n.Title, Body: n.Body, Link: n.Link}).Error; err != nil {
		return fmt.Errorf("store notification: %w", err)
	}
	if n.Email == "" {
		return nil
	}
	body := n.Body
	if n.Link != "" {
		body += "\n\n" + n.BaseURL + n.Link
	}
	body += "\n\n— Curbside\n"
	if err := tx.Create(&Email{ToAddress: n.Email, Subject: "Curbside: " + n.Title, Body: body}).Error; err != nil {
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

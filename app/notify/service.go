package notify

import (
	"cmp"
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"curbside/app/apperr"
	"curbside/app/db"
	"curbside/app/paths"
)

// Service stores notifications and queues mail.
type Service struct {
	db      *gorm.DB
	baseURL string
	// unsubscribeKey signs the digest's unsubscribe links.
	unsubscribeKey [32]byte
	// Digests finds what a digest tells; set by the composition root.
	Digests DigestSource
}

// Settings are the notification rules' knobs from the configuration.
type Settings struct {
	BaseURL string // makes links in mail absolute
	Secret  []byte // CURBSIDE_SECRET
}

// NewService returns the notification rules over db.
func NewService(db *gorm.DB, set Settings) *Service {
	return &Service{db: db, baseURL: set.BaseURL,
		unsubscribeKey: sha256.Sum256(append([]byte("curbside digest unsubscribe\x00"), set.Secret...))}
}

// Notice is what a capability tells a member: in the app and, when Email is
// set, by mail too.
type Notice struct {
	UserID  int64
	Email   string // the member's address; empty: no mail
	Kind    string
	Title   string
	Body    string
	Link    string // a path on the site
	BaseURL string // to make Link absolute in mail; "": the configured one
}

// Send stores the notification and queues its e-mail, within the
// transaction ctx carries if any.
func (s *Service) Send(ctx context.Context, n Notice) error { return s.SendAll(ctx, []Notice{n}) }

// SendAll stores many notifications and queues their e-mails in a few
// statements, whatever their number: telling a whole specialty costs no
// more round trips than telling one member. Each member's preferences
// decide here, and only here, what shows in the app and what is mailed.
func (s *Service) SendAll(ctx context.Context, notices []Notice) error {
	if len(notices) == 0 {
		return nil
	}
	stored, err := s.choices(ctx, notices)
	if err != nil {
		return err
	}
	rows := make([]Notification, 0, len(notices))
	var mails []Email
	for _, n := range notices {
		inApp, to := route(n, stored[n.UserID])
		if inApp {
			rows = append(rows, Notification{UserID: n.UserID, Kind: n.Kind, Title: n.Title, Body: n.Body, Link: n.Link})
		}
		if to == "" {
			continue
		}
		body := n.Body
		if n.Link != "" {
			body += "\n\n" + cmp.Or(n.BaseURL, s.baseURL) + n.Link
		}
		body += "\n\nChoose what Curbside tells you, and how: " + s.baseURL + paths.SettingsNotifications + "\n\n— Curbside\n"
		mails = append(mails, Email{ToAddress: to, Subject: "Curbside: " + n.Title, Body: strings.TrimLeft(body, "\n")})
	}
	tx := db.Conn(ctx, s.db)
	if len(rows) > 0 {
		if err := tx.CreateInBatches(rows, 500).Error; err != nil {
			return fmt.Errorf("store notifications: %w", err)
		}
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

// Open returns where one of the member's notifications leads, and marks it
// read when the member is really opening it (read: a GET, not a HEAD that
// a link checker sends); another member's is not found.
func (s *Service) Open(ctx context.Context, userID, id int64, read bool) (string, error) {
	var link []string
	err := s.db.WithContext(ctx).Raw(`UPDATE notifications SET read_at = CASE WHEN ? THEN coalesce(read_at, now()) ELSE read_at END
		WHERE id = ? AND user_id = ? RETURNING link`, read, id, userID).Scan(&link).Error
	if err != nil {
		return "", err
	}
	if len(link) == 0 {
		return "", fmt.Errorf("notification %d: %w", id, apperr.ErrNotFound)
	}
	return link[0], nil
}

// MarkAllRead marks every notification of the member read.
func (s *Service) MarkAllRead(ctx context.Context, userID int64) error {
	return s.db.WithContext(ctx).Model(&Notification{}).Where("user_id = ? AND read_at IS NULL", userID).
		Update("read_at", time.Now().UTC()).Error
}

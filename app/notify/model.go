// Package notify holds in-app notifications and the e-mail outbox. Neither
// ever carries clinical content: a notification says that something happened
// and links to it.
package notify

import "time"

// Notification is one in-app notice for a member.
type Notification struct {
	ID        int64
	UserID    int64
	Kind      string
	Title     string
	Body      string
	Link      string
	ReadAt    *time.Time
	CreatedAt time.Time
}

// Email is one message in the outbox.
type Email struct {
	ID            int64
	ToAddress     string
	Subject       string
	Body          string
	CreatedAt     time.Time
	NextAttemptAt time.Time
	Attempts      int
	LastError     *string
	SentAt        *time.Time
	// ListUnsubscribe is the address of a one-click unsubscribe (RFC 8058)
	// for mail a member asked for in bulk, such as the digest; "" for others.
	ListUnsubscribe string
}

// TableName names the outbox table.
func (Email) TableName() string { return "email_outbox" }

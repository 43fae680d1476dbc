package notify

import (
	"context"
	"fmt"

	"gorm.io/gorm/clause"

	"curbside/app/apperr"
	"curbside/app/db"
)

// Delivery is how a member wants to hear of a topic.
type Delivery string

// Deliveries. AsSent keeps what the notice asks for: in the app, and by mail
// when the sender set an address (an urgent consult does, a routine one not).
const (
	Off    Delivery = "off"
	InApp  Delivery = "app"
	ByMail Delivery = "email"
	AsSent Delivery = "as_sent"
)

// Topic is a kind of notification a member may switch.
type Topic struct {
	Key, Label, Hint string
	Default          Delivery
	Choices          []Delivery
}

var plain = []Delivery{InApp, ByMail, Off}

// Topics are the kinds of news a member may switch, in the order the
// settings page shows them. The defaults keep what Curbside did before
// preferences existed.
var (
	Topics = []Topic{
		{Key: "mentions", Label: "Mentions", Hint: "A colleague names you with @handle in a case or in chat.", Default: InApp, Choices: plain},
		{Key: "replies", Label: "Replies to my cases", Hint: "Someone replies to a case you posted.", Default: InApp, Choices: plain},
		{Key: "follows", Label: "Cases I follow", Hint: "New replies on cases you follow.", Default: InApp, Choices: plain},
		{Key: "consults", Label: "Consults for my specialty", Hint: "A colleague asks your specialty, or you by name, for a consult.",
			Default: AsSent, Choices: []Delivery{AsSent, InApp, ByMail, Off}},
		{Key: "verification", Label: "Verification outcomes", Hint: "A moderator approves or declines your license.",
			Default: ByMail, Choices: []Delivery{ByMail, InApp, Off}},
	}
	choiceLabels = map[Delivery]string{InApp: "In the app", ByMail: "In the app and by e-mail", Off: "Off",
		AsSent: "In the app; urgent ones by e-mail too"}
)

// topicOf maps a notification kind to the topic that switches it. Kinds
// with no topic (security notices, what happens on a consult one asked or
// took, a flag's outcome) are always delivered as sent.
var topicOf = map[string]string{
	"mention":         "mentions",
	"reply.mine":      "replies",
	"reply":           "follows",
	"consult.waiting": "consults",
	"verification":    "verification",
}

// ChoiceLabel names a delivery on the settings page.
func ChoiceLabel(d Delivery) string { return choiceLabels[d] }

// Digest frequencies; "" is no digest.
const (
	Daily  = "daily"
	Weekly = "weekly"
)

// Preferences are a member's choices, by topic key, and their digest.
type Preferences struct {
	Delivery map[string]Delivery
	Digest   string // "", Daily or Weekly
}

// Preferences returns the member's choices, with defaults where they made none.
func (s *Service) Preferences(ctx context.Context, userID int64) (*Preferences, error) {
	p := &Preferences{Delivery: map[string]Delivery{}}
	for _, t := range Topics {
		p.Delivery[t.Key] = t.Default
	}
	var rows []struct {
		Topic    string
		Delivery Delivery
	}
	conn := db.Conn(ctx, s.db)
	if err := conn.Raw(`SELECT topic, delivery FROM notification_preferences WHERE user_id = ?`, userID).Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("read preferences: %w", err)
	}
	for _, r := range rows {
		p.Delivery[r.Topic] = r.Delivery
	}
	if err := conn.Raw(`SELECT frequency FROM notification_digests WHERE user_id = ?`, userID).Scan(&p.Digest).Error; err != nil {
		return nil, fmt.Errorf("read digest: %w", err)
	}
	return p, nil
}

// SavePreferences checks and stores the member's choices. Choosing a digest
// starts it from now: the first one covers what happens from here on.
func (s *Service) SavePreferences(ctx context.Context, userID int64, p Preferences) error {
	errs := apperr.FieldErrors{}
	for _, t := range Topics {
		if !validChoice(t, p.Delivery[t.Key]) {
			errs.Add(t.Key, "Choose how to hear of this.")
		}
	}
	if p.Digest != "" && p.Digest != Daily && p.Digest != Weekly {
		errs.Add("digest", "Choose daily, weekly or no digest.")
	}
	if len(errs) > 0 {
		return errs
	}
	return db.Tx(ctx, s.db, func(ctx context.Context) error {
		tx := db.Conn(ctx, s.db)
		rows := make([]map[string]any, 0, len(Topics))
		for _, t := range Topics {
			rows = append(rows, map[string]any{"user_id": userID, "topic": t.Key, "delivery": string(p.Delivery[t.Key])})
		}
		if err := tx.Table("notification_preferences").Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "user_id"}, {Name: "topic"}},
			DoUpdates: clause.AssignmentColumns([]string{"delivery"})}).Create(rows).Error; err != nil {
			return fmt.Errorf("store preferences: %w", err)
		}
		if p.Digest == "" {
			return s.stopDigest(ctx, userID)
		}
		return tx.Exec(`INSERT INTO notification_digests (user_id, frequency) VALUES (?, ?)
			ON CONFLICT (user_id) DO UPDATE SET frequency = EXCLUDED.frequency`, userID, p.Digest).Error
	})
}

func (s *Service) stopDigest(ctx context.Context, userID int64) error {
	return db.Conn(ctx, s.db).Exec(`DELETE FROM notification_digests WHERE user_id = ?`, userID).Error
}

func validChoice(t Topic, d Delivery) bool {
	for _, c := range t.Choices {
		if c == d {
			return true
		}
	}
	return false
}

// recipientChoice is a stored preference with the member's address, for
// mail the notice's sender did not address.
type recipientChoice struct {
	UserID   int64
	Topic    string
	Delivery Delivery
	Email    string
}

// choices reads, in one query, the stored preferences that bear on notices.
func (s *Service) choices(ctx context.Context, notices []Notice) (map[int64]map[string]recipientChoice, error) {
	var ids []int64
	for _, n := range notices {
		if topicOf[n.Kind] != "" {
			ids = append(ids, n.UserID)
		}
	}
	out := map[int64]map[string]recipientChoice{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []recipientChoice
	// Only a confirmed address is mailed: until then it may be anyone's.
	err := db.Conn(ctx, s.db).Raw(`SELECT p.user_id, p.topic, p.delivery,
		CASE WHEN u.email_confirmed_at IS NOT NULL THEN u.email ELSE '' END AS email FROM notification_preferences p
		JOIN users u ON u.id = p.user_id WHERE p.user_id IN ?`, ids).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("read preferences: %w", err)
	}
	for _, r := range rows {
		if out[r.UserID] == nil {
			out[r.UserID] = map[string]recipientChoice{}
		}
		out[r.UserID][r.Topic] = r
	}
	return out, nil
}

// route decides, for one notice, whether it shows in the app and where it
// is mailed ("": nowhere): the member's choice for its topic, else the
// topic's default, else (no topic) as sent.
func route(n Notice, stored map[string]recipientChoice) (inApp bool, mailTo string) {
	topic := topicOf[n.Kind]
	d := AsSent
	addr := n.Email
	if c, ok := stored[topic]; ok {
		d = c.Delivery
		if addr == "" {
			addr = c.Email
		}
	} else {
		for _, t := range Topics {
			if t.Key == topic {
				d = t.Default
			}
		}
	}
	switch d {
	case Off:
		return false, ""
	case InApp:
		return true, ""
	case ByMail:
		return true, addr
	}
	return true, n.Email
}

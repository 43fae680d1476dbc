package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"curbside/app/db"
	"curbside/app/paths"
)

// DigestCase is one case a digest links to: its title, never its text, and
// how many new replies it has (0 for a new case).
type DigestCase struct {
	ID      int64
	Title   string
	Replies int
}

// DigestItems is what happened since a member's last digest.
type DigestItems struct {
	Specialty    string
	NewCases     []DigestCase // newest first, at most a screenful
	NewCaseCount int          // all of them
	Followed     []DigestCase // followed cases with new replies
}

// DigestSource finds what a digest tells a member (the cases capability).
type DigestSource interface {
	DigestFor(ctx context.Context, userID int64, since time.Time) (DigestItems, error)
}

// digestBatch bounds the members one pass claims, so a backlog is worked
// through in short transactions.
const digestBatch = 50

var periods = map[string]time.Duration{Daily: 24 * time.Hour, Weekly: 7 * 24 * time.Hour}

// SendDigests queues the digests that are due and reports how many went to
// the outbox. Every instance runs it: a member is claimed by moving their
// last_sent_at forward, taking rows with SKIP LOCKED and only while still
// due, so each digest is sent once, by whichever instance claims it. Only
// verified members with a confirmed address get one, and a digest with
// nothing new is not sent at all.
func (s *Service) SendDigests(ctx context.Context) (int, error) {
	if s.Digests == nil {
		return 0, nil
	}
	sent := 0
	for {
		var n, claimed int
		err := db.Tx(ctx, s.db, func(ctx context.Context) error {
			var due []struct {
				UserID    int64
				Email     string
				Frequency string
				Since     time.Time
			}
			err := db.Conn(ctx, s.db).Raw(`WITH due AS (
					SELECT d.user_id, d.last_sent_at, u.email, d.frequency FROM notification_digests d JOIN users u ON u.id = d.user_id
					WHERE u.status = 'verified' AND u.email_confirmed_at IS NOT NULL
					  AND d.last_sent_at <= now() - CASE d.frequency WHEN 'daily' THEN ?::interval ELSE ?::interval END
					ORDER BY d.last_sent_at LIMIT ? FOR UPDATE OF d SKIP LOCKED)
				UPDATE notification_digests d SET last_sent_at = now() FROM due WHERE d.user_id = due.user_id
				RETURNING d.user_id, due.email, due.frequency, due.last_sent_at AS since`,
				periods[Daily].String(), periods[Weekly].String(), digestBatch).Scan(&due).Error
			if err != nil {
				return fmt.Errorf("claim digests: %w", err)
			}
			claimed = len(due)
			for _, d := range due {
				items, err := s.Digests.DigestFor(ctx, d.UserID, d.Since)
				if err != nil {
					return err
				}
				if len(items.NewCases) == 0 && len(items.Followed) == 0 {
					continue
				}
				unsubscribe := s.baseURL + paths.Unsubscribe + "?token=" + url.QueryEscape(s.unsubscribeToken(d.UserID))
				e := Email{ToAddress: d.Email, Subject: "Curbside: your " + d.Frequency + " digest",
					Body: s.digestBody(d.Frequency, items, unsubscribe), ListUnsubscribe: unsubscribe}
				if err := db.Conn(ctx, s.db).Create(&e).Error; err != nil {
					return fmt.Errorf("queue digest: %w", err)
				}
				n++
			}
			return nil
		})
		if err != nil {
			return sent, err
		}
		sent += n
		if claimed < digestBatch {
			return sent, nil
		}
	}
}

// digestBody lists titles, counts and links: case text stays behind the
// login, and no author is named, so an anonymous one cannot be.
func (s *Service) digestBody(frequency string, items DigestItems, unsubscribe string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Your %s Curbside digest.\n", frequency)
	link := func(c DigestCase) string { return s.baseURL + paths.Cases + "/" + strconv.FormatInt(c.ID, 10) }
	if len(items.NewCases) > 0 {
		fmt.Fprintf(&b, "\nNew cases in %s: %d\n", items.Specialty, items.NewCaseCount)
		for _, c := range items.NewCases {
			fmt.Fprintf(&b, "- %s\n  %s\n", oneLine(c.Title), link(c))
		}
		if more := items.NewCaseCount - len(items.NewCases); more > 0 {
			fmt.Fprintf(&b, "and %d more: %s\n", more, s.baseURL+paths.Cases)
		}
	}
	if len(items.Followed) > 0 {
		b.WriteString("\nNew replies on cases you follow:\n")
		for _, c := range items.Followed {
			fmt.Fprintf(&b, "- %s (%d new %s)\n  %s\n", oneLine(c.Title), c.Replies, plural(c.Replies, "reply", "replies"), link(c))
		}
	}
	b.WriteString("\nCase discussions stay behind the login: open a link to read them.\n")
	fmt.Fprintf(&b, "\nStop this digest: %s\nChoose what Curbside tells you, and how: %s\n\n— Curbside\n",
		unsubscribe, s.baseURL+paths.SettingsNotifications)
	return b.String()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// unsubscribeToken signs a member's id: the link works without a login,
// and only for that member. It does not expire: a digest read weeks later
// must still stop the digest.
func (s *Service) unsubscribeToken(userID int64) string {
	id := strconv.FormatInt(userID, 10)
	return id + "." + base64.RawURLEncoding.EncodeToString(s.unsubscribeMAC(id))
}

func (s *Service) unsubscribeMAC(id string) []byte {
	m := hmac.New(sha256.New, s.unsubscribeKey[:])
	m.Write([]byte("digest:" + id))
	return m.Sum(nil)
}

// errBadToken is any unsubscribe token that was not signed here.
var errBadToken = errors.New("unsubscribe token not signed here")

// unsubscriber returns the member a token names, if it is ours.
func (s *Service) unsubscriber(token string) (int64, error) {
	id, mac, ok := strings.Cut(token, ".")
	got, err := base64.RawURLEncoding.DecodeString(mac)
	if !ok || err != nil || !hmac.Equal(got, s.unsubscribeMAC(id)) {
		return 0, errBadToken
	}
	userID, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return 0, errBadToken
	}
	return userID, nil
}

// ValidUnsubscribe reports whether a token is one of ours.
func (s *Service) ValidUnsubscribe(token string) bool {
	_, err := s.unsubscriber(token)
	return err == nil
}

// Subscribed reports whether the member a token names still gets a digest.
func (s *Service) Subscribed(ctx context.Context, token string) (bool, error) {
	userID, err := s.unsubscriber(token)
	if err != nil {
		return false, err
	}
	var n int64
	err = s.db.WithContext(ctx).Raw(`SELECT count(*) FROM notification_digests WHERE user_id = ?`, userID).Scan(&n).Error
	return n > 0, err
}

// Unsubscribe stops the digest of the member a token names.
func (s *Service) Unsubscribe(ctx context.Context, token string) error {
	userID, err := s.unsubscriber(token)
	if err != nil {
		return err
	}
	return s.stopDigest(ctx, userID)
}

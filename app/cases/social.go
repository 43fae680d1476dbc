package cases

import (
	"context"
	"fmt"
	"strconv"

	"curbside/app/db"
	"curbside/app/identity"
	"curbside/app/notify"
)

// follow subscribes a member to a case's new replies (authors follow their
// own cases); following twice changes nothing.
func (s *Service) follow(ctx context.Context, userID, caseID int64) error {
	return db.Conn(ctx, s.db).Exec(`INSERT INTO case_follows (case_id, user_id) VALUES (?, ?)
		ON CONFLICT DO NOTHING`, caseID, userID).Error
}

// SetFollowing follows or unfollows a case.
func (s *Service) SetFollowing(ctx context.Context, v *identity.Viewer, caseID int64, on bool) error {
	if _, err := s.visibleCase(ctx, caseID); err != nil {
		return err
	}
	if on {
		return s.follow(ctx, v.UserID, caseID)
	}
	return s.db.WithContext(ctx).Exec("DELETE FROM case_follows WHERE case_id = ? AND user_id = ?", caseID, v.UserID).Error
}

// caseLink is where a notification about a case leads.
func caseLink(caseID int64) string { return "/cases/" + strconv.FormatInt(caseID, 10) }

// byline names the author of a post in a notification: never the member
// behind an anonymous post.
func byline(v *identity.Viewer, anonymous bool) string {
	if anonymous {
		return "A colleague"
	}
	return v.DisplayName
}

// notifyMentions tells the verified members named with @handle that a post
// mentions them. A notification says who and where, never what: the case's
// clinical text stays behind the login.
func (s *Service) notifyMentions(ctx context.Context, v *identity.Viewer, caseID int64, anonymous bool, handles []string) error {
	if len(handles) == 0 {
		return nil
	}
	var ids []int64
	err := db.Conn(ctx, s.db).Raw(`SELECT id FROM users WHERE lower(handle) IN ? AND id <> ?
		AND (status = 'verified' OR role IN ('moderator', 'admin')) AND status <> 'suspended'`, handles, v.UserID).Scan(&ids).Error
	if err != nil {
		return fmt.Errorf("find mentioned members: %w", err)
	}
	for _, id := range ids {
		if err := s.notify.Send(ctx, notify.Notice{UserID: id, Kind: "mention",
			Title: byline(v, anonymous) + " mentioned you in a case discussion", Link: caseLink(caseID)}); err != nil {
			return err
		}
	}
	return nil
}

// notifyFollowers tells those who follow a case (but the replier) that it
// has a new reply.
func (s *Service) notifyFollowers(ctx context.Context, v *identity.Viewer, caseID int64, anonymous bool, skip []string) error {
	var followers []struct {
		UserID int64
		Mine   bool
	}
	err := db.Conn(ctx, s.db).Raw(`SELECT f.user_id, c.author_id = f.user_id AS mine FROM case_follows f
		JOIN users u ON u.id = f.user_id JOIN cases c ON c.id = f.case_id
		WHERE f.case_id = ? AND f.user_id <> ? AND lower(u.handle) NOT IN ? AND u.status <> 'suspended'`,
		caseID, v.UserID, append(skip, "")).Scan(&followers).Error // "": NOT IN over an empty list would match no one
	if err != nil {
		return fmt.Errorf("find followers: %w", err)
	}
	notices := make([]notify.Notice, 0, len(followers))
	for _, f := range followers {
		// The author hears of replies to their case under its own topic.
		n := notify.Notice{UserID: f.UserID, Kind: "reply", Title: byline(v, anonymous) + " replied to a case you follow", Link: caseLink(caseID)}
		if f.Mine {
			n.Kind, n.Title = "reply.mine", byline(v, anonymous)+" replied to your case"
		}
		notices = append(notices, n)
	}
	return s.notify.SendAll(ctx, notices)
}

package chat

import (
	"context"
	"fmt"

	"curbside/app/db"
	"curbside/app/identity"
	"curbside/app/notify"
)

// mentioned tells the members named with @handle who may read the room
// that a message there mentions them. A notice says who and where, never
// what: the message stays behind the login.
func (s *Service) tellMentioned(ctx context.Context, v *identity.Viewer, slug string, handles []string) error {
	room, err := s.Room(ctx, v, slug)
	if err != nil {
		return err
	}
	var ids []int64
	err = db.Conn(ctx, s.db).Raw(`SELECT u.id FROM users u WHERE lower(u.handle) IN ? AND u.id <> ?
		AND (u.status = 'verified' OR u.role IN ('moderator', 'admin')) AND u.status <> 'suspended'
		AND (? IN ('general', 'lounge') OR EXISTS (SELECT 1 FROM chat_members m WHERE m.room_id = ? AND m.user_id = u.id))`,
		handles, v.UserID, room.Kind, room.ID).Scan(&ids).Error
	if err != nil {
		return fmt.Errorf("find mentioned members: %w", err)
	}
	where := room.Title
	if room.Kind == KindDM { // titled after the other member: the writer's name says it
		where = "a direct message"
	}
	notices := make([]notify.Notice, 0, len(ids))
	for _, id := range ids {
		notices = append(notices, notify.Notice{UserID: id, Kind: "mention",
			Title: v.DisplayName + " mentioned you in chat: " + where, Link: "/chat/" + room.Slug})
	}
	return s.notify.SendAll(ctx, notices)
}

package accounts

import (
	"context"
	"encoding/json"
	"fmt"

	"curbside/app/pubsub"
)

// ChannelSessionsEnded carries "these sessions ended" to every instance, so
// that open connections (websockets) of a member who logged out, was
// suspended or changed their password close everywhere at once.
const ChannelSessionsEnded = "curbside_sessions_ended"

// SessionsEnded names the sessions that ended: one session, or every
// session of the member except one (Except 0: all of them).
type SessionsEnded struct {
	UserID    int64 `json:"user"`
	SessionID int64 `json:"session,omitempty"`
	Except    int64 `json:"except,omitempty"`
}

// Covers reports whether the session sessionID of member userID is among them.
func (e SessionsEnded) Covers(userID, sessionID int64) bool {
	if e.UserID != userID {
		return false
	}
	if e.SessionID != 0 {
		return e.SessionID == sessionID
	}
	return sessionID != e.Except
}

// announceEnded publishes e; inside a transaction it goes out on commit, so
// no instance hears of an ending that was rolled back.
func (s *Service) announceEnded(ctx context.Context, e SessionsEnded) error {
	payload, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if err := pubsub.Publish(ctx, s.db, ChannelSessionsEnded, string(payload)); err != nil {
		return fmt.Errorf("announce ended sessions: %w", err)
	}
	return nil
}

// WatchSessionEnds calls ended for every announcement from any instance, and
// resync after the bus (re)connected, when announcements may have been
// missed and open connections should check their sessions again.
func WatchSessionEnds(bus pubsub.Bus, ended func(SessionsEnded), resync func()) (stop func()) {
	return bus.Subscribe(ChannelSessionsEnded, pubsub.Handler{
		Notify: func(payload string) {
			var e SessionsEnded
			if json.Unmarshal([]byte(payload), &e) == nil && e.UserID != 0 {
				ended(e)
			}
		},
		Resync: resync,
	})
}

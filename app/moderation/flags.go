package moderation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"curbside/app/accounts"
	"curbside/app/apperr"
	"curbside/app/audit"
	"curbside/app/db"
	"curbside/app/identity"
	"curbside/app/notify"
	"curbside/app/ratelimit"
)

// Audited moderation actions.
const (
	FlagResolved    = "moderation.flag_resolved"
	ContentHidden   = "moderation.content_hidden"
	ContentRestored = "moderation.content_restored"
)

// Resolutions of a flag.
const (
	Dismiss = "dismiss"
	Hide    = "hide"
	Suspend = "suspend"
)

// Resolutions lists them.
var Resolutions = []string{Dismiss, Hide, Suspend}

// maxReason bounds a flag's reason and a resolution's note, in characters.
const maxReason = 1000

// flagLimit bounds how often a member flags: enough for anyone who cares,
// too few to flood the queue.
var flagLimit = ratelimit.Rule{Limit: 30, Window: time.Hour}

// ErrFlaggedAlready answers a second open flag by the same member on the same target.
var ErrFlaggedAlready = &apperr.Conflict{Message: "You have flagged this already: a moderator will look at it."}

// ErrResolved refuses to resolve a flag twice.
var ErrResolved = &apperr.Conflict{Message: "This flag was resolved already; the queue shows what is still open."}

func auditEvent(v *identity.Viewer, action, kind string, id int64, meta identity.Meta) audit.Event {
	return audit.Event{ActorID: v.UserID, Action: action, TargetType: kind, TargetID: id, IP: meta.IP}
}

// Flag records a member's flag on something they can see, for moderators.
func (s *Service) Flag(ctx context.Context, v *identity.Viewer, kind string, id int64, reason string) error {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return apperr.FieldErrors{"reason": "Say what is wrong, so a moderator knows what to look for."}
	case utf8.RuneCountInString(reason) > maxReason:
		return apperr.FieldErrors{"reason": fmt.Sprintf("At most %d characters, please.", maxReason)}
	}
	if _, err := s.visibleAuthor(ctx, v, kind, id); err != nil {
		return err
	}
	if kind == TargetUser && id == v.UserID {
		return &apperr.Conflict{Message: "That is your own account."}
	}
	if err := s.limits.Allow(ctx, fmt.Sprintf("flag:%d", v.UserID), flagLimit); err != nil {
		return err
	}
	res := db.Conn(ctx, s.db).Exec(`INSERT INTO flags (reporter_id, target_type, target_id, reason, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (reporter_id, target_type, target_id) WHERE resolved_at IS NULL DO NOTHING`, v.UserID, kind, id, reason, time.Now().UTC())
	if res.Error != nil {
		return fmt.Errorf("flag: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrFlaggedAlready
	}
	return nil
}

// Report is one member's flag on a target.
type Report struct {
	ID             int64
	ReporterHandle string
	Reason         string
	CreatedAt      time.Time
}

// FlagGroup is a flagged target with its open flags, newest first.
type FlagGroup struct {
	Target  Target
	Reports []Report
}

// queueLimit bounds the open flags the queue reads.
const queueLimit = 200

// Queue lists the open flags grouped by target, the most recently flagged
// target first. Targets posted anonymously are shown with their authors,
// which is audited.
func (s *Service) Queue(ctx context.Context, v *identity.Viewer, meta identity.Meta) ([]FlagGroup, error) {
	var rows []struct {
		ID             int64
		TargetType     string
		TargetID       int64
		ReporterHandle string
		Reason         string
		CreatedAt      time.Time
	}
	err := db.Conn(ctx, s.db).Raw(`SELECT f.id, f.target_type, f.target_id, u.handle AS reporter_handle, f.reason, f.created_at
		FROM flags f JOIN users u ON u.id = f.reporter_id WHERE f.resolved_at IS NULL
		ORDER BY f.created_at DESC, f.id DESC LIMIT ?`, queueLimit).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("read flags: %w", err)
	}
	var groups []FlagGroup
	index := map[string]int{}
	ids := map[string][]int64{}
	for _, r := range rows {
		key := Target{Type: r.TargetType, ID: r.TargetID}.Key()
		i, ok := index[key]
		if !ok {
			i, index[key] = len(groups), len(groups)
			groups = append(groups, FlagGroup{Target: Target{Type: r.TargetType, ID: r.TargetID}})
			ids[r.TargetType] = append(ids[r.TargetType], r.TargetID)
		}
		groups[i].Reports = append(groups[i].Reports, Report{ID: r.ID, ReporterHandle: r.ReporterHandle, Reason: r.Reason, CreatedAt: r.CreatedAt})
	}
	targets, err := s.targets(ctx, ids)
	if err != nil {
		return nil, err
	}
	shown := make([]Target, 0, len(groups))
	for i := range groups {
		if t, ok := targets[groups[i].Target.Key()]; ok {
			groups[i].Target = t
		}
		shown = append(shown, groups[i].Target)
	}
	return groups, s.auditAnonymous(ctx, v, shown, meta)
}

// Resolution is a moderator's decision on a flag.
type Resolution struct {
	Action string
	Note   string
}

// Resolve decides every open flag on the target of flag id at once: dismiss
// them, hide the target, or suspend its author. Each flagging member is
// told the outcome (never the content). A flag resolved before is a conflict.
func (s *Service) Resolve(ctx context.Context, v *identity.Viewer, id int64, r Resolution, meta identity.Meta) error {
	r.Note = strings.TrimSpace(r.Note)
	fe := apperr.FieldErrors{}
	fe.OneOf("action", r.Action, Resolutions)
	if r.Action == "" {
		fe.Add("action", "Choose what to do: dismiss, hide or suspend.")
	}
	if utf8.RuneCountInString(r.Note) > maxReason {
		fe.Add("note", fmt.Sprintf("At most %d characters, please.", maxReason))
	}
	if r.Action == Suspend && r.Note == "" {
		fe.Add("note", "Say why the author is suspended; they will see it.")
	}
	if err := fe.OrNil(); err != nil {
		return err
	}
	var target struct {
		TargetType string
		TargetID   int64
	}
	if err := db.Conn(ctx, s.db).Raw(`SELECT target_type, target_id FROM flags WHERE id = ?`, id).Scan(&target).Error; err != nil {
		return fmt.Errorf("read flag: %w", err)
	}
	if target.TargetType == "" {
		return fmt.Errorf("flag %d: %w", id, apperr.ErrNotFound)
	}
	return db.Tx(ctx, s.db, func(ctx context.Context) error {
		// The target's flags are locked in one order, whichever of them a
		// moderator resolves, so that two moderators wait for each other
		// rather than deadlock; the second then finds them resolved.
		var flags []struct {
			ID         int64
			ReporterID int64
			Resolved   bool
		}
		if err := db.Conn(ctx, s.db).Raw(`SELECT id, reporter_id, resolved_at IS NOT NULL AS resolved FROM flags
			WHERE target_type = ? AND target_id = ? AND (resolved_at IS NULL OR id = ?) ORDER BY id FOR UPDATE`,
			target.TargetType, target.TargetID, id).Scan(&flags).Error; err != nil {
			return fmt.Errorf("lock flags: %w", err)
		}
		ids, reporters := []int64{}, []int64{}
		for _, f := range flags {
			if f.ID == id && f.Resolved {
				return ErrResolved
			}
			if !f.Resolved {
				ids, reporters = append(ids, f.ID), append(reporters, f.ReporterID)
			}
		}
		anonymous, err := s.carryOut(ctx, v, target.TargetType, target.TargetID, r, meta)
		if err != nil {
			return err
		}
		if err := db.Conn(ctx, s.db).Exec(`UPDATE flags SET resolved_at = now(), resolved_by = ?, resolution = ?, note = ? WHERE id IN ?`,
			v.UserID, r.Action, r.Note, ids).Error; err != nil {
			return fmt.Errorf("resolve flags: %w", err)
		}
		ev := auditEvent(v, FlagResolved, target.TargetType, target.TargetID, meta)
		ev.Detail = map[string]string{"action": r.Action, "flags": fmt.Sprint(len(ids))}
		if err := s.audit.Record(ctx, ev); err != nil {
			return err
		}
		outcome := r.Action
		if anonymous && outcome == Suspend {
			outcome = actedOn // who was suspended would name the anonymous author
		}
		return s.tellReporters(ctx, reporters, target.TargetType, outcome)
	})
}

// carryOut applies a resolution to its target, and reports whether the
// target was posted anonymously.
func (s *Service) carryOut(ctx context.Context, v *identity.Viewer, kind string, id int64, r Resolution, meta identity.Meta) (bool, error) {
	switch r.Action {
	case Hide:
		err := s.setHidden(ctx, v, kind, id, true, meta)
		if errors.Is(err, apperr.ErrConflict) {
			return false, nil // hidden already, from its page: the flags are still answered
		}
		return false, err
	case Suspend:
		t, err := s.target(ctx, kind, id)
		if err != nil {
			return false, err
		}
		if err := s.mayActOn(ctx, v, t.AuthorID); err != nil {
			return false, err
		}
		err = s.accounts.Suspend(ctx, v.UserID, t.AuthorID, r.Note, meta)
		if errors.Is(err, apperr.ErrConflict) && !errors.Is(err, accounts.ErrLastAdmin) {
			return t.Anonymous, nil // suspended already: the flags are still answered
		}
		return t.Anonymous, err
	}
	return false, nil
}

// target reads one target.
func (s *Service) target(ctx context.Context, kind string, id int64) (Target, error) {
	targets, err := s.targets(ctx, map[string][]int64{kind: {id}})
	if err != nil {
		return Target{}, err
	}
	t, ok := targets[Target{Type: kind, ID: id}.Key()]
	if !ok {
		return Target{}, fmt.Errorf("%s %d: %w", kind, id, apperr.ErrNotFound)
	}
	return t, nil
}

// actedOn is the outcome told when saying which would reveal too much.
const actedOn = "acted"

// outcomes tell a flagging member what came of their flag.
var outcomes = map[string]string{
	actedOn: "A moderator acted on what you flagged. Thank you for keeping watch.",
	Dismiss: "A moderator looked at what you flagged and left it as it is. Thank you for keeping watch.",
	Hide:    "A moderator removed what you flagged. Thank you for keeping watch.",
	Suspend: "A moderator suspended the author of what you flagged. Thank you for keeping watch.",
}

// things name a target's kind in a notice.
var things = map[string]string{TargetCase: "case", TargetReply: "reply", TargetMessage: "chat message",
	TargetConsultMessage: "consult message", TargetUser: "member"}

func (s *Service) tellReporters(ctx context.Context, reporters []int64, kind, action string) error {
	notices := make([]notify.Notice, 0, len(reporters))
	for _, id := range reporters {
		notices = append(notices, notify.Notice{UserID: id, Kind: "flag_resolved",
			Title: "Your flag on a " + things[kind] + " was reviewed", Body: outcomes[action]})
	}
	return s.notify.SendAll(ctx, notices)
}

// SetHidden hides or restores a target directly: a moderator's call, for
// what they found themselves (a post published over the privacy guard, say).
func (s *Service) SetHidden(ctx context.Context, v *identity.Viewer, kind string, id int64, hide bool, meta identity.Meta) error {
	if !v.IsModerator() {
		return apperr.ErrForbidden
	}
	return db.Tx(ctx, s.db, func(ctx context.Context) error { return s.setHidden(ctx, v, kind, id, hide, meta) })
}

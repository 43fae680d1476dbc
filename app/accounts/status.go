package accounts

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"curbside/app/apperr"
	"curbside/app/audit"
	"curbside/app/db"
	"curbside/app/identity"
)

// Roles lists the roles an admin may give.
var Roles = []string{identity.RoleMember, identity.RoleModerator, identity.RoleAdmin}

// ErrLastAdmin refuses to leave Curbside without an admin.
var ErrLastAdmin = &apperr.Conflict{Message: "Curbside needs at least one admin: make someone else admin first."}

// SetRole changes a member's role. The member's next request renews its
// session token and sees the new rights.
func (s *Service) SetRole(ctx context.Context, actorID, userID int64, role string, meta Meta) error {
	if !slices.Contains(Roles, role) {
		return apperr.FieldErrors{"role": "Choose member, moderator or admin."}
	}
	return db.Tx(ctx, s.db, func(ctx context.Context) error {
		tx := db.Conn(ctx, s.db)
		lastAdmin, err := lockAdmins(tx, userID)
		if err != nil {
			return err
		}
		u, err := lockUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		if u.Role == role {
			return nil
		}
		if lastAdmin {
			return ErrLastAdmin
		}
		if err := tx.Model(&User{}).Where("id = ?", userID).
			Updates(map[string]any{"role": role, "updated_at": s.now()}).Error; err != nil {
			return fmt.Errorf("set role: %w", err)
		}
		return s.audit.Record(ctx, audit.Event{ActorID: actorID, Action: audit.RoleChanged, TargetType: "user",
			TargetID: userID, IP: meta.IP, Detail: map[string]string{"from": u.Role, "to": role}})
	})
}

// StatusChange moves an account between verification states. Verification
// decisions call SetStatus inside their own transaction, so the account and
// the decision change together.
type StatusChange struct {
	ActorID   int64
	UserID    int64
	To        string
	Specialty *int16 // set with a verification, else nil
	Meta      Meta
}

// SetStatus applies a status change, joining the transaction ctx carries.
// Suspension has its own calls: Suspend and Unsuspend.
func (s *Service) SetStatus(ctx context.Context, ch StatusChange) error {
	return db.Tx(ctx, s.db, func(ctx context.Context) error { return s.setStatus(ctx, ch) })
}

func (s *Service) setStatus(ctx context.Context, ch StatusChange) error {
	tx := db.Conn(ctx, s.db)
	u, err := lockUser(ctx, tx, ch.UserID)
	if err != nil {
		return err
	}
	if u.Status == identity.StatusSuspended {
		return fmt.Errorf("account is suspended: %w", apperr.ErrConflict)
	}
	updates := map[string]any{"status": ch.To, "updated_at": s.now()}
	if ch.Specialty != nil {
		updates["specialty_id"] = *ch.Specialty
	}
	if err := tx.Model(&User{}).Where("id = ?", ch.UserID).Updates(updates).Error; err != nil {
		return fmt.Errorf("set status: %w", err)
	}
	return s.audit.Record(ctx, audit.Event{ActorID: ch.ActorID, Action: audit.StatusChanged, TargetType: "user",
		TargetID: ch.UserID, IP: ch.Meta.IP, Detail: map[string]string{"from": u.Status, "to": ch.To}})
}

// Suspend locks an account out at once: every session ends and logging in
// shows the reason.
func (s *Service) Suspend(ctx context.Context, actorID, userID int64, reason string, meta Meta) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return apperr.FieldErrors{"reason": "Say why the account is suspended; the member will see it."}
	}
	return db.Tx(ctx, s.db, func(ctx context.Context) error {
		tx := db.Conn(ctx, s.db)
		lastAdmin, err := lockAdmins(tx, userID)
		if err != nil {
			return err
		}
		u, err := lockUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		if u.Status == identity.StatusSuspended {
			return fmt.Errorf("already suspended: %w", apperr.ErrConflict)
		}
		if lastAdmin {
			return ErrLastAdmin
		}
		if err := tx.Model(&User{}).Where("id = ?", userID).Updates(map[string]any{
			"status": identity.StatusSuspended, "status_before_suspension": u.Status,
			"suspension_reason": reason, "updated_at": s.now()}).Error; err != nil {
			return fmt.Errorf("suspend: %w", err)
		}
		if err := s.endSessions(ctx, userID, 0); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Event{ActorID: actorID, Action: audit.StatusChanged, TargetType: "user",
			TargetID: userID, IP: meta.IP, Detail: map[string]string{"from": u.Status, "to": identity.StatusSuspended}})
	})
}

// Unsuspend lifts a suspension and restores the status it replaced.
func (s *Service) Unsuspend(ctx context.Context, actorID, userID int64, meta Meta) error {
	return db.Tx(ctx, s.db, func(ctx context.Context) error {
		tx := db.Conn(ctx, s.db)
		u, err := lockUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		if u.Status != identity.StatusSuspended {
			return fmt.Errorf("not suspended: %w", apperr.ErrConflict)
		}
		restored := identity.StatusUnverified
		if u.StatusBeforeSuspension != nil {
			restored = *u.StatusBeforeSuspension
		}
		if err := tx.Model(&User{}).Where("id = ?", userID).Updates(map[string]any{
			"status": restored, "status_before_suspension": nil, "suspension_reason": nil, "updated_at": s.now()}).Error; err != nil {
			return fmt.Errorf("unsuspend: %w", err)
		}
		return s.audit.Record(ctx, audit.Event{ActorID: actorID, Action: audit.StatusChanged, TargetType: "user",
			TargetID: userID, IP: meta.IP, Detail: map[string]string{"from": identity.StatusSuspended, "to": restored}})
	})
}

// lockAdmins locks the active admins, always first and in id order, so that
// two admins demoting or suspending each other at once cannot both succeed
// (nor wait for each other in a circle); it reports whether userID is the
// only one.
func lockAdmins(tx *gorm.DB, userID int64) (bool, error) {
	var admins []int64
	if err := tx.Raw(`SELECT id FROM users WHERE role = ? AND status <> ? ORDER BY id FOR UPDATE`,
		identity.RoleAdmin, identity.StatusSuspended).Scan(&admins).Error; err != nil {
		return false, fmt.Errorf("lock admins: %w", err)
	}
	return len(admins) == 1 && admins[0] == userID, nil
}

func lockUser(ctx context.Context, tx *gorm.DB, id int64) (*User, error) {
	var u User
	if err := tx.WithContext(ctx).Clauses(lockingClause()).First(&u, id).Error; err != nil {
		return nil, notFound(err, "user")
	}
	return &u, nil
}

func lockingClause() clause.Locking { return clause.Locking{Strength: "UPDATE"} }

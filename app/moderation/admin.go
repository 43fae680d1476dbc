package moderation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"curbside/app/apperr"
	"curbside/app/db"
	"curbside/app/identity"
)

// ErrSelf refuses a moderator's action on their own account.
var ErrSelf = &apperr.Conflict{Message: "That is your own account: ask another moderator or an admin."}

// ErrAdminsOnly refuses a moderator's action on a moderator or an admin.
var ErrAdminsOnly = errors.New("only an admin may suspend a moderator or an admin")

// mayActOn checks that v may suspend or reinstate member id: never
// themselves, and a moderator or admin only if v is an admin.
func (s *Service) mayActOn(ctx context.Context, v *identity.Viewer, id int64) error {
	if !v.IsModerator() {
		return apperr.ErrForbidden
	}
	if id == v.UserID {
		return ErrSelf
	}
	var role string
	err := db.ScanRow(ctx, s.db, `SELECT role FROM users WHERE id = $1`, []any{id}, &role)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("member %d: %w", id, apperr.ErrNotFound)
	} else if err != nil {
		return fmt.Errorf("load member: %w", err)
	}
	if role != identity.RoleMember && !v.IsAdmin() {
		return fmt.Errorf("%w: %w", ErrAdminsOnly, apperr.ErrForbidden)
	}
	return nil
}

// Suspend locks member id out at once, with the reason they will see.
func (s *Service) Suspend(ctx context.Context, v *identity.Viewer, id int64, reason string, meta identity.Meta) error {
	if err := s.mayActOn(ctx, v, id); err != nil {
		return err
	}
	return s.accounts.Suspend(ctx, v.UserID, id, reason, meta)
}

// Unsuspend lifts member id's suspension.
func (s *Service) Unsuspend(ctx context.Context, v *identity.Viewer, id int64, meta identity.Meta) error {
	if err := s.mayActOn(ctx, v, id); err != nil {
		return err
	}
	return s.accounts.Unsuspend(ctx, v.UserID, id, meta)
}

// SetRole gives member id a role: an admin's call.
func (s *Service) SetRole(ctx context.Context, v *identity.Viewer, id int64, role string, meta identity.Meta) error {
	if !v.IsAdmin() {
		return apperr.ErrForbidden
	}
	return s.accounts.SetRole(ctx, v.UserID, id, role, meta)
}

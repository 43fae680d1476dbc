package profiles

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"curbside/app/accounts"
	"curbside/app/apperr"
	"curbside/app/audit"
	"curbside/app/db"
	"curbside/app/identity"
	"curbside/app/jurisdictions"
	"curbside/app/timezones"
)

// redirectLifetime is how long a given-up handle leads to its member.
const redirectLifetime = 90 * 24 * time.Hour

// postLimit bounds the posts a profile lists.
const postLimit = 30

// maxBio bounds a bio, in characters.
const maxBio = 1000

// handlePattern is what a handle may hold (the users table checks it too).
var handlePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}$`)

// Moved answers a profile asked for by a handle its member gave up: the
// handle they have now.
type Moved struct{ Handle string }

func (m *Moved) Error() string { return "the member now goes by @" + m.Handle }

// Profile returns the profile of the verified member with handle. Members
// who are not verified (or are suspended) have no profile: not found.
func (s *Service) Profile(ctx context.Context, handle string) (*Profile, error) {
	var p Profile
	var state string
	err := db.ScanRow(ctx, s.db, `SELECT u.id, u.handle, u.display_name, COALESCE(sp.name, ''), u.role, u.practice_setting,
		u.state, u.bio, u.created_at FROM users u LEFT JOIN specialties sp ON sp.id = u.specialty_id
		WHERE lower(u.handle) = lower($1) AND (u.status = 'verified' OR u.role IN ('moderator', 'admin')) AND u.status <> 'suspended'`,
		[]any{handle}, &p.UserID, &p.Handle, &p.DisplayName, &p.Specialty, &p.Role, &p.PracticeSetting, &state, &p.Bio, &p.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, s.moved(ctx, handle)
	} else if err != nil {
		return nil, fmt.Errorf("load profile: %w", err)
	}
	for _, j := range jurisdictions.List {
		if j.Code == state {
			p.State = j.Name
		}
	}
	err = db.Conn(ctx, s.db).Raw(`SELECT * FROM (
			SELECT 'case' AS kind, c.id, c.id AS case_id, c.title, c.created_at FROM cases c
			WHERE c.author_id = @id AND NOT c.anonymous AND c.deleted_at IS NULL AND c.hidden_at IS NULL
			UNION ALL
			SELECT 'reply', r.id, r.case_id, c.title, r.created_at FROM replies r JOIN cases c ON c.id = r.case_id
			WHERE r.author_id = @id AND NOT r.anonymous AND r.deleted_at IS NULL AND r.hidden_at IS NULL
				AND c.deleted_at IS NULL AND c.hidden_at IS NULL) p
		ORDER BY p.created_at DESC, p.id DESC LIMIT @limit`, sql.Named("id", p.UserID), sql.Named("limit", postLimit)).Scan(&p.Posts).Error
	if err != nil {
		return nil, fmt.Errorf("load posts: %w", err)
	}
	return &p, nil
}

// moved finds where a given-up handle leads, or says there is nobody.
func (s *Service) moved(ctx context.Context, handle string) error {
	var now string
	err := db.ScanRow(ctx, s.db, `SELECT u.handle FROM handle_redirects r JOIN users u ON u.id = r.user_id
		WHERE r.old_handle = lower($1) AND r.created_at > $2`, []any{handle, s.now().Add(-redirectLifetime)}, &now)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("member @%s: %w", handle, apperr.ErrNotFound)
	} else if err != nil {
		return fmt.Errorf("find handle: %w", err)
	}
	return &Moved{Handle: now}
}

// Fields returns what the member's profile form shows.
func (s *Service) Fields(ctx context.Context, v *identity.Viewer) (Fields, error) {
	f := Fields{DisplayName: v.DisplayName, Handle: v.Handle}
	err := db.ScanRow(ctx, s.db, `SELECT bio, practice_setting, state, time_zone FROM users WHERE id = $1`, []any{v.UserID},
		&f.Bio, &f.PracticeSetting, &f.State, &f.TimeZone)
	return f, err
}

// Update saves the member's profile. A new handle frees the old one, which
// leads to them for a while.
func (s *Service) Update(ctx context.Context, v *identity.Viewer, f Fields, meta identity.Meta) error {
	f.DisplayName, f.Handle, f.Bio = strings.TrimSpace(f.DisplayName), strings.TrimPrefix(strings.TrimSpace(f.Handle), "@"), strings.TrimSpace(f.Bio)
	errs := apperr.FieldErrors{}
	if msg := accounts.CheckDisplayName(f.DisplayName); msg != "" {
		errs.Add("display_name", msg)
	}
	if !handlePattern.MatchString(f.Handle) {
		errs.Add("handle", "Use 1 to 40 letters, digits, hyphens or underscores.")
	}
	switch {
	case utf8.RuneCountInString(f.Bio) > maxBio:
		errs.Add("bio", fmt.Sprintf("At most %d characters, please.", maxBio))
	case !utf8.ValidString(f.Bio) || strings.ContainsRune(f.Bio, 0):
		errs.Add("bio", "The text holds characters that are not text.")
	}
	if f.PracticeSetting != "" && !slices.Contains(PracticeSettings, f.PracticeSetting) {
		errs.Add("practice_setting", "Choose one of the listed settings.")
	}
	if f.State != "" && !jurisdictions.Valid(f.State) {
		errs.Add("state", "Choose one of the listed states.")
	}
	if !timezones.Valid(f.TimeZone) {
		errs.Add("time_zone", "Choose one of the listed time zones.")
	}
	if errs["handle"] == "" && f.Handle != v.Handle {
		var taken int64
		if err := db.Conn(ctx, s.db).Raw(`SELECT count(*) FROM users WHERE lower(handle) = lower(?) AND id <> ?`, f.Handle, v.UserID).
			Scan(&taken).Error; err != nil {
			return fmt.Errorf("check handle: %w", err)
		}
		if taken > 0 {
			errs.Add("handle", errHandleTaken)
		}
	}
	if err := errs.OrNil(); err != nil {
		return err
	}
	err := db.Tx(ctx, s.db, func(ctx context.Context) error {
		tx := db.Conn(ctx, s.db)
		if f.Handle != v.Handle {
			if !strings.EqualFold(f.Handle, v.Handle) {
				if err := tx.Exec(`DELETE FROM handle_redirects WHERE old_handle = lower(?)`, f.Handle).Error; err != nil {
					return fmt.Errorf("take handle: %w", err)
				}
				if err := tx.Exec(`INSERT INTO handle_redirects (old_handle, user_id, created_at) VALUES (lower(?), ?, ?)
					ON CONFLICT (old_handle) DO UPDATE SET user_id = EXCLUDED.user_id, created_at = EXCLUDED.created_at`,
					v.Handle, v.UserID, s.now()).Error; err != nil {
					return fmt.Errorf("keep old handle: %w", err)
				}
			}
		}
		err := tx.Exec(`UPDATE users SET display_name = ?, handle = ?, bio = ?, practice_setting = ?, state = ?,
			time_zone = ?, updated_at = ? WHERE id = ?`, f.DisplayName, f.Handle, f.Bio, f.PracticeSetting, f.State, f.TimeZone,
			s.now(), v.UserID).Error
		if err != nil {
			return fmt.Errorf("save profile: %w", err)
		}
		detail := map[string]string{}
		if f.Handle != v.Handle {
			detail["handle"] = v.Handle + " → " + f.Handle
		}
		if f.DisplayName != v.DisplayName {
			detail["display_name"] = v.DisplayName + " → " + f.DisplayName
		}
		return s.audit.Record(ctx, audit.Event{ActorID: v.UserID, Action: ProfileChanged, TargetType: "user", TargetID: v.UserID,
			IP: meta.IP, Detail: detail})
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) { // taken meanwhile
		return apperr.FieldErrors{"handle": errHandleTaken}
	}
	return err
}

const errHandleTaken = "Another member has this handle: choose another."

// ProfileChanged records a member's edit of their profile (names, not the bio).
const ProfileChanged = "account.profile_changed"

package accounts

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"curbside/app/db"
	"curbside/app/identity"
)

// downloadWindow is how long the page that shows new recovery codes may
// hand them out as a file: the codes are shown once, and the file is part
// of that showing, not a way to fetch them later.
const downloadWindow = 10 * time.Minute

// RecoveryDownload seals the codes just shown, with the time, for the page's
// download form: the server keeps no copy, and the sealed value opens only
// for this member and only within downloadWindow.
func (s *Service) RecoveryDownload(v *identity.Viewer, codes []string) (string, error) {
	plain := strconv.FormatInt(s.now().Unix(), 10) + "|" + strings.Join(codes, " ")
	sealed, err := s.seal([]byte(plain), fmt.Sprintf("recovery download:%d", v.UserID))
	return base64.RawURLEncoding.EncodeToString(sealed), err
}

// OpenRecoveryDownload returns the codes RecoveryDownload sealed for v, or
// false when the value is not theirs, is damaged or is too old.
func (s *Service) OpenRecoveryDownload(v *identity.Viewer, sealed string) ([]string, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil {
		return nil, false
	}
	plain, err := s.unseal(raw, fmt.Sprintf("recovery download:%d", v.UserID))
	if err != nil {
		return nil, false
	}
	at, codes, ok := strings.Cut(plain, "|")
	unix, err := strconv.ParseInt(at, 10, 64)
	if !ok || err != nil || s.now().Sub(time.Unix(unix, 0)) > downloadWindow {
		return nil, false
	}
	return strings.Fields(codes), true
}

// ConfirmRecoveryCodesSaved records that the member has put their current
// recovery codes somewhere safe, which ends the page's reminder.
func (s *Service) ConfirmRecoveryCodesSaved(ctx context.Context, v *identity.Viewer) error {
	if !v.TwoFactor {
		return ErrTwoFactorOff
	}
	return db.Conn(ctx, s.db).Model(&User{}).Where("id = ? AND recovery_codes_saved_at IS NULL", v.UserID).
		Update("recovery_codes_saved_at", s.now()).Error
}

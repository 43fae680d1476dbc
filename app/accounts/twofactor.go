package accounts

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"fmt"
	"image/png"
	"net/url"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"gorm.io/gorm"

	"curbside/app/apperr"
	"curbside/app/audit"
	"curbside/app/db"
	"curbside/app/identity"
)

const (
	totpPeriod        = 30
	recoveryCodeCount = 10
)

// ErrBadCode is a wrong or reused two-factor code.
var ErrBadCode = errors.New("incorrect two-factor code")

// ErrRecentLoginNeeded refuses a sensitive change on an account with neither
// a password nor two-factor login whose session is not fresh: the member
// must sign in through their provider again first.
var ErrRecentLoginNeeded = fmt.Errorf("a recent sign-in is needed: %w", apperr.ErrForbidden)

// TOTPSetup is what a member needs to add Curbside to an authenticator app.
type TOTPSetup struct {
	Secret string // base32, for typing in by hand
	QR     string // data: URI of a PNG QR code
	// Link is the otpauth: URI the QR code holds: on the phone that has the
	// app, following it adds Curbside without scanning anything.
	Link string
}

// Grouped is the secret in groups of four, for typing it in by hand.
func (t *TOTPSetup) Grouped() string {
	var b strings.Builder
	for i, r := range t.Secret {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// seal encrypts plain bound to context (what it is and whose), so that a
// value sealed for one use or member cannot be opened as another.
func (s *Service) seal(plain []byte, context string) ([]byte, error) {
	block, err := aes.NewCipher(s.sealKey[:])
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return gcm.Seal(nonce, nonce, plain, []byte(context)), nil
}

func (s *Service) unseal(sealed []byte, context string) (string, error) {
	plain, err := open(s.sealKey, sealed, []byte(context))
	if err != nil && strings.HasPrefix(context, "totp:") {
		// TOTP secrets sealed before values were bound to their use; nothing
		// else was ever sealed that way.
		plain, err = open(s.legacySealKey, sealed, nil)
	}
	if err != nil {
		return "", fmt.Errorf("open sealed value (was CURBSIDE_SECRET changed?): %w", err)
	}
	return string(plain), nil
}

func open(key [32]byte, sealed, context []byte) ([]byte, error) {
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	if len(sealed) < gcm.NonceSize() {
		return nil, errors.New("sealed value too short")
	}
	return gcm.Open(nil, sealed[:gcm.NonceSize()], sealed[gcm.NonceSize():], context)
}

// SealForBrowser encrypts a value the browser holds for us briefly, such as
// freshly made recovery codes on their way to the page that shows them once.
func (s *Service) SealForBrowser(v *identity.Viewer, value string) (string, error) {
	sealed, err := s.seal([]byte(value), fmt.Sprintf("browser:%d", v.UserID))
	return base64.RawURLEncoding.EncodeToString(sealed), err
}

// OpenFromBrowser decrypts what SealForBrowser made, or reports false.
func (s *Service) OpenFromBrowser(v *identity.Viewer, sealed string) (string, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil {
		return "", false
	}
	value, err := s.unseal(raw, fmt.Sprintf("browser:%d", v.UserID))
	return value, err == nil
}

// BeginTOTPSetup makes a new secret for the member, kept unconfirmed until
// EnableTOTP sees a code from it.
func (s *Service) BeginTOTPSetup(ctx context.Context, v *identity.Viewer) error {
	if v.TwoFactor {
		return fmt.Errorf("two-factor login is already on: %w", apperr.ErrConflict)
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "Curbside", AccountName: v.Email, Period: totpPeriod})
	if err != nil {
		return err
	}
	sealed, err := s.seal([]byte(key.Secret()), totpContext(v.UserID))
	if err != nil {
		return err
	}
	return s.db.WithContext(ctx).Model(&User{}).Where("id = ? AND totp_enabled_at IS NULL", v.UserID).
		Update("totp_secret", sealed).Error
}

// PendingTOTP returns the unconfirmed set-up of the member, or nil.
func (s *Service) PendingTOTP(ctx context.Context, v *identity.Viewer) (*TOTPSetup, error) {
	u, err := s.ByID(ctx, v.UserID)
	if err != nil || u.TOTPSecret == nil || u.TOTPEnabledAt != nil {
		return nil, err
	}
	secret, err := s.unseal(u.TOTPSecret, totpContext(u.ID))
	if err != nil {
		return nil, nil // sealed under another secret: the member starts the set-up again
	}
	q := url.Values{"secret": {secret}, "issuer": {"Curbside"}, "period": {fmt.Sprint(totpPeriod)}}
	link := url.URL{Scheme: "otpauth", Host: "totp", Path: "/Curbside:" + u.Email, RawQuery: q.Encode()}
	key, err := otp.NewKeyFromURL(link.String())
	if err != nil {
		return nil, err
	}
	img, err := key.Image(220, 220)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return &TOTPSetup{Secret: secret, QR: "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()),
		Link: link.String()}, nil
}

// checkTOTP accepts a code for the current time step or its neighbours, once.
// It returns the step to record as used, or 0.
func checkTOTP(secret, code string, lastStep int64, now time.Time) int64 {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != 6 {
		return 0
	}
	step := now.Unix() / totpPeriod
	for _, candidate := range []int64{step - 1, step, step + 1} {
		if candidate <= lastStep {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(candidate*totpPeriod, 0), totp.ValidateOpts{
			Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return candidate
		}
	}
	return 0
}

// EnableTOTP confirms the pending secret with a code from it and returns
// fresh recovery codes, shown to the member once.
func (s *Service) EnableTOTP(ctx context.Context, v *identity.Viewer, code, password string, meta Meta) (codes []string, token string, err error) {
	// A stolen session must not be able to bind its own authenticator.
	if err := s.confirmIdentity(ctx, v, password, "", meta); err != nil {
		return nil, "", err
	}
	err = db.Tx(ctx, s.db, func(ctx context.Context) error {
		tx := db.Conn(ctx, s.db)
		u, err := lockUser(ctx, tx, v.UserID)
		if err != nil {
			return err
		}
		if u.TOTPEnabledAt != nil || u.TOTPSecret == nil {
			return fmt.Errorf("no pending two-factor set-up: %w", apperr.ErrConflict)
		}
		secret, err := s.unseal(u.TOTPSecret, totpContext(u.ID))
		if err != nil {
			return err
		}
		step := checkTOTP(secret, code, u.TOTPLastStep, s.now())
		if step == 0 {
			return apperr.FieldErrors{"code": "That code does not match. Enter the 6 digits your app shows now."}
		}
		if err := tx.Model(&User{}).Where("id = ?", u.ID).
			Updates(map[string]any{"totp_enabled_at": s.now(), "totp_last_step": step}).Error; err != nil {
			return err
		}
		if codes, err = s.replaceRecoveryCodes(tx, u.ID); err != nil {
			return err
		}
		// This session has just proved a code; every other one must log in again with one.
		if err := tx.Model(&Session{}).Where("id = ?", v.SessionID).Update("second_factor_at", s.now()).Error; err != nil {
			return err
		}
		if err := s.endSessions(ctx, u.ID, v.SessionID); err != nil {
			return err
		}
		if err := s.forgetAllDevices(ctx, u.ID); err != nil {
			return err
		}
		if token, err = s.rotateToken(ctx, v.SessionID); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Event{ActorID: u.ID, Action: audit.TwoFactorOn, TargetType: "user", TargetID: u.ID, IP: meta.IP})
	})
	return codes, token, err
}

// NewRecoveryCodes replaces the member's recovery codes (the old ones stop
// working) after a current code from their app, and returns the new ones.
func (s *Service) NewRecoveryCodes(ctx context.Context, v *identity.Viewer, code string, meta Meta) ([]string, error) {
	if !v.TwoFactor {
		return nil, ErrTwoFactorOff
	}
	if strings.TrimSpace(code) == "" {
		return nil, apperr.FieldErrors{"code": "Enter the 6 digits your app shows now."}
	}
	if err := s.confirmCode(ctx, v, code); err != nil {
		return nil, err
	}
	var codes []string
	err := db.Tx(ctx, s.db, func(ctx context.Context) error {
		var err error
		if codes, err = s.replaceRecoveryCodes(db.Conn(ctx, s.db), v.UserID); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Event{ActorID: v.UserID, Action: audit.RecoveryCodesRenewed, TargetType: "user",
			TargetID: v.UserID, IP: meta.IP})
	})
	return codes, err
}

// ErrTwoFactorOff refuses to turn off two-factor login that is not on.
var ErrTwoFactorOff = &apperr.Conflict{Message: "Two-factor login is off already."}

// DisableTOTP turns two-factor login off after checking the password (if the
// account has one) and a current code.
func (s *Service) DisableTOTP(ctx context.Context, v *identity.Viewer, password, code string, meta Meta) error {
	if !v.TwoFactor {
		return ErrTwoFactorOff // nothing to turn off, and nothing to record
	}
	if err := s.confirmIdentity(ctx, v, password, code, meta); err != nil {
		return err
	}
	return db.Tx(ctx, s.db, func(ctx context.Context) error {
		tx := db.Conn(ctx, s.db)
		if err := tx.Model(&User{}).Where("id = ?", v.UserID).
			Updates(map[string]any{"totp_secret": nil, "totp_enabled_at": nil}).Error; err != nil {
			return err
		}
		if err := tx.Where("user_id = ?", v.UserID).Delete(&recoveryCode{}).Error; err != nil {
			return err
		}
		if err := s.forgetAllDevices(ctx, v.UserID); err != nil {
			return err
		}
		return s.audit.Record(ctx, audit.Event{ActorID: v.UserID, Action: audit.TwoFactorOff, TargetType: "user", TargetID: v.UserID, IP: meta.IP})
	})
}

// recoveryCode is a one-time code for when the authenticator is lost.
type recoveryCode struct {
	ID       int64
	UserID   int64
	CodeHash []byte
	UsedAt   *time.Time
}

func (recoveryCode) TableName() string { return "recovery_codes" }

// recoveryHashes are the hashes a recovery code may be stored under: keyed
// (HMAC with a key derived from the secret) since this version, plain
// SHA-256 before, still accepted until the member makes new codes.
func (s *Service) recoveryHashes(code string) (keyed, legacy []byte) {
	normal := []byte(strings.ToLower(strings.ReplaceAll(strings.TrimSpace(code), "-", "")))
	mac := hmac.New(sha256.New, s.recoveryKey[:])
	mac.Write(normal)
	sum := sha256.Sum256(normal)
	return mac.Sum(nil), sum[:]
}

func (s *Service) replaceRecoveryCodes(tx *gorm.DB, userID int64) ([]string, error) {
	if err := tx.Where("user_id = ?", userID).Delete(&recoveryCode{}).Error; err != nil {
		return nil, err
	}
	codes := make([]string, recoveryCodeCount)
	rows := make([]recoveryCode, recoveryCodeCount)
	for i := range codes {
		b := make([]byte, 7)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		raw := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))[:10]
		codes[i] = raw[:5] + "-" + raw[5:]
		keyed, _ := s.recoveryHashes(raw)
		rows[i] = recoveryCode{UserID: userID, CodeHash: keyed}
	}
	// New codes are not saved anywhere yet: the page asks until the member says so.
	if err := tx.Model(&User{}).Where("id = ?", userID).Update("recovery_codes_saved_at", nil).Error; err != nil {
		return nil, err
	}
	return codes, tx.Create(&rows).Error
}

// recentLogin is how fresh a session must be to stand in for a password on
// an account that signs in only through a provider.
const recentLogin = 10 * time.Minute

// confirmIdentity asks for proof before a sensitive change: the password when
// the account has one, a current code when it has two-factor login, and, for
// an account with neither, a login within the last few minutes, so a
// stolen session cannot quietly take the account over.
func (s *Service) confirmIdentity(ctx context.Context, v *identity.Viewer, password, code string, meta Meta) error {
	if v.HasPassword {
		ok, err := s.confirmPassword(ctx, v, password, meta)
		if err == nil && !ok {
			err = apperr.FieldErrors{"password": "This is not your current password."}
		}
		if err != nil {
			return err
		}
	}
	if v.TwoFactor {
		return s.confirmCode(ctx, v, code)
	}
	if !v.HasPassword && s.now().Sub(v.SignedInAt) > recentLogin {
		return ErrRecentLoginNeeded
	}
	return nil
}

// confirmCode checks and spends a current two-factor (or recovery) code.
func (s *Service) confirmCode(ctx context.Context, v *identity.Viewer, code string) error {
	if _, err := s.reserve(ctx, []throttled{secondFactorKey(v.UserID)}); err != nil {
		return err
	}
	return db.Tx(ctx, s.db, func(ctx context.Context) error {
		tx := db.Conn(ctx, s.db)
		u, err := lockUser(ctx, tx, v.UserID)
		if err != nil {
			return err
		}
		method, err := s.useSecondFactor(tx, u, code)
		if err == nil && method == "" {
			err = apperr.FieldErrors{"code": "That code is not right. Enter the 6 digits your app shows now."}
		}
		return err
	})
}

func totpContext(userID int64) string { return fmt.Sprintf("totp:%d", userID) }

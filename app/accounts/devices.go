package accounts

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"curbside/app/apperr"
	"curbside/app/audit"
	"curbside/app/db"
)

// deviceLifetime is how long a browser stays trusted after its last login.
const deviceLifetime = 90 * 24 * time.Hour

// TrustedDevice is a browser that signed in to its member's account: login
// throttling lets it keep trying while an attacker's guesses lock the
// account for everyone else. Its cookie holds a random token; the row, its
// hash and its end, so the trust ends here and can be revoked.
type TrustedDevice struct {
	ID         int64
	UserID     int64
	TokenHash  []byte
	UserAgent  string
	CreatedAt  time.Time
	LastUsedAt time.Time
	ExpiresAt  time.Time
}

// TableName is the devices' table.
func (TrustedDevice) TableName() string { return "trusted_devices" }

// DeviceLifetime is how long a device cookie is kept by the browser.
func (s *Service) DeviceLifetime() time.Duration { return deviceLifetime }

// TrustDevice records that the browser just signed in to userID, and returns
// the token its cookie keeps: the one it had, with its trust extended, when
// that was still good for this member, else a new one.
func (s *Service) TrustDevice(ctx context.Context, userID int64, current string, meta Meta) (string, error) {
	now := s.now()
	conn := db.Conn(ctx, s.db)
	if current != "" && len(current) <= 100 {
		res := conn.Model(&TrustedDevice{}).Where("token_hash = ? AND user_id = ? AND expires_at > ?", hashToken(current), userID, now).
			Updates(map[string]any{"last_used_at": now, "expires_at": now.Add(deviceLifetime)})
		if res.Error != nil {
			return "", fmt.Errorf("extend device trust: %w", res.Error)
		}
		if res.RowsAffected == 1 {
			return current, nil
		}
	}
	token := randomToken()
	d := TrustedDevice{UserID: userID, TokenHash: hashToken(token), UserAgent: truncate(meta.UserAgent, 300),
		CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(deviceLifetime)}
	if err := conn.Create(&d).Error; err != nil {
		return "", fmt.Errorf("trust device: %w", err)
	}
	return token, nil
}

// DeviceOwner returns the member a device token is trusted for, or 0 when it
// is unknown, expired or revoked.
func (s *Service) DeviceOwner(ctx context.Context, token string) (int64, error) {
	if token == "" || len(token) > 100 {
		return 0, nil
	}
	var d TrustedDevice
	err := db.Conn(ctx, s.db).Where("token_hash = ? AND expires_at > ?", hashToken(token), s.now()).Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("load device: %w", err)
	}
	return d.UserID, nil
}

// ForgetDevices stops trusting one of the member's devices (deviceID), or
// all of them (0), and says how many were forgotten.
func (s *Service) ForgetDevices(ctx context.Context, userID, deviceID int64, meta Meta) (int64, error) {
	var n int64
	err := db.Tx(ctx, s.db, func(ctx context.Context) error {
		q := db.Conn(ctx, s.db).Where("user_id = ?", userID)
		if deviceID != 0 {
			q = q.Where("id = ?", deviceID)
		}
		res := q.Delete(&TrustedDevice{})
		if res.Error != nil {
			return fmt.Errorf("forget devices: %w", res.Error)
		}
		if n = res.RowsAffected; n == 0 {
			if deviceID != 0 {
				return fmt.Errorf("device %d: %w", deviceID, apperr.ErrNotFound)
			}
			return nil
		}
		return s.audit.Record(ctx, audit.Event{ActorID: userID, Action: audit.DevicesForgotten, TargetType: "user",
			TargetID: userID, IP: meta.IP, Detail: map[string]string{"devices": strconv.FormatInt(n, 10)}})
	})
	return n, err
}

// forgetAllDevices ends the trust of every device of the member, within the
// transaction ctx carries: a new password or a change of second factor is
// when a lost or stolen device must stop counting as the member's.
func (s *Service) forgetAllDevices(ctx context.Context, userID int64) error {
	if err := db.Conn(ctx, s.db).Where("user_id = ?", userID).Delete(&TrustedDevice{}).Error; err != nil {
		return fmt.Errorf("forget devices: %w", err)
	}
	return nil
}

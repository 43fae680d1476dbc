package testdb

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync/atomic"
	"testing"

	"curbside/app/identity"
)

// User is an account row a fixture made.
type User struct {
	ID          int64
	Handle      string
	Email       string
	DisplayName string
	Role        string
	Status      string
	// Specialty is the slug asked for and SpecialtyID its row; 0 for none.
	Specialty   string
	SpecialtyID int16
}

// Option shapes the account a fixture makes.
type Option interface{ apply(*User, *extra) }

// extra is what an option sets that User does not report.
type extra struct {
	passwordHash *string
	reason       *string
	before       *string
	twoFactor    bool
}

// Status is an option setting the account's status.
type Status string

func (s Status) apply(u *User, x *extra) {
	u.Status = string(s)
	x.before, x.reason = nil, nil
	if s == Suspended {
		before, reason := identity.StatusVerified, "Suspended by a test fixture"
		x.before, x.reason = &before, &reason
	}
}

// The statuses, as options.
const (
	Unverified = Status(identity.StatusUnverified)
	Pending    = Status(identity.StatusPending)
	Verified   = Status(identity.StatusVerified)
	Rejected   = Status(identity.StatusRejected)
	// Suspended was verified before, and carries a reason.
	Suspended = Status(identity.StatusSuspended)
)

// Role is an option setting the account's role.
type Role string

func (r Role) apply(u *User, _ *extra) { u.Role = string(r) }

// Specialty is an option giving the account the specialty with that slug;
// the test fails if there is none.
type Specialty string

func (s Specialty) apply(u *User, _ *extra) { u.Specialty = string(s) }

// DisplayName is an option setting the name other members see.
type DisplayName string

func (n DisplayName) apply(u *User, _ *extra) { u.DisplayName = string(n) }

// PasswordHash is an option storing a precomputed password hash (hash it
// once per test binary: hashing is slow on purpose). By default an account
// has no password.
type PasswordHash string

func (h PasswordHash) apply(_ *User, x *extra) { s := string(h); x.passwordHash = &s }

type twoFactorOption struct{}

func (twoFactorOption) apply(_ *User, x *extra) { x.twoFactor = true }

// TwoFactorEnabled marks the account as enrolled in two-factor login
// (totp_enabled_at set; no secret is stored, so no code will match).
var TwoFactorEnabled Option = twoFactorOption{}

var fixtureSeq atomic.Int64

// Member inserts an account straight into the database, without the
// service's rules or hashing cost, and returns it. Unless opts say
// otherwise it is an unverified member with no specialty and no password;
// its e-mail and handle are unique.
//
//	doc := testdb.Member(t, g, testdb.Verified, testdb.Specialty("cardiology"))
func Member(t testing.TB, g Queryer, opts ...Option) User {
	t.Helper()
	return insertUser(t, g, identity.RoleMember, identity.StatusUnverified, opts)
}

// Moderator inserts a verified moderator (see Member for opts).
func Moderator(t testing.TB, g Queryer, opts ...Option) User {
	t.Helper()
	return insertUser(t, g, identity.RoleModerator, identity.StatusVerified, opts)
}

// Admin inserts a verified admin (see Member for opts).
func Admin(t testing.TB, g Queryer, opts ...Option) User {
	t.Helper()
	return insertUser(t, g, identity.RoleAdmin, identity.StatusVerified, opts)
}

func insertUser(t testing.TB, g Queryer, role, status string, opts []Option) User {
	t.Helper()
	n := fixtureSeq.Add(1)
	tag := make([]byte, 3)
	_, _ = rand.Read(tag) // crypto/rand does not fail on supported platforms
	suffix := fmt.Sprintf("%d-%s", n, hex.EncodeToString(tag))
	u := User{Role: role, Status: status, DisplayName: fmt.Sprintf("Dr. Fixture %d", n),
		Handle: "fixture-" + suffix, Email: "fixture-" + suffix + "@example.org"}
	var x extra
	Status(status).apply(&u, &x)
	for _, o := range opts {
		o.apply(&u, &x)
	}
	var specialty *int16
	if u.Specialty != "" {
		u.SpecialtyID = Scalar[int16](t, g, "SELECT id FROM specialties WHERE slug = ?", u.Specialty)
		specialty = &u.SpecialtyID
	}
	u.ID = Scalar[int64](t, g, `INSERT INTO users (email, handle, display_name, role, status,
		status_before_suspension, suspension_reason, specialty_id, password_hash, totp_enabled_at, email_confirmed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, CASE WHEN ? THEN now() END, now()) RETURNING id`,
		u.Email, u.Handle, u.DisplayName, u.Role, u.Status, x.before, x.reason, specialty, x.passwordHash, x.twoFactor)
	return u
}

// PendingRequest files a pending verification request for the member, with
// a tiny PDF as its document and NPI 1234567893, and returns its id.
func PendingRequest(t testing.TB, g Queryer, userID int64) int64 {
	t.Helper()
	doc := Scalar[int64](t, g, `INSERT INTO documents (owner_id, content_type, size_bytes, sha256, filename, data)
		VALUES (?, 'application/pdf', 3, 'x', 'l.pdf', 'pdf') RETURNING id`, userID)
	return Scalar[int64](t, g, `INSERT INTO verification_requests (user_id, full_name, npi, license_state, license_number,
		specialty_id, document_id) VALUES (?, 'P. Ending', '1234567893', 'OH', 'L-1', 1, ?) RETURNING id`, userID, doc)
}

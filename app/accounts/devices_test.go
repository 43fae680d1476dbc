package accounts_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"curbside/app/db/testdb"
	"curbside/app/identity"
	"curbside/app/web/webtest"
)

// lockAccount makes 20 wrong guesses from several addresses: the account is
// then locked for every browser but its trusted devices.
func lockAccount(t *testing.T, app *webtest.App, acct webtest.Account) {
	t.Helper()
	attacker := app.Client()
	for i := 0; i < 20; i++ {
		loginFrom(attacker, acct.Email, "guess number "+strconv.Itoa(i), "203.0.113."+strconv.Itoa(1+i/4)).Expect(http.StatusUnauthorized)
	}
	loginFrom(app.Client(), acct.Email, acct.Password, "198.51.100.200").Expect(http.StatusTooManyRequests)
}

// The device cookie's trust ends on the server, not only in the browser:
// an expired or forgotten device is a stranger again, each device is listed
// and can be forgotten, and a new password forgets them all.
func TestTrustedDevicesExpireAndCanBeForgotten(t *testing.T) {
	t.Parallel()
	app := webtest.New(t, "CURBSIDE_TRUSTED_PROXIES=127.0.0.1")
	acct := app.Member(identity.StatusVerified, identity.RoleMember, "")
	cheapenPassword(t, app, acct)
	phone := app.Client()
	loginFrom(phone, acct.Email, acct.Password, "198.51.100.7").Expect(http.StatusSeeOther)
	if days := testdb.Scalar[float64](t, app.DB, "SELECT round(extract(epoch FROM expires_at - now()) / 86400) FROM trusted_devices WHERE user_id = ?",
		acct.ID); days != 90 {
		t.Fatalf("device trusted for %v days, want 90", days)
	}
	if n := testdb.Scalar[int64](t, app.DB, "SELECT count(*) FROM trusted_devices WHERE token_hash = sha256(convert_to(?, 'UTF8'))",
		phone.Cookie("curbside_device")); n != 1 {
		t.Fatal("the device cookie does not name a stored device")
	}
	phone.Get("/settings/security").Expect(http.StatusOK).Contains("Remembered devices", "Forget this device", "this browser", "Forget all devices",
		// each button says which device it forgets
		fmt.Sprintf(`aria-describedby="device-%d">Forget this device`, testdb.Scalar[int64](t, app.DB, "SELECT id FROM trusted_devices WHERE user_id = ?", acct.ID)))
	// Its sessions, devices and reminders cost a fixed number of statements,
	// however many of each there are.
	one := app.Queries(phone, "/settings/security")
	first := testdb.Scalar[int64](t, app.DB, "SELECT id FROM trusted_devices WHERE user_id = ?", acct.ID)
	testdb.Exec(t, app.DB, `INSERT INTO trusted_devices (user_id, token_hash, expires_at) VALUES (?, '\x01', now() + interval '1 day'),
		(?, '\x02', now() + interval '1 day')`, acct.ID, acct.ID)
	loginFrom(app.Client(), acct.Email, acct.Password, "198.51.100.8").Expect(http.StatusSeeOther)
	if more := app.Queries(phone, "/settings/security"); more != one || one > 4 {
		t.Fatalf("the security page ran %d statements with one device and session, %d with three and two; want the same, at most 4", one, more)
	}
	testdb.Exec(t, app.DB, `DELETE FROM trusted_devices WHERE user_id = ? AND id <> ?`, acct.ID, first)

	// Trusted: it may log in while the account is locked for others.
	lockAccount(t, app, acct)
	loginFrom(phone, acct.Email, acct.Password, "198.51.100.7").Expect(http.StatusSeeOther)
	// Past its end on the server, the cookie the browser still holds counts for nothing.
	testdb.Exec(t, app.DB, "UPDATE trusted_devices SET expires_at = now() - interval '1 second' WHERE user_id = ?", acct.ID)
	loginFrom(phone, acct.Email, acct.Password, "198.51.100.7").Expect(http.StatusTooManyRequests)
	testdb.Exec(t, app.DB, "UPDATE trusted_devices SET expires_at = now() + interval '1 day' WHERE user_id = ?", acct.ID)
	loginFrom(phone, acct.Email, acct.Password, "198.51.100.7").Expect(http.StatusSeeOther)

	// Forgotten from the security page: a stranger again.
	id := testdb.Scalar[int64](t, app.DB, "SELECT id FROM trusted_devices WHERE user_id = ?", acct.ID)
	other, _ := app.Verified("")
	other.PostForm("/settings/security/devices/"+strconv.FormatInt(id, 10)+"/forget", url.Values{}).Expect(http.StatusNotFound)
	phone.PostForm("/settings/security/devices/"+strconv.FormatInt(id, 10)+"/forget", url.Values{}).
		RedirectsTo("/settings/security#devices")
	phone.Get("/settings/security").Expect(http.StatusOK).Contains("That device is forgotten", "No device is remembered")
	loginFrom(phone, acct.Email, acct.Password, "198.51.100.7").Expect(http.StatusTooManyRequests)
	if n := testdb.Scalar[int64](t, app.DB, "SELECT count(*) FROM audit_log WHERE action = 'account.devices_forgotten' AND actor_id = ?", acct.ID); n != 1 {
		t.Fatalf("%d audit rows for forgetting a device, want 1", n)
	}
}

// "Forget all devices", a password change and turning on two-factor login end every device's trust.
func TestForgetAllDevicesAndPasswordChange(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	acct := app.Member(identity.StatusVerified, identity.RoleMember, "")
	a, b := app.Client(), app.Client()
	a.Login(acct.Email, acct.Password).Expect(http.StatusSeeOther)
	b.Login(acct.Email, acct.Password).Expect(http.StatusSeeOther)
	devices := func() int64 {
		return testdb.Scalar[int64](t, app.DB, "SELECT count(*) FROM trusted_devices WHERE user_id = ?", acct.ID)
	}
	if n := devices(); n != 2 {
		t.Fatalf("%d devices after two browsers logged in, want 2", n)
	}
	// Logging in again on a trusted browser extends its trust, no new row.
	a.Login(acct.Email, acct.Password).Expect(http.StatusSeeOther)
	if n := devices(); n != 2 {
		t.Fatalf("%d devices after a browser logged in again, want 2", n)
	}
	a.PostForm("/settings/security/devices/forget-all", url.Values{}).RedirectsTo("/settings/security#devices")
	if n := devices(); n != 0 {
		t.Fatalf("%d devices left after forgetting all", n)
	}
	a.Login(acct.Email, acct.Password).Expect(http.StatusSeeOther)
	a.PostForm("/settings/security/password", url.Values{"current_password": {acct.Password}, "new_password": {"a brand new passphrase"}}).
		RedirectsTo("/settings/security")
	if n := devices(); n != 0 {
		t.Fatalf("%d devices left after a password change", n)
	}
	// So does turning two-factor login on.
	a.Login(acct.Email, "a brand new passphrase").Expect(http.StatusSeeOther)
	if n := devices(); n != 1 {
		t.Fatalf("%d devices after logging in again, want 1", n)
	}
	enableTwoFactor(t, a, "a brand new passphrase")
	if n := devices(); n != 0 {
		t.Fatalf("%d devices left after turning on two-factor login", n)
	}
}

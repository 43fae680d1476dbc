package accounts_test

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"curbside/app/db/testdb"
	"curbside/app/identity"
	"curbside/app/web/webtest"
)

var (
	secretPattern   = regexp.MustCompile(`<code class="secret">([A-Z2-7 ]+)</code>`)
	recoveryPattern = regexp.MustCompile(`<li><code>([a-z2-7]{5}-[a-z2-7]{5})</code></li>`)
)

func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// enableTwoFactor goes through the set-up as a member would and returns the
// secret, the code used to confirm it and the recovery codes.
func enableTwoFactor(t *testing.T, c *webtest.Client, password string) (secret, used string, recovery []string) {
	t.Helper()
	c.PostForm("/settings/security/2fa/setup", url.Values{}).RedirectsTo("/settings/security#two-factor")
	// The key is shown in groups of four for typing, and as a link that
	// adds it to an app on the same phone.
	page := c.Get("/settings/security").Expect(http.StatusOK).Contains("data:image/png;base64,", "Turn on two-factor login",
		`href="otpauth://totp/Curbside:`)
	m := secretPattern.FindStringSubmatch(page.Body)
	if m == nil || !strings.Contains(m[1], " ") {
		t.Fatalf("no grouped secret shown: %v", m)
	}
	secret = strings.ReplaceAll(m[1], " ", "")
	c.PostForm("/settings/security/2fa/enable", url.Values{"code": {"000000x"}, "password": {password}}).Expect(http.StatusUnprocessableEntity).
		Contains(`id="code-error"`, "does not match")
	used = code(t, secret, time.Now())
	c.PostForm("/settings/security/2fa/enable", url.Values{"code": {used}, "password": {"not the password"}}).
		Expect(http.StatusUnprocessableEntity).Contains(`id="password-error"`)
	c.PostForm("/settings/security/2fa/enable", url.Values{"code": {used}, "password": {password}}).RedirectsTo("/settings/security#two-factor")
	shown := c.Get("/settings/security").Expect(http.StatusOK).Contains("Your recovery codes", "Turn off two-factor login")
	for _, m := range recoveryPattern.FindAllStringSubmatch(shown.Body, -1) {
		recovery = append(recovery, m[1])
	}
	if len(recovery) != 10 {
		t.Fatalf("%d recovery codes shown, want 10", len(recovery))
	}
	c.Get("/settings/security").Expect(http.StatusOK).Lacks("Your recovery codes", recovery[0])
	return secret, used, recovery
}

func TestTwoFactorLogin(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	acct := app.Member(identity.StatusVerified, identity.RoleMember, "")
	secret, used, recovery := enableTwoFactor(t, app.SignedIn(acct), acct.Password)
	stored := testdb.Scalar[[]byte](t, app.DB, "SELECT totp_secret FROM users WHERE id = ?", acct.ID)
	if len(stored) == 0 || regexp.MustCompile(secret).Match(stored) {
		t.Fatal("the TOTP secret is not stored sealed")
	}

	c := app.Client()
	c.PostForm("/login", url.Values{"email": {acct.Email}, "password": {acct.Password}, "next": {"/settings/security"}}).
		RedirectsTo("/login/2fa?next=%2Fsettings%2Fsecurity")
	c.Get("/settings/security").RedirectsTo("/login?next=%2Fsettings%2Fsecurity") // not signed in yet
	// Recovery codes hold letters: the field must not force a numeric keypad.
	c.Get("/login/2fa?next=%2Fsettings%2Fsecurity").Expect(http.StatusOK).Contains(`name="code"`, "recovery code").Lacks(`inputmode="numeric"`)
	c.PostForm("/login/2fa", url.Values{"code": {"123456"}}).Expect(http.StatusUnauthorized).Contains(`id="code-error"`)
	c.PostForm("/login/2fa", url.Values{"code": {used}}).Expect(http.StatusUnauthorized) // a code works once
	c.PostForm("/login/2fa", url.Values{"code": {code(t, secret, time.Now().Add(30*time.Second))}, "next": {"/settings/security"}}).
		RedirectsTo("/settings/security")
	c.Get("/settings/security").Expect(http.StatusOK)

	// Recovery codes are kept under a keyed hash, not plain SHA-256: a copy
	// of the table is no list of codes to try offline.
	plain := strings.ToLower(strings.ReplaceAll(recovery[3], "-", ""))
	if n := testdb.Scalar[int64](t, app.DB, `SELECT count(*) FROM recovery_codes WHERE code_hash = sha256(?::bytea)`, plain); n != 0 {
		t.Fatal("a recovery code is stored as its plain SHA-256")
	}
	// One stored the old way (plain SHA-256) still works, once.
	legacy := "abcde12345"
	if n := testdb.Exec(t, app.DB, `INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, sha256(?::bytea))`, acct.ID, legacy); n != 1 {
		t.Fatalf("inserted %d rows, want 1", n)
	}
	l := app.Client()
	l.Login(acct.Email, acct.Password).RedirectsTo("/login/2fa")
	l.PostForm("/login/2fa", url.Values{"code": {"abcde-12345"}}).RedirectsTo("/cases")

	// A recovery code works once.
	r := app.Client()
	r.Login(acct.Email, acct.Password).RedirectsTo("/login/2fa")
	r.PostForm("/login/2fa", url.Values{"code": {recovery[3]}}).RedirectsTo("/cases")
	again := app.Client()
	again.Login(acct.Email, acct.Password).RedirectsTo("/login/2fa")
	again.PostForm("/login/2fa", url.Values{"code": {recovery[3]}}).Expect(http.StatusUnauthorized)

	// Five wrong codes end the attempt.
	for i := 0; i < 4; i++ {
		again.PostForm("/login/2fa", url.Values{"code": {"000000"}}).Expect(http.StatusUnauthorized)
	}
	again.PostForm("/login/2fa", url.Values{"code": {recovery[4]}}).RedirectsTo("/login")
	app.Client().PostForm("/login/2fa", url.Values{"code": {recovery[4]}}).RedirectsTo("/login")

	if n := countAudit(t, app, "account.2fa_enabled"); n != 1 {
		t.Fatalf("%d enable audit rows", n)
	}
}

func TestDisableTwoFactor(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	acct := app.Member(identity.StatusVerified, identity.RoleMember, "")
	c := app.SignedIn(acct)
	secret, _, _ := enableTwoFactor(t, c, acct.Password)
	next := code(t, secret, time.Now().Add(30*time.Second))
	c.PostForm("/settings/security/2fa/disable", url.Values{"password": {"not my password at all"}, "code": {next}}).
		Expect(http.StatusUnprocessableEntity).Contains(`id="password-error"`)
	// The password alone is not enough: a stolen session must also show a code.
	c.PostForm("/settings/security/2fa/disable", url.Values{"password": {acct.Password}}).
		Expect(http.StatusUnprocessableEntity).Contains(`id="code-error"`)
	c.PostForm("/settings/security/2fa/disable", url.Values{"password": {acct.Password}, "code": {next}}).RedirectsTo("/settings/security#two-factor")
	c.Get("/settings/security").Contains("Set up two-factor login")
	app.Client().Login(acct.Email, acct.Password).RedirectsTo("/cases")
}

func TestModeratorsNeedTwoFactor(t *testing.T) {
	t.Parallel()
	app := webtest.New(t, "CURBSIDE_MOD_2FA=required")
	mod := app.Member(identity.StatusVerified, identity.RoleModerator, "")
	c, other := app.SignedIn(mod), app.SignedIn(mod)
	c.Get("/mod/verifications").Expect(http.StatusForbidden).Contains("Two-factor login required", "/settings/security#two-factor")
	c.Get("/cases").Expect(http.StatusOK) // the rest of the site stays open
	stolen := app.Client()                // a copy of the token from before enrolment
	stolen.SetCookie("curbside_session", c.Cookie("curbside_session"))
	secret, _, _ := enableTwoFactor(t, c, mod.Password)
	c.Get("/mod/verifications").Expect(http.StatusOK) // this session proved a code
	// The session's token was renewed as it gained the second factor: the
	// copy reaches neither /mod/* nor anything else.
	stolen.Get("/mod/verifications").RedirectsTo("/login?next=%2Fmod%2Fverifications")
	// Other sessions end at enrolment, and a password-only session never gets in.
	other.Get("/cases").RedirectsTo("/login?next=%2Fcases")
	app.SignedIn(mod).Get("/mod/verifications").Expect(http.StatusForbidden).Contains("Log in with your code")
	fresh := app.Client()
	fresh.Login(mod.Email, mod.Password).RedirectsTo("/login/2fa")
	fresh.PostForm("/login/2fa", url.Values{"code": {code(t, secret, time.Now().Add(30*time.Second))}}).RedirectsTo("/mod") // moderators land on their home
	fresh.Get("/mod/verifications").Expect(http.StatusOK)
}

// Characters that mean something in a URL, in an e-mail address, do not break the set-up.
func TestTwoFactorSetupWithAnOddEmail(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c := app.Client()
	c.PostForm("/signup", url.Values{"email": {"pct%zz#x?y@example.org"}, "password": {"a long enough passphrase"}, "display_name": {"Dr. Odd"}}).
		RedirectsTo("/verification")
	secret, _, _ := enableTwoFactor(t, c, "a long enough passphrase")
	if len(secret) < 16 {
		t.Fatalf("secret %q", secret)
	}
}

// A sealed TOTP secret passed off as a recovery-code cookie opens to nothing.
func TestSealedValuesStayInTheirPlace(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	mod := app.Member(identity.StatusVerified, identity.RoleModerator, "")
	secret, _, _ := enableTwoFactor(t, app.SignedIn(mod), mod.Password)
	sealed := testdb.Scalar[[]byte](t, app.DB, "SELECT totp_secret FROM users WHERE id = ?", mod.ID)
	thief, _ := app.Verified("")
	thief.SetCookie("curbside_recovery", base64.RawURLEncoding.EncodeToString(sealed))
	thief.Get("/settings/security").Expect(http.StatusOK).Lacks(secret, "Your recovery codes")
}

// A TOTP secret sealed the way earlier versions did still opens at login.
func TestLegacySealedSecretStillWorks(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	acct := app.Member(identity.StatusVerified, identity.RoleMember, "")
	secret := "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	key := sha256.Sum256(append([]byte("curbside totp seal\x00"), []byte(app.Config.Secret)...))
	block, err := aes.NewCipher(key[:])
	if err != nil {
		t.Fatal(err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	nonce := make([]byte, gcm.NonceSize())
	sealed := gcm.Seal(nonce, nonce, []byte(secret), nil)
	testdb.Exec(t, app.DB, "UPDATE users SET totp_secret = ?, totp_enabled_at = now() WHERE id = ?", sealed, acct.ID)
	c := app.Client()
	c.Login(acct.Email, acct.Password).RedirectsTo("/login/2fa")
	c.PostForm("/login/2fa", url.Values{"code": {code(t, secret, time.Now())}}).RedirectsTo("/cases")
	// But such a value never opens as something a browser carries.
	thief, _ := app.Verified("")
	thief.SetCookie("curbside_recovery", base64.RawURLEncoding.EncodeToString(sealed))
	thief.Get("/settings/security").Expect(http.StatusOK).Lacks(secret)
}

// Turning off two-factor login that is off is a conflict, and records nothing.
func TestDisablingTwoFactorThatIsOff(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	c, acct := app.Verified("")
	c.PostForm("/settings/security/2fa/disable", url.Values{"password": {acct.Password}}).
		Expect(http.StatusConflict).Contains("Two-factor login is off already.")
	if n := countAudit(t, app, "account.2fa_disabled"); n != 0 {
		t.Fatalf("%d audit rows for turning off what was off, want 0", n)
	}
}

// New recovery codes take a current code; the old ones stop working and the
// new ones are shown once.
func TestNewRecoveryCodes(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	acct := app.Member(identity.StatusVerified, identity.RoleMember, "")
	c := app.SignedIn(acct)
	secret, _, old := enableTwoFactor(t, c, acct.Password)
	c.Get("/settings/security").Expect(http.StatusOK).Contains("Make new recovery codes")
	c.PostForm("/settings/security/2fa/recovery", url.Values{"recovery_code": {"000000"}}).Expect(http.StatusUnprocessableEntity).
		Contains(`id="recovery_code-error"`)
	c.PostForm("/settings/security/2fa/recovery", url.Values{"recovery_code": {code(t, secret, time.Now().Add(30*time.Second))}}).
		RedirectsTo("/settings/security#two-factor")
	page := c.Get("/settings/security").Expect(http.StatusOK).Contains("the old ones no longer work", "Your recovery codes.")
	fresh := regexp.MustCompile(`<code>([a-z2-7]{5}-[a-z2-7]{5})</code>`).FindAllStringSubmatch(page.Body, -1)
	if len(fresh) == 0 {
		t.Fatal("the new codes are not shown")
	}
	c.Get("/settings/security").Expect(http.StatusOK).Lacks(fresh[0][1]) // once
	stale := app.Client()
	stale.Login(acct.Email, acct.Password).RedirectsTo("/login/2fa")
	stale.PostForm("/login/2fa", url.Values{"code": {old[0]}}).Expect(http.StatusUnauthorized)
	stale.PostForm("/login/2fa", url.Values{"code": {fresh[0][1]}}).RedirectsTo("/cases")
	if n := countAudit(t, app, "account.recovery_codes_renewed"); n != 1 {
		t.Fatalf("%d audit rows for new recovery codes, want 1", n)
	}
}

// A member without a password and with two-factor login on sees two forms
// asking for a code (set a password, turn it off): each field has its own
// id, so each label names its own field.
func TestSecurityPageFieldIDsAreUnique(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	acct := app.Member(identity.StatusVerified, identity.RoleMember, "")
	c := app.SignedIn(acct)
	enableTwoFactor(t, c, acct.Password)
	testdb.Exec(t, app.DB, "UPDATE users SET password_hash = NULL WHERE id = ?", acct.ID)
	page := c.Get("/settings/security").Expect(http.StatusOK).Contains(`for="password-code"`, `id="password-code"`, `for="code"`)
	for _, id := range []string{`id="code"`, `id="password-code"`} {
		if n := strings.Count(page.Body, id); n != 1 {
			t.Fatalf("%d elements with %s, want 1", n, id)
		}
	}
}

package accounts_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"curbside/app/db/testdb"
	"curbside/app/identity"
	"curbside/app/web/webtest"
)

var downloadPattern = regexp.MustCompile(`<input type="hidden" name="codes" value="([A-Za-z0-9_-]+)">`)

// New recovery codes can be downloaded as a file while the page that shows
// them is open, and the security page reminds the member until they say the
// codes are saved; new codes bring the reminder back.
func TestRecoveryCodesDownloadAndSaved(t *testing.T) {
	t.Parallel()
	app := webtest.New(t)
	acct := app.Member(identity.StatusVerified, identity.RoleMember, "")
	c := app.SignedIn(acct)
	secret, _, _ := enableTwoFactor(t, c, acct.Password)
	reminder := "You have not confirmed that your recovery codes are saved"
	c.Get("/settings/security").Expect(http.StatusOK).Contains(reminder, `name="saved"`)

	// Regenerated: shown once, with a download form and the print hint.
	c.PostForm("/settings/security/2fa/recovery", url.Values{"recovery_code": {code(t, secret, time.Now().Add(30*time.Second))}}).
		RedirectsTo("/settings/security#two-factor")
	page := c.Get("/settings/security").Expect(http.StatusOK).Contains("Download as a text file", "Print", "I have saved these codes").
		Lacks(reminder) // the codes are on screen: the box is next to them
	m := downloadPattern.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatal("no download form next to the codes")
	}
	codes := recoveryPattern.FindAllStringSubmatch(page.Body, -1)
	if len(codes) != 10 || strings.Contains(m[1], codes[0][1]) {
		t.Fatalf("%d codes shown; the download form must carry them sealed, not in clear", len(codes))
	}
	file := c.PostForm("/settings/security/2fa/recovery/download", url.Values{"codes": {m[1]}}).Expect(http.StatusOK)
	if cd := file.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || file.Header.Get("Cache-Control") != "no-store" ||
		!strings.HasPrefix(file.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("download headers: %v", file.Header)
	}
	for _, cm := range codes {
		if !strings.Contains(file.Body, cm[1]+"\n") {
			t.Fatalf("the file lacks code %s", cm[1])
		}
	}
	// The sealed codes open for their member only, and only as sealed.
	other, _ := app.Verified("")
	other.PostForm("/settings/security/2fa/recovery/download", url.Values{"codes": {m[1]}}).Expect(http.StatusConflict).
		Contains("no longer available").Lacks(codes[0][1])
	c.PostForm("/settings/security/2fa/recovery/download", url.Values{"codes": {m[1][:len(m[1])-2] + "AA"}}).Expect(http.StatusConflict)
	// The page shown again has no codes, and so nothing to download.
	c.Get("/settings/security").Expect(http.StatusOK).Lacks("Download as a text file", codes[0][1]).Contains(reminder)

	// Confirming needs the box ticked; then the reminder is gone.
	c.PostForm("/settings/security/2fa/recovery/saved", url.Values{}).Expect(http.StatusUnprocessableEntity).
		Contains(`id="saved-error"`, "Tick the box")
	c.PostForm("/settings/security/2fa/recovery/saved", url.Values{"saved": {"on"}}).RedirectsTo("/settings/security#two-factor")
	c.Get("/settings/security").Expect(http.StatusOK).Lacks(reminder, `name="saved"`)
	if n := testdb.Scalar[int64](t, app.DB, "SELECT count(*) FROM users WHERE id = ? AND recovery_codes_saved_at IS NOT NULL", acct.ID); n != 1 {
		t.Fatal("the confirmation was not recorded")
	}
	// New codes are not saved yet.
	testdb.Exec(t, app.DB, "UPDATE users SET totp_last_step = 0 WHERE id = ?", acct.ID) // a later code, without waiting for it
	c.PostForm("/settings/security/2fa/recovery", url.Values{"recovery_code": {code(t, secret, time.Now())}}).
		RedirectsTo("/settings/security#two-factor")
	c.Get("/settings/security").Expect(http.StatusOK)
	c.Get("/settings/security").Expect(http.StatusOK).Contains(reminder)
	// Without two-factor login there is nothing to confirm.
	other.PostForm("/settings/security/2fa/recovery/saved", url.Values{"saved": {"on"}}).Expect(http.StatusConflict)
}

package accounts_test

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"testing"

	"golang.org/x/crypto/argon2"

	"curbside/app/accounts"
	"curbside/app/db/testdb"
	"curbside/app/web/webtest"
)

func accountsMeta() accounts.Meta { return accounts.Meta{IP: "192.0.2.1"} }

// cheapenPassword re-hashes acct's password with the lightest argon2id
// parameters, which verification reads from the hash itself: tests that log
// in many times at once then measure the code around the hash, not the hash.
func cheapenPassword(t *testing.T, app *webtest.App, acct webtest.Account) {
	t.Helper()
	salt := make([]byte, 16)
	_, _ = rand.Read(salt) // crypto/rand does not fail on supported platforms
	key := argon2.IDKey([]byte(acct.Password), salt, 1, 64, 1, 32)
	hash := fmt.Sprintf("$argon2id$v=%d$m=64,t=1,p=1$%s$%s", argon2.Version,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
	if n := testdb.Exec(t, app.DB, "UPDATE users SET password_hash = ? WHERE id = ?", hash, acct.ID); n != 1 {
		t.Fatalf("re-hashed %d accounts, want 1", n)
	}
}

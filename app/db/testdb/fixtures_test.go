package testdb_test

import (
	"runtime"
	"testing"

	"curbside/app/db/testdb"
)

// The fixtures' rows are what they say: role, status, specialty, password
// and two-factor land in the database.
func TestFixturesStoreWhatTheyAreAskedFor(t *testing.T) {
	t.Parallel()
	tdb := testdb.New(t)

	doc := testdb.Member(t, tdb, testdb.Verified, testdb.Specialty("cardiology"), testdb.PasswordHash("$argon2id$fake"))
	var role, status, slug, email, handle string
	var hash *string
	testdb.Row(t, tdb, `SELECT u.role, u.status, s.slug, u.email, u.handle, u.password_hash
		FROM users u JOIN specialties s ON s.id = u.specialty_id WHERE u.id = ?`, doc.ID)(&role, &status, &slug, &email, &handle, &hash)
	if role != "member" || status != "verified" || slug != "cardiology" {
		t.Fatalf("member stored as %s/%s/%s, want member/verified/cardiology", role, status, slug)
	}
	if email != doc.Email || handle != doc.Handle || doc.Specialty != "cardiology" || doc.SpecialtyID == 0 {
		t.Fatalf("returned %+v, stored email %q handle %q", doc, email, handle)
	}
	if hash == nil || *hash != "$argon2id$fake" {
		t.Fatalf("password hash %v, want the one given", hash)
	}

	plain := testdb.Member(t, tdb)
	testdb.Row(t, tdb, "SELECT role, status FROM users WHERE id = ?", plain.ID)(&role, &status)
	if role != "member" || status != "unverified" {
		t.Fatalf("default member stored as %s/%s, want member/unverified", role, status)
	}
	if n := testdb.Scalar[int64](t, tdb, "SELECT count(*) FROM users WHERE id = ? AND password_hash IS NULL AND specialty_id IS NULL AND totp_enabled_at IS NULL", plain.ID); n != 1 {
		t.Fatal("a default member has a password, a specialty or two-factor")
	}

	mod := testdb.Moderator(t, tdb, testdb.TwoFactorEnabled)
	testdb.Row(t, tdb, "SELECT role, status FROM users WHERE id = ?", mod.ID)(&role, &status)
	if role != "moderator" || status != "verified" {
		t.Fatalf("moderator stored as %s/%s, want moderator/verified", role, status)
	}
	if !testdb.Scalar[bool](t, tdb, "SELECT totp_enabled_at IS NOT NULL FROM users WHERE id = ?", mod.ID) {
		t.Fatal("TwoFactorEnabled left totp_enabled_at empty")
	}

	admin := testdb.Admin(t, tdb)
	if got := testdb.Scalar[string](t, tdb, "SELECT role FROM users WHERE id = ?", admin.ID); got != "admin" {
		t.Fatalf("admin stored with role %q", got)
	}

	gone := testdb.Member(t, tdb, testdb.Suspended)
	var before, reason string
	testdb.Row(t, tdb, "SELECT status, status_before_suspension, suspension_reason FROM users WHERE id = ?", gone.ID)(&status, &before, &reason)
	if status != "suspended" || before != "verified" || reason == "" {
		t.Fatalf("suspended member stored as %s (before %s, reason %q)", status, before, reason)
	}
}

// Two members made alike still get their own handle and e-mail.
func TestFixturesGiveDistinctHandles(t *testing.T) {
	t.Parallel()
	tdb := testdb.New(t)
	a := testdb.Member(t, tdb, testdb.Verified)
	b := testdb.Member(t, tdb, testdb.Verified)
	if a.ID == b.ID || a.Handle == b.Handle || a.Email == b.Email {
		t.Fatalf("two fixtures share an id, handle or e-mail: %+v %+v", a, b)
	}
	if n := testdb.Scalar[int64](t, tdb, "SELECT count(DISTINCT lower(handle)) FROM users WHERE id IN (?, ?)", a.ID, b.ID); n != 2 {
		t.Fatalf("%d distinct handles stored for two members, want 2", n)
	}
}

// The query helpers fail the test instead of reading a failed query as zero.
func TestQueryHelpersFailOnErrorsAndMissingRows(t *testing.T) {
	t.Parallel()
	tdb := testdb.New(t)
	cases := map[string]func(tb testing.TB){
		"Exec with bad SQL":   func(tb testing.TB) { testdb.Exec(tb, tdb, "UPDATE no_such_table SET x = 1") },
		"Scalar with bad SQL": func(tb testing.TB) { testdb.Scalar[int64](tb, tdb, "SELECT count(*) FROM no_such_table") },
		"Scalar with no row":  func(tb testing.TB) { testdb.Scalar[int64](tb, tdb, "SELECT id FROM users WHERE false") },
		"Row with no row": func(tb testing.TB) {
			var a, b string
			testdb.Row(tb, tdb, "SELECT slug, name FROM specialties WHERE false")(&a, &b)
		},
		"Rows with bad SQL": func(tb testing.TB) { testdb.Rows[string](tb, tdb, "SELECT nope FROM specialties") },
		"Member with unknown specialty": func(tb testing.TB) {
			testdb.Member(tb, tdb, testdb.Specialty("no-such-specialty"))
		},
	}
	for name, fn := range cases {
		if !fails(fn) {
			t.Errorf("%s did not fail the test", name)
		}
	}
	if n := testdb.Exec(t, tdb, "UPDATE specialties SET name = name WHERE slug IN ('cardiology', 'neurology')"); n != 2 {
		t.Fatalf("Exec reported %d rows affected, want 2", n)
	}
	if slugs := testdb.Rows[string](t, tdb, "SELECT slug FROM specialties WHERE slug LIKE 'ca%' ORDER BY slug"); len(slugs) != 1 || slugs[0] != "cardiology" {
		t.Fatalf("Rows gave %q, want [cardiology]", slugs)
	}
}

// fails reports whether fn failed the testing.TB it was given.
func fails(fn func(testing.TB)) bool {
	rec := &recorder{}
	done := make(chan struct{})
	go func() { // Fatalf ends the goroutine with runtime.Goexit
		defer close(done)
		fn(rec)
	}()
	<-done
	return rec.failed
}

// recorder is a testing.TB that records failure instead of reporting it.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(string, ...any) {
	r.failed = true
	runtime.Goexit()
}

package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"curbside/app/db/testdb"
)

func runCLI(t *testing.T, dbURL string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	env := map[string]string{"DATABASE_URL": dbURL, "CURBSIDE_SECRET": "kT4q9Zw2LmX7vR1pN8sB3yH6cJ0fD5gA-test"}
	err := run(context.Background(), args, func(k string) string { return env[k] }, &out)
	return out.String(), err
}

func TestUserCreate(t *testing.T) {
	t.Parallel()
	tdb := testdb.New(t)
	out, err := runCLI(t, tdb.URL, "user", "create", "--email", "lee@clinic.org", "--password", "a long enough passphrase",
		"--name", "Dr. Lee Park", "--role", "moderator", "--verified", "--specialty", "neurology")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^created user id=\d+ email=lee@clinic.org handle=lee-park\n$`).MatchString(out) {
		t.Fatalf("output %q", out)
	}
	var role, status, slug string
	var confirmed bool
	testdb.Row(t, tdb, `SELECT u.role, u.status, s.slug, u.email_confirmed_at IS NOT NULL FROM users u
		JOIN specialties s ON s.id = u.specialty_id WHERE u.email = ?`, "lee@clinic.org")(&role, &status, &slug, &confirmed)
	if role != "moderator" || status != "verified" || slug != "neurology" || !confirmed {
		t.Fatalf("stored role=%s status=%s specialty=%s confirmed=%v", role, status, slug, confirmed)
	}

	for _, bad := range [][]string{
		{"user", "create", "--email", "lee@clinic.org", "--password", "a long enough passphrase", "--name", "Again"},
		{"user", "create", "--email", "x@clinic.org", "--password", "short", "--name", "X"},
		{"user", "create", "--email", "y@clinic.org", "--password", "a long enough passphrase", "--name", "Y", "--role", "king"},
		{"user", "create", "--email", "z@clinic.org", "--password", "a long enough passphrase", "--name", "Z", "--specialty", "astrology"},
		{"user", "create", "--bogus"},
		{"user", "delete"},
		{"frobnicate"},
	} {
		_, err := runCLI(t, tdb.URL, bad...)
		if err == nil {
			t.Errorf("%v: no error", bad)
			continue
		}
		if msg := oneLine(err); strings.Contains(msg, "\n") || msg == "" {
			t.Errorf("%v: message %q is not one line", bad, msg)
		}
	}
	if n := testdb.Scalar[int64](t, tdb, "SELECT count(*) FROM users"); n != 1 {
		t.Fatalf("%d users after failed creates, want 1", n)
	}
}

func TestSeedDemoIsIdempotent(t *testing.T) {
	t.Parallel()
	tdb := testdb.New(t)
	first, err := runCLI(t, tdb.URL, "seed", "--demo")
	if err != nil {
		t.Fatal(err)
	}
	second, err := runCLI(t, tdb.URL, "seed", "--demo")
	if err != nil {
		t.Fatal(err)
	}
	if first != second {
		t.Fatalf("second run printed something else:\n%s\n---\n%s", first, second)
	}
	line := regexp.MustCompile(`^demo account email=\S+@\S+ password=\S{12,} role=(member|moderator|admin) status=(unverified|verified)$`)
	lines := strings.Split(strings.TrimSpace(first), "\n")
	roles := map[string]bool{}
	for _, l := range lines {
		m := line.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("line %q does not match the contract", l)
		}
		roles[m[1]+"/"+m[2]] = true
	}
	for _, want := range []string{"admin/verified", "moderator/verified", "member/verified", "member/unverified"} {
		if !roles[want] {
			t.Errorf("no demo account %s", want)
		}
	}
	var users, specialties int64
	testdb.Row(t, tdb, "SELECT count(*), count(DISTINCT specialty_id) FROM users")(&users, &specialties)
	if users != int64(len(lines)) || specialties < 3 {
		t.Fatalf("%d users over %d specialties, want %d users over at least 3", users, specialties, len(lines))
	}
}

func TestMigrateCommands(t *testing.T) {
	t.Parallel()
	tdb := testdb.New(t)
	out, err := runCLI(t, tdb.URL, "migrate", "status")
	if err != nil || !strings.Contains(out, "00001_accounts.sql") || strings.Contains(out, "pending") {
		t.Fatalf("status: %v\n%s", err, out)
	}
	if out, err = runCLI(t, tdb.URL, "migrate", "up"); err != nil || !strings.Contains(out, "no pending migrations") {
		t.Fatalf("up: %v\n%s", err, out)
	}
	if out, err = runCLI(t, tdb.URL, "migrate", "down"); err != nil || !strings.Contains(out, "rolled back") {
		t.Fatalf("down: %v\n%s", err, out)
	}
	if out, err = runCLI(t, tdb.URL, "migrate", "status"); err != nil || !strings.Contains(out, "pending") {
		t.Fatalf("status after down: %v\n%s", err, out)
	}
	if out, err = runCLI(t, tdb.URL, "migrate", "up"); err != nil || !strings.Contains(out, "applied") {
		t.Fatalf("up again: %v\n%s", err, out)
	}
	if _, err := runCLI(t, tdb.URL, "migrate", "sideways"); err == nil {
		t.Fatal("migrate sideways: no error")
	}
}

func TestNPIImport(t *testing.T) {
	t.Parallel()
	tdb := testdb.New(t)
	sample := "../../app/verification/registry/testdata/npidata_pfile_sample.csv"
	out, err := runCLI(t, tdb.URL, "npi", "import", sample)
	if err != nil || !regexp.MustCompile(`^imported \d+ rows: \d+ upserted, [1-9]\d* malformed\n$`).MatchString(out) {
		t.Fatalf("import: %v %q", err, out)
	}
	if n := testdb.Scalar[int64](t, tdb, "SELECT count(*) FROM npi_registry"); n == 0 {
		t.Fatal("nothing imported")
	}
	again, err := runCLI(t, tdb.URL, "npi", "import", sample)
	if err != nil || !strings.Contains(again, " 0 upserted") {
		t.Fatalf("second import changed rows: %v %q", err, again)
	}
	if _, err := runCLI(t, tdb.URL, "npi", "import", "/no/such/file.csv"); err == nil || strings.Contains(oneLine(err), "\n") {
		t.Fatalf("missing file: %v", err)
	}
	if _, err := runCLI(t, tdb.URL, "npi", "frobnicate"); err == nil {
		t.Fatal("npi frobnicate: no error")
	}
}

// A server that cannot listen says so and exits, rather than hanging.
func TestServeFailsFastWhenThePortIsTaken(t *testing.T) {
	t.Parallel()
	tdb := testdb.New(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	env := map[string]string{"DATABASE_URL": tdb.URL, "CURBSIDE_SECRET": "kT4q9Zw2LmX7vR1pN8sB3yH6cJ0fD5gA-test", "CURBSIDE_ADDR": ln.Addr().String()}
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), []string{"serve"}, func(k string) string { return env[k] }, io.Discard)
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(oneLine(err), "listen on") {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve hung on a taken port")
	}
}

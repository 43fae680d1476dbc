package benchenv

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// EnvInt sets *into from the environment variable name when it is set,
// and says so when it is not a whole number from lo to hi. Callers
// collect these errors (errors.Join) so one run reports every bad setting.
func EnvInt(name string, into *int, lo, hi int) error {
	v := os.Getenv(name)
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return fmt.Errorf("%s must be a number from %d to %d, not %q", name, lo, hi, v)
	}
	*into = n
	return nil
}

// EnvSeconds sets *into from the environment variable name, a number of
// seconds that may have a fraction, when it is set, and says so when it is
// not from lo to hi; like EnvInt, for collecting.
func EnvSeconds(name string, into *time.Duration, lo, hi float64) error {
	v := os.Getenv(name)
	if v == "" {
		return nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < lo || f > hi {
		return fmt.Errorf("%s must be a number of seconds from %g to %g, not %q", name, lo, hi, v)
	}
	*into = time.Duration(f * float64(time.Second))
	return nil
}

// Median of xs (0 for none), which it leaves in their order: the reports
// take medians over rounds so that one disturbed round does not sway them.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// RandomHex is n random bytes in hex, for secrets and passwords nobody
// types; it panics when the system has no randomness to give.
func RandomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// LastLine is the last line of a command's output, cut to 400 bytes: what
// an error message quotes of a log, where the cause usually stands last.
func LastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return truncate(lines[len(lines)-1], 400)
}

// FirstLines is the first n lines of a command's output joined with " | "
// and cut to 600 bytes, for an error message on one line (a compiler puts
// the first error first).
func FirstLines(b []byte, n int) string {
	lines := strings.SplitN(strings.TrimSpace(string(b)), "\n", n+1)
	return truncate(strings.Join(lines[:min(n, len(lines))], " | "), 600)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

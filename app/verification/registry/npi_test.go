package registry_test

import (
	"strings"
	"testing"

	"curbside/app/verification/registry"
)

func TestValidNPI(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		npi     string
		problem string // "" when valid, else a word the message must contain
	}{
		{"1234567893", ""},
		{npiChen, ""},
		{npiOkafor, ""},
		{npiBayview, ""}, // organizations start with 2 as well
		{npiKim, ""},
		{"1234567890", "check digit"},
		{"1482039578", "check digit"},
		{"1482039597", "check digit"}, // two digits swapped
		{"3234567893", "start with 1 or 2"},
		{"0234567893", "start with 1 or 2"},
		{"123456789", "10 digits"},
		{"12345678930", "10 digits"},
		{"", "10 digits"},
		{"123456789O", "10 digits"},
		{" 234567893", "10 digits"},
		{"１２３４５６７８９３", "10 digits"}, // full-width digits are not ASCII
	} {
		got := registry.NPIProblem(tc.npi)
		if (got == "") != (tc.problem == "") || !strings.Contains(got, tc.problem) {
			t.Errorf("NPIProblem(%q) = %q, want mention of %q", tc.npi, got, tc.problem)
		}
		if registry.ValidNPI(tc.npi) != (tc.problem == "") {
			t.Errorf("ValidNPI(%q) = %v", tc.npi, tc.problem != "")
		}
	}
}

// luhnNPI is the textbook rule, kept apart from the package's folded-constant
// version: prepend 80840, then double every second digit from the right.
func luhnNPI(s string) bool {
	if len(s) != 10 || (s[0] != '1' && s[0] != '2') {
		return false
	}
	full := "80840" + s
	sum := 0
	for i := len(full) - 1; i >= 0; i-- {
		c := full[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if (len(full)-1-i)%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

func FuzzValidNPI(f *testing.F) {
	for _, s := range []string{"1234567893", "1234567890", npiBayview, "", "123", "3234567893", "12345678a3", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := registry.ValidNPI(s)
		if want := luhnNPI(s); got != want {
			t.Fatalf("ValidNPI(%q) = %v, textbook Luhn says %v", s, got, want)
		}
		if (registry.NPIProblem(s) == "") != got {
			t.Fatalf("NPIProblem(%q) disagrees with ValidNPI", s)
		}
	})
}

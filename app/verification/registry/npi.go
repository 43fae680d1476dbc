// Package registry keeps a local copy of the NPPES National Provider Identifier
// registry and compares what an applicant claims against it.
package registry

// NPIs use the ISO/IEC 7812 Luhn check over the card-issuer prefix 80840
// followed by the first nine digits. The prefix always contributes the same
// amount to the sum, so it is folded into this constant instead of being
// prepended on every call.
const npiPrefixSum = 24

// ValidNPI reports whether s is a well-formed NPI whose check digit is right.
func ValidNPI(s string) bool { return NPIProblem(s) == "" }

// NPIProblem explains, in words fit for a form, why s is not a valid NPI,
// or returns "" when it is.
func NPIProblem(s string) string {
	if len(s) != 10 {
		return "An NPI is exactly 10 digits."
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "An NPI is exactly 10 digits."
		}
	}
	if s[0] != '1' && s[0] != '2' {
		return "An NPI must start with 1 or 2."
	}
	if npiCheckDigit(s[:9]) != s[9] {
		return "This is not a valid NPI: its check digit is wrong. Please check for a typo."
	}
	return ""
}

// npiCheckDigit computes the check digit for nine ASCII digits.
func npiCheckDigit(base string) byte {
	sum := npiPrefixSum
	for i := 0; i < len(base); i++ {
		d := int(base[i] - '0')
		// Counting from the check digit, the odd positions are doubled;
		// with nine base digits those are the even indexes from the left.
		if i%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

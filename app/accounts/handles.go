package accounts

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"
)

const maxHandleLen = 30

// handleBase turns a display name (or, failing that, an email's local part)
// into the letters, digits, '-' and '_' a handle may hold.
func handleBase(displayName, email string) string {
	var b strings.Builder
	lastDash := true
	for _, r := range norm.NFKD.String(strings.ToLower(displayName)) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			lastDash = false
		case unicode.Is(unicode.Mn, r): // accents split off by NFKD
		case !lastDash:
			b.WriteByte('-')
			lastDash = true
		}
	}
	base := strings.Trim(b.String(), "-")
	base = strings.TrimPrefix(base, "dr-")
	if len(base) > maxHandleLen {
		base = strings.TrimRight(base[:maxHandleLen], "-")
	}
	if base == "" && email != "" {
		return handleBase(strings.SplitN(email, "@", 2)[0], "")
	}
	if base == "" {
		base = "member"
	}
	return base
}

// freeHandle picks the first handle from base, base-2, base-3, … that no
// account holds, in one query.
func freeHandle(tx *gorm.DB, displayName, email string) (string, error) {
	base := handleBase(displayName, email)
	candidates := []string{base}
	for i := 2; i <= 60; i++ {
		candidates = append(candidates, fmt.Sprintf("%s-%d", base, i))
	}
	var taken []string
	if err := tx.Model(&User{}).Where("lower(handle) IN ?", candidates).Pluck("lower(handle)", &taken).Error; err != nil {
		return "", err
	}
	used := map[string]bool{}
	for _, h := range taken {
		used[h] = true
	}
	for _, c := range candidates {
		if !used[c] {
			return c, nil
		}
	}
	return fmt.Sprintf("%s-%s", base, randomToken()[:6]), nil
}

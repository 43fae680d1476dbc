package webtest

import (
	"crypto/rand"
	"encoding/base64"
)

// The site renders its CSRF token masked afresh on every page, as
// base64url(pad || pad XOR token), so that gzipped pages leak nothing about it
// (BREACH). These helpers follow the same format, written apart from the
// server's code so that tests check the format rather than repeat it.

// MaskCSRF masks a raw token as a page would carry it.
func MaskCSRF(token string) string {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return ""
	}
	out := make([]byte, 2*len(raw))
	_, _ = rand.Read(out[:len(raw)]) // crypto/rand does not fail on supported platforms
	for i, b := range raw {
		out[len(raw)+i] = out[i] ^ b
	}
	return base64.RawURLEncoding.EncodeToString(out)
}

// UnmaskCSRF returns the raw token a page's _csrf value stands for, and false
// if the value is not a masked token.
func UnmaskCSRF(masked string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(masked)
	if err != nil || len(b) != 64 {
		return "", false
	}
	token := make([]byte, 32)
	for i := range token {
		token[i] = b[i] ^ b[32+i]
	}
	return base64.RawURLEncoding.EncodeToString(token), true
}

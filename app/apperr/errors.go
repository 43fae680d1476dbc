// Package apperr holds the errors that carry meaning across capabilities.
// The web layer maps them to status codes in one place.
package apperr

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Sentinel errors; wrap them with %w to add context.
var (
	ErrNotFound  = errors.New("not found")
	ErrForbidden = errors.New("forbidden")
	ErrConflict  = errors.New("conflict")
)

// Conflict is ErrConflict with what the person should be told: where the
// thing they tried to change stands now ("This consult was claimed by
// another specialist").
type Conflict struct{ Message string }

func (c *Conflict) Error() string { return "conflict: " + c.Message }

// Unwrap makes a Conflict an ErrConflict.
func (c *Conflict) Unwrap() error { return ErrConflict }

// FieldErrors maps a form field name to the message shown beside it.
type FieldErrors map[string]string

// Error lists the faulty fields; the messages themselves are for the form.
func (f FieldErrors) Error() string {
	names := make([]string, 0, len(f))
	for k := range f {
		names = append(names, k)
	}
	sort.Strings(names)
	return "invalid input: " + strings.Join(names, ", ")
}

// Add records a message for field unless it already has one.
func (f FieldErrors) Add(field, msg string) {
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
}

// Text trims a text field and checks its length in characters: required
// (with the message empty when it is blank) unless empty is "", and at
// most max. It returns the trimmed text.
func (f FieldErrors) Text(field, text string, max int, empty string) string {
	text = strings.TrimSpace(text)
	switch n := utf8.RuneCountInString(text); {
	case n == 0 && empty != "":
		f.Add(field, empty)
	case n > max:
		f.Add(field, fmt.Sprintf("Use at most %d characters (now %d).", max, n))
	}
	return text
}

// OneOf checks that a choice, when made, is one of those offered.
func (f FieldErrors) OneOf(field, value string, allowed []string) {
	if value != "" && !slices.Contains(allowed, value) {
		f.Add(field, "Choose one of the listed values.")
	}
}

// OrNil returns f as an error, or nil when no field is faulty.
func (f FieldErrors) OrNil() error {
	if len(f) == 0 {
		return nil
	}
	return f
}

// RateLimited says the caller must wait before trying again.
type RateLimited struct{ RetryAfter time.Duration }

func (r *RateLimited) Error() string {
	return fmt.Sprintf("rate limited, retry after %s", r.RetryAfter)
}

// Seconds rounds the wait up to whole seconds, at least one, for Retry-After.
func (r *RateLimited) Seconds() int {
	s := int((r.RetryAfter + time.Second - 1) / time.Second)
	if s < 1 {
		s = 1
	}
	return s
}

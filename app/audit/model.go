// Package audit is the append-only log of security-relevant events.
package audit

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Entry is one row of the audit log. Detail never holds clinical text.
type Entry struct {
	ID         int64
	CreatedAt  time.Time
	ActorID    *int64
	Action     string
	TargetType string
	TargetID   *int64
	IP         string
	Detail     map[string]string `gorm:"serializer:json"`

	// Filled in by List for display.
	ActorHandle string `gorm:"->;-:migration"`
}

// TableName keeps the table's name as it reads in SQL.
func (Entry) TableName() string { return "audit_log" }

// TargetLink is the page of what the entry acted on, or "" when it has none
// to show.
func (e Entry) TargetLink() string {
	if e.TargetID == nil {
		return ""
	}
	id := strconv.FormatInt(*e.TargetID, 10)
	switch e.TargetType {
	case "case":
		return "/cases/" + id
	case "consult":
		return "/consults/" + id
	case "verification_request":
		return "/mod/verifications/" + id
	case "user":
		return "/mod/users/" + id
	}
	return ""
}

// csvRecord is the entry as a row of the export. A cell that a spreadsheet
// would take for a formula is quoted with a leading apostrophe: addresses
// and details come from outside.
func (e Entry) csvRecord() []string {
	keys := make([]string, 0, len(e.Detail))
	for k := range e.Detail {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	details := make([]string, 0, len(keys))
	for _, k := range keys {
		details = append(details, k+"="+e.Detail[k])
	}
	optional := func(n *int64) string {
		if n == nil {
			return ""
		}
		return strconv.FormatInt(*n, 10)
	}
	row := []string{strconv.FormatInt(e.ID, 10), e.CreatedAt.UTC().Format(time.RFC3339), optional(e.ActorID), e.ActorHandle,
		e.Action, e.TargetType, optional(e.TargetID), e.IP, strings.Join(details, "; ")}
	for i, cell := range row {
		if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
			row[i] = "'" + cell
		}
	}
	return row
}

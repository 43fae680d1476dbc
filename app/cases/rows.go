package cases

import (
	"html/template"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"curbside/app/web/kit"
)

// listRow is a case in a list as a page shows it. The parts that read the
// same for every member are rendered once per version of the case and kept
// (a list row is twenty-odd template actions, and lists are the busiest
// pages); the member's own markers and the age of the activity are not.
type listRow struct {
	Summary
	Row rowParts
}

// rowParts are the member-independent parts of a row, rendered by the
// partials named after them.
type rowParts struct{ Title, Marks, Meta, Tags, Count template.HTML }

var rowPartials = []string{"case-row-title", "case-row-marks", "case-row-meta", "case-row-tags", "case-row-count"}

// rowCacheSize bounds the kept rows; past it the cache starts afresh.
const rowCacheSize = 20000

type rowCache struct {
	mu   sync.Mutex
	rows map[string]rowParts
}

// rowKey holds everything the kept parts show: any change to the case is a
// new key, so a kept row is never stale.
func rowKey(s Summary) string {
	var b strings.Builder
	for _, part := range []string{strconv.FormatInt(s.ID, 10), s.Title, s.Specialty, s.SpecialtySlug, s.Author.Handle,
		s.Author.DisplayName, s.Author.Specialty, strings.Join(s.Tags, ","), strconv.Itoa(s.ReplyCount),
		strconv.FormatBool(s.HasOutcome), strconv.FormatBool(s.Answered)} {
		b.WriteString(part)
		b.WriteByte(0)
	}
	return b.String()
}

// rows pairs each case with its kept parts, rendering those not kept yet.
func (h *Handlers) rows(c echo.Context, list []Summary) ([]listRow, error) {
	out := make([]listRow, len(list))
	for i, s := range list {
		key := rowKey(s)
		h.cache.mu.Lock()
		parts, ok := h.cache.rows[key]
		h.cache.mu.Unlock()
		if !ok {
			rendered := make([]template.HTML, len(rowPartials))
			for j, name := range rowPartials {
				html, err := kit.Fragment(c, name, s)
				if err != nil {
					return nil, err
				}
				rendered[j] = html
			}
			parts = rowParts{Title: rendered[0], Marks: rendered[1], Meta: rendered[2], Tags: rendered[3], Count: rendered[4]}
			h.cache.mu.Lock()
			if h.cache.rows == nil || len(h.cache.rows) >= rowCacheSize {
				h.cache.rows = map[string]rowParts{}
			}
			h.cache.rows[key] = parts
			h.cache.mu.Unlock()
		}
		out[i] = listRow{Summary: s, Row: parts}
	}
	return out, nil
}

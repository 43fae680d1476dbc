package cases

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"curbside/app/accounts"
	"curbside/app/web/kit"
)

// The forum pages are the busiest, and a list row or a reply is twenty to
// thirty template actions, each a reflected call: rendered per request they
// were most of a page's time. So rows and replies are rendered once per
// version of the post and per what the member sees of it, and kept
// (kit.Kept). Every key holds all that its partial shows, so a kept part is
// never stale: a change makes a new key.
const keptLimit = 10000

// kept are the forum's kept partials, one set per kind of key.
type kept struct {
	rows, replies, heads, replyBoxes, forums *kit.Kept
}

func newKept() kept {
	return kept{rows: kit.NewKept(keptLimit), replies: kit.NewKept(keptLimit), heads: kit.NewKept(keptLimit),
		replyBoxes: kit.NewKept(keptLimit), forums: kit.NewKept(100)}
}

// listRow is a case in a list, as the case-summary partial shows it.
type listRow struct {
	Summary
	Ago string
}

// rows renders the cases of a list as their rows.
func (h *Handlers) rows(c echo.Context, list []Summary) (template.HTML, error) {
	out := make([]template.HTML, len(list))
	for i, s := range list {
		row := listRow{Summary: s, Ago: kit.Ago(s.LastActivityAt)}
		html, err := h.kept.rows.Render(c, "case-summary", rowKey(row), func() any { return row })
		if err != nil {
			return "", err
		}
		out[i] = html
	}
	return kit.Concat(out), nil
}

func rowKey(r listRow) string {
	return kit.Key(strconv.FormatInt(r.ID, 10), r.Title, r.Specialty, r.SpecialtySlug, authorKey(r.Author),
		strings.Join(r.Tags, ","), strconv.Itoa(r.ReplyCount), flags(r.HasOutcome, r.Answered, r.Unread),
		strconv.Itoa(r.NewReplies), strconv.FormatInt(r.LastActivityAt.UnixMicro(), 10), r.Ago)
}

// forumOptions renders the forum filter's choices with selected chosen.
func (h *Handlers) forumOptions(c echo.Context, specialties []accounts.Specialty, selected string) (template.HTML, error) {
	return h.kept.forums.Render(c, "forum-options", selected, func() any {
		options := make([]forumOption, len(specialties))
		for i, sp := range specialties {
			options[i] = forumOption{Slug: sp.Slug, Name: sp.Name, Selected: sp.Slug == selected}
		}
		return options
	})
}

func authorKey(a Author) string { return a.Handle + "\x01" + a.DisplayName + "\x01" + a.Specialty }

// flags writes booleans as one string of 0s and 1s.
func flags(bs ...bool) string {
	b := make([]byte, len(bs))
	for i, v := range bs {
		b[i] = '0'
		if v {
			b[i] = '1'
		}
	}
	return string(b)
}

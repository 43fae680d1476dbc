package cases

import (
	"html/template"
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

// rowSize is about what a list row holds, so that a list is written into
// one allocation.
const rowSize = 1024

// rows renders the cases of a list as their rows, in one piece.
func (h *Handlers) rows(c echo.Context, list []Summary) (template.HTML, error) {
	var b strings.Builder
	b.Grow(len(list) * rowSize)
	var key kit.KeyBuilder
	zone := kit.ViewerOf(c).Location()
	for _, s := range list {
		row := listRow{Summary: s, Ago: kit.Ago(s.LastActivityAt, zone)}
		key.Reset().Int(s.ID, int64(s.ReplyCount), int64(s.NewReplies), s.LastActivityAt.UnixMicro()).
			Str(s.Title, s.Specialty, s.SpecialtySlug, row.Ago, strings.Join(s.Tags, ","))
		authorKey(&key, s.Author).Bool(s.HasOutcome, s.Answered, s.Unread)
		if err := h.kept.rows.RenderTo(&b, c, "case-summary", key.String(), func() any { return row }); err != nil {
			return "", err
		}
	}
	return template.HTML(b.String()), nil
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

func authorKey(k *kit.KeyBuilder, a Author) *kit.KeyBuilder {
	return k.Str(a.Handle, a.DisplayName, a.Specialty)
}

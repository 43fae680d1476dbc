package cases

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"curbside/app/web/kit"
)

// A case's page is its head, its replies and the reply box, each kept
// (rows.go) per version and per what the member may do, with this response's
// form token and the sanitised bodies as holes.

// caseTop is the case above its replies, as the case-head partial shows it.
type caseTop struct {
	Case        *Case
	Ago         string
	CanModerate bool
	Outcome     replyForm
	CSRF        string
}

func (h *Handlers) caseTop(c echo.Context, p *casePage) (template.HTML, error) {
	cs := &p.Case
	head := caseTop{Case: cs, Ago: kit.Ago(cs.CreatedAt, kit.ViewerOf(c).Location()), CanModerate: p.Viewer.CanModerate(), Outcome: p.Outcome,
		CSRF: kit.FormToken(c)}
	if !pristine(p.Outcome) { // the author's outcome sent back with a message: shown once, not kept
		return kit.Fragment(c, "case-head", head)
	}
	var key kit.KeyBuilder
	key.Int(cs.ID, int64(len(cs.Images))).Str(cs.Title, cs.Specialty, cs.SpecialtySlug, strings.Join(cs.Tags, ","), head.Ago,
		cs.AgeBand, cs.Sex, cs.CareSetting)
	authorKey(&key, cs.Author).Bool(cs.EditedAt != nil, cs.OutcomeAt != nil, cs.Following, cs.Mine, head.CanModerate, cs.Hidden)
	return h.kept.heads.Render(c, "case-head", key.String(), func() any {
		keptCase := *cs
		keptCase.BodyHTML, keptCase.OutcomeHTML = template.HTML(kit.Hole(1)), template.HTML(kit.Hole(2))
		head.Case, head.CSRF = &keptCase, kit.Hole(0)
		return head
	}, formToken(c), cs.BodyHTML, cs.OutcomeHTML)
}

// replyItem is a reply as the reply-item partial shows it to one member.
type replyItem struct {
	Reply
	Ago      string
	CaseID   int64
	CaseMine bool
	// Moderator: the member may hide and restore replies.
	Moderator bool
	CSRF      string
}

// replyItemSize is about what a reply's item holds besides its body, so
// that the page's replies are written into one allocation.
const replyItemSize = 1024

// replyItems renders the replies of a case for the member, in one piece.
func (h *Handlers) replyItems(c echo.Context, cs *Case, replies []Reply, moderator bool) (template.HTML, error) {
	var b strings.Builder
	size := len(replies) * replyItemSize
	for _, r := range replies {
		size += len(r.BodyHTML)
	}
	b.Grow(size)
	var key kit.KeyBuilder
	token := formToken(c)
	zone := kit.ViewerOf(c).Location()
	for _, r := range replies {
		item := replyItem{Reply: r, Ago: kit.Ago(r.CreatedAt, zone), CaseID: cs.ID, CaseMine: cs.Mine, Moderator: moderator}
		edited := int64(0)
		if r.EditedAt != nil {
			edited = r.EditedAt.UnixMicro()
		}
		key.Reset().Int(r.ID, cs.ID, edited, int64(r.HelpfulCount)).Str(item.Ago)
		authorKey(&key, r.Author).Bool(r.MarkedByMe, r.Mine, r.Accepted, r.New, r.Deleted, cs.Mine, r.Hidden, moderator)
		err := h.kept.replies.RenderTo(&b, c, "reply-item", key.String(), func() any {
			item.CSRF, item.BodyHTML = kit.Hole(0), template.HTML(kit.Hole(1))
			return item
		}, token, r.BodyHTML)
		if err != nil {
			return "", err
		}
	}
	return template.HTML(b.String()), nil
}

// replyBox is the reply form as the reply-box partial shows it.
type replyBox struct {
	replyForm
	CSRF string
}

// replyBox renders the reply form: kept per case while it is empty, and
// rendered afresh when it holds a draft or a message.
func (h *Handlers) replyBox(c echo.Context, f replyForm) (template.HTML, error) {
	if !pristine(f) {
		return kit.Fragment(c, "reply-box", replyBox{replyForm: f, CSRF: kit.FormToken(c)})
	}
	return h.kept.replyBoxes.Render(c, "reply-box", strconv.FormatInt(f.CaseID, 10), func() any {
		return replyBox{replyForm: f, CSRF: kit.Hole(0)}
	}, formToken(c))
}

// pristine reports whether a form is as a first visit shows it: nothing
// typed, no message, nothing the privacy guard found.
func pristine(f replyForm) bool {
	for _, v := range f.Values {
		if v != "" {
			return false
		}
	}
	return len(f.Errors) == 0 && len(f.Findings) == 0
}

// formToken is the response's form token as a hole's fill: base64url, so it
// is safe in the attribute it fills.
func formToken(c echo.Context) template.HTML { return template.HTML(kit.FormToken(c)) }

package consults

import (
	"html/template"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"curbside/app/identity"
	"curbside/app/web/kit"
)

// A consult's messages never change but for which one is the answer, so
// each is rendered once per what it shows and kept, its sanitised body a
// hole (as the forum keeps its replies).

// keptLimit bounds the kept messages; past it they are rendered afresh.
const keptLimit = 10000

// messageItem is a message as the consult-message partial shows it.
type messageItem struct {
	Message
	Ago   string
	Files FileList
	// Mine: the viewer wrote it; Moderator: the viewer may hide it.
	Mine, Moderator bool
	CSRF            string
}

// messageItemSize is about what a message's item holds besides its body.
const messageItemSize = 512

// messageItems renders a consult's thread in one piece.
func (h *Handlers) messageItems(c echo.Context, consultID int64, msgs []Message, v *identity.Viewer) (template.HTML, error) {
	var b strings.Builder
	size := len(msgs) * messageItemSize
	for _, m := range msgs {
		size += len(m.BodyHTML)
	}
	b.Grow(size)
	var key kit.KeyBuilder
	zone := v.Location()
	for _, m := range msgs {
		item := messageItem{Message: m, Ago: kit.Ago(m.CreatedAt, zone), Files: FileList{ConsultID: consultID, Files: m.Attachments},
			Mine: m.Author.ID == v.UserID, Moderator: v.CanModerate()}
		key.Reset().Int(m.ID, consultID).Bool(m.IsAnswer, m.Hidden, item.Mine, item.Moderator).Str(item.Ago, m.Author.Handle, m.Author.DisplayName)
		for _, a := range m.Attachments {
			key.Int(a.ID, int64(a.SizeBytes)).Str(a.ContentType)
		}
		err := h.messages.RenderTo(&b, c, "consult-message", key.String(), func() any {
			item.CSRF, item.BodyHTML = kit.Hole(0), template.HTML(kit.Hole(1))
			return item
		}, template.HTML(kit.FormToken(c)), m.BodyHTML)
		if err != nil {
			return "", err
		}
	}
	return template.HTML(b.String()), nil
}

// listRow is a consult in a list, as the consult-row partial shows it.
type listRow struct {
	Summary
	Ago, Waited, FirstResponse string
}

// listRows renders a list of consults, each row kept per everything it shows.
func (h *Handlers) listRows(c echo.Context, list []Summary) (template.HTML, error) {
	var b strings.Builder
	b.Grow(len(list) * messageItemSize)
	var key kit.KeyBuilder
	zone := kit.ViewerOf(c).Location()
	for _, s := range list {
		row := listRow{Summary: s, Ago: kit.Ago(s.CreatedAt, zone), Waited: kit.Took(time.Since(s.CreatedAt))}
		if s.FirstClaimedAt != nil {
			row.FirstResponse = kit.Took(s.FirstResponse())
		}
		key.Reset().Int(s.ID).Bool(s.OverdueAt != nil).Str(s.Status, s.Urgency, s.Question, s.Specialty, row.Ago, row.Waited,
			row.FirstResponse, s.Requester.DisplayName)
		for _, p := range []*Person{s.Consultant, s.AddressedTo} {
			if p != nil {
				key.Str(p.DisplayName)
			} else {
				key.Str("")
			}
		}
		if err := h.rows.RenderTo(&b, c, "consult-row", key.String(), func() any { return row }); err != nil {
			return "", err
		}
	}
	return template.HTML(b.String()), nil
}

// consultHead is a consult's request as the consult-head partial shows it.
type consultHead struct {
	Consult    Consult
	Can        Actions
	Ago        string
	Waiting    string
	HasSummary bool
	CSRF       string
}

// head renders a consult's request with the moves the member may make, kept
// per everything it shows; the form token and the sanitised summary fill
// holes.
func (h *Handlers) head(c echo.Context, p *Page) (template.HTML, error) {
	cs := &p.Consult
	head := consultHead{Consult: *cs, Can: p.Can, Ago: kit.Ago(cs.CreatedAt, kit.ViewerOf(c).Location()), Waiting: kit.Took(time.Since(cs.CreatedAt)),
		HasSummary: cs.SummaryHTML != ""}
	var key kit.KeyBuilder
	key.Int(cs.ID).Str(cs.Status, cs.Urgency, cs.Specialty, cs.Question, cs.History, cs.Medications, cs.Results,
		cs.AgeBand, cs.Sex, head.Ago, head.Waiting, cs.Requester.Handle, cs.Requester.DisplayName)
	for _, who := range []*Person{cs.Consultant, cs.AddressedTo} {
		if who == nil {
			key.Str("", "")
		} else {
			key.Str(who.Handle, who.DisplayName)
		}
	}
	for _, a := range cs.Attachments {
		key.Int(a.ID, int64(a.SizeBytes)).Str(a.ContentType)
	}
	can := p.Can
	key.Bool(cs.OverdueAt != nil, head.HasSummary, can.Claim, can.Decline, can.Release, can.Withdraw)
	return h.heads.Render(c, "consult-head", key.String(), func() any {
		kept := head
		kept.Consult.SummaryHTML, kept.CSRF = template.HTML(kit.Hole(1)), kit.Hole(0)
		return kept
	}, template.HTML(kit.FormToken(c)), cs.SummaryHTML)
}

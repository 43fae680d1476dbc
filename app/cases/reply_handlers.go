package cases

import (
	"errors"
	"html/template"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"curbside/app/apperr"
	"curbside/app/identity"
	"curbside/app/phi"
	"curbside/app/web/kit"
)

// replyForm is the answer box under a case, or a reply being edited.
type replyForm struct {
	kit.Form
	Findings map[string][]phi.Finding
	CaseID   int64
	// EditID is the reply being edited, or 0 for a new one.
	EditID int64
}

// casePage is a case with its discussion and the reply box.
type casePage struct {
	Page
	// Head, ReplyItems and ReplyBox are the page's parts as the member
	// sees them (case_parts.go).
	Head       template.HTML
	ReplyItems template.HTML
	ReplyBox   template.HTML
	Reply      replyForm
	Outcome    replyForm
	Viewer     *identity.Viewer
}

// renderCase renders a case's page with status.
func (h *Handlers) renderCase(c echo.Context, status int, p casePage) error {
	var err error
	if p.Head, err = h.caseTop(c, &p); err != nil {
		return err
	}
	if p.ReplyItems, err = h.replyItems(c, &p.Case, p.Replies, p.Viewer.CanModerate()); err != nil {
		return err
	}
	if p.ReplyBox, err = h.replyBox(c, p.Reply); err != nil {
		return err
	}
	return c.Render(status, "case", p)
}

func (h *Handlers) reply(c echo.Context) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	v := kit.ViewerOf(c)
	form := kit.NewForm(c, "body", "anonymous")
	in := NewReply{Body: form.Value("body"), Anonymous: form.Value("anonymous") == "on", PHIAck: c.FormValue("phi_ack") == "on"}
	replyID, err := h.svc.AddReply(c.Request().Context(), v, id, in, kit.Meta(c))
	if err == nil {
		kit.Flash(c, "Your reply is posted.")
		return kit.SeeOther(c, caseLink(id)+"#reply-"+strconv.FormatInt(replyID, 10))
	}
	rf := replyForm{Form: form, CaseID: id}
	if !h.replyRefused(c, err, &rf) {
		return err
	}
	if _, derr := h.svc.SaveDraft(c.Request().Context(), v, Draft{CaseID: &id, Body: in.Body,
		Fields: fieldsOf(form, "body"), Reason: "Your reply was sent back."}); derr != nil {
		return derr
	}
	page, perr := h.svc.Open(c.Request().Context(), v, id, nil)
	if perr != nil {
		return perr
	}
	return h.renderCase(c, statusOf(err), casePage{Page: *page, Reply: rf, Viewer: v})
}

// replyRefused puts a refusal's messages on the reply form; false means the
// error is not one a form can answer.
func (h *Handlers) replyRefused(c echo.Context, err error, rf *replyForm) bool {
	var fe apperr.FieldErrors
	var pe *phi.Held
	var limited *apperr.RateLimited
	switch {
	case errors.As(err, &fe):
		rf.Errors = fe
	case errors.As(err, &pe):
		rf.Findings = pe.Findings
	case errors.As(err, &limited):
		c.Response().Header().Set("Retry-After", strconv.Itoa(limited.Seconds()))
		rf.Errors["body"] = "You have posted a lot in the last hour. Your reply is kept as a draft; try again later."
	default:
		return false
	}
	return true
}

func statusOf(err error) int {
	var limited *apperr.RateLimited
	if errors.As(err, &limited) {
		return http.StatusTooManyRequests
	}
	return http.StatusUnprocessableEntity
}

func (h *Handlers) helpful(c echo.Context) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	_, _, caseID, err := h.svc.ToggleHelpful(c.Request().Context(), kit.ViewerOf(c), id)
	if err != nil {
		return err
	}
	return kit.SeeOther(c, caseLink(caseID)+"#reply-"+strconv.FormatInt(id, 10))
}

func (h *Handlers) editReplyForm(c echo.Context) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	r, err := h.svc.OwnReply(c.Request().Context(), kit.ViewerOf(c), id)
	if err != nil {
		return err
	}
	form := kit.Form{Values: map[string]string{"body": r.Body}, Errors: map[string]string{}}
	return c.Render(http.StatusOK, "reply_edit", replyForm{Form: form, CaseID: r.CaseID, EditID: id})
}

func (h *Handlers) editReply(c echo.Context) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	form := kit.NewForm(c, "body")
	caseID, err := h.svc.EditReply(c.Request().Context(), kit.ViewerOf(c), id, form.Value("body"), c.FormValue("phi_ack") == "on", kit.Meta(c))
	if err == nil {
		kit.Flash(c, "Your reply is updated.")
		return kit.SeeOther(c, caseLink(caseID)+"#reply-"+strconv.FormatInt(id, 10))
	}
	rf := replyForm{Form: form, EditID: id}
	if !h.replyRefused(c, err, &rf) {
		return err
	}
	r, rerr := h.svc.OwnReply(c.Request().Context(), kit.ViewerOf(c), id)
	if rerr != nil {
		return rerr
	}
	rf.CaseID = r.CaseID
	return c.Render(statusOf(err), "reply_edit", rf)
}

func (h *Handlers) deleteReply(c echo.Context) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	caseID, err := h.svc.DeleteReply(c.Request().Context(), kit.ViewerOf(c), id, kit.Meta(c))
	if err != nil {
		return err
	}
	kit.Flash(c, "Your reply is deleted.")
	return kit.SeeOther(c, caseLink(caseID))
}

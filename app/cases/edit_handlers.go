package cases

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"curbside/app/apperr"
	"curbside/app/paths"
	"curbside/app/web/kit"
)

// notAuthor explains, as a page, what only a case's author may do.
func notAuthor(err error) error {
	if errors.Is(err, ErrNotAuthor) {
		return &kit.Denied{Title: "Only the author can do this",
			Message:  "Editing a case, marking the accepted answer and adding the outcome are for the member who posted it.",
			LinkText: "Back to the cases", LinkURL: paths.Cases}
	}
	return err
}

func (h *Handlers) editForm(c echo.Context) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	page, err := h.svc.Open(c.Request().Context(), kit.ViewerOf(c), id, nil)
	if err != nil {
		return err
	}
	cs := page.Case
	if !cs.Mine {
		return notAuthor(ErrNotAuthor)
	}
	f := caseForm{EditID: id, Form: kit.Form{Errors: map[string]string{}, Values: map[string]string{
		"title": cs.Title, "body": cs.Body, "specialty": cs.SpecialtySlug, "tags": joinTags(cs.Tags),
		"age_band": cs.AgeBand, "sex": cs.Sex, "care_setting": cs.CareSetting}}}
	return h.renderForm(c, http.StatusOK, f)
}

func joinTags(tags []string) string {
	out := ""
	for i, t := range tags {
		if i > 0 {
			out += ", "
		}
		out += t
	}
	return out
}

func (h *Handlers) edit(c echo.Context) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	form := kit.NewForm(c, caseFields...)
	in := CaseEdit{Title: form.Value("title"), Body: form.Value("body"), Tags: form.Value("tags"), AgeBand: form.Value("age_band"),
		Sex: form.Value("sex"), CareSetting: form.Value("care_setting"), PHIAck: c.FormValue("phi_ack") == "on"}
	err = h.svc.EditCase(c.Request().Context(), kit.ViewerOf(c), id, in, kit.Meta(c))
	if err == nil {
		kit.Flash(c, "Your case is updated.")
		return kit.SeeOther(c, caseLink(id))
	}
	if errors.Is(err, ErrNotAuthor) {
		return notAuthor(err)
	}
	return h.refused(c, err, &caseForm{Form: form, EditID: id}, Draft{})
}

func (h *Handlers) deleteCase(c echo.Context) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	if err := h.svc.DeleteCase(c.Request().Context(), kit.ViewerOf(c), id, kit.Meta(c)); err != nil {
		return notAuthor(err)
	}
	kit.Flash(c, "Your case is deleted.")
	return kit.SeeOther(c, paths.Cases)
}

func (h *Handlers) outcome(c echo.Context) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	v := kit.ViewerOf(c)
	form := kit.NewForm(c, "outcome")
	err = h.svc.SetOutcome(c.Request().Context(), v, id, form.Value("outcome"), c.FormValue("phi_ack") == "on", kit.Meta(c))
	if err == nil {
		kit.Flash(c, "The outcome is added at the top of the case.")
		return kit.SeeOther(c, caseLink(id))
	}
	rf := replyForm{Form: form, CaseID: id}
	if errors.Is(err, ErrNotAuthor) || !h.replyRefused(c, err, &rf) {
		return notAuthor(err)
	}
	page, perr := h.svc.Open(c.Request().Context(), v, id, nil)
	if perr != nil {
		return perr
	}
	return h.renderCase(c, statusOf(err), casePage{Page: *page, Viewer: v, Reply: replyForm{Form: kit.Form{Values: map[string]string{},
		Errors: map[string]string{}}, CaseID: id}, Outcome: rf})
}

func (h *Handlers) accept(c echo.Context) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	replyID, err := strconv.ParseInt(c.FormValue("reply_id"), 10, 64)
	if err != nil {
		return fmt.Errorf("reply %q: %w", c.FormValue("reply_id"), apperr.ErrNotFound)
	}
	if err := h.svc.Accept(c.Request().Context(), kit.ViewerOf(c), id, replyID); err != nil {
		return notAuthor(err)
	}
	return kit.SeeOther(c, caseLink(id)+"#reply-"+strconv.FormatInt(replyID, 10))
}

func (h *Handlers) follow(c echo.Context) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	on := c.FormValue("follow") != "off"
	if err := h.svc.SetFollowing(c.Request().Context(), kit.ViewerOf(c), id, on); err != nil {
		return err
	}
	if on {
		kit.Flash(c, "You follow this case: new replies will be in your notifications.")
	} else {
		kit.Flash(c, "You no longer follow this case.")
	}
	return kit.SeeOther(c, caseLink(id))
}

// historyPage is a case's earlier versions, for moderators.
type historyPage struct {
	CaseID    int64
	Revisions []Revision
}

func (h *Handlers) history(c echo.Context) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	list, err := h.svc.History(c.Request().Context(), kit.ViewerOf(c), id, kit.Meta(c))
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "case_history", historyPage{CaseID: id, Revisions: list})
}

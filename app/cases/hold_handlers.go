package cases

import (
	"errors"
	"strconv"

	"github.com/labstack/echo/v4"

	"curbside/app/apperr"
	"curbside/app/web/kit"
)

// The Hold handlers keep a case or reply sent with a session that lapsed
// while its member typed (kit.Route.Hold): nothing is published, the text is
// saved as the member's draft, and login leads back to it.

// lapsedReason is the draft's note on the drafts page.
const lapsedReason = "Your session had ended before this was posted."

// holdCase keeps a new case as a draft and resumes it after login.
func (h *Handlers) holdCase(c echo.Context, member *kit.Viewer) (string, error) {
	_, d := caseDraft(c)
	d.Reason = lapsedReason
	if d.Title == "" && d.Body == "" {
		return "", nil
	}
	id, err := h.svc.SaveDraft(c.Request().Context(), member, d)
	if err != nil {
		return "", err
	}
	return "/cases/new?draft=" + strconv.FormatInt(id, 10), nil
}

// holdReply keeps a reply as the member's draft for its case, which the
// case's page puts back in the reply box.
func (h *Handlers) holdReply(c echo.Context, member *kit.Viewer) (string, error) {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return "", err
	}
	return h.holdReplyTo(c, member, id, c.FormValue("body"))
}

// holdAutosave keeps what a page's script was saving when the session
// lapsed; the script tells its member to log in again.
func (h *Handlers) holdAutosave(c echo.Context, member *kit.Viewer) (string, error) {
	if id, err := strconv.ParseInt(c.FormValue("case_id"), 10, 64); err == nil && id > 0 {
		return h.holdReplyTo(c, member, id, c.FormValue("body"))
	}
	return h.holdCase(c, member)
}

func (h *Handlers) holdReplyTo(c echo.Context, member *kit.Viewer, caseID int64, body string) (string, error) {
	ctx := c.Request().Context()
	if body == "" {
		return "", nil
	}
	if _, err := h.svc.visibleCase(ctx, caseID); errors.Is(err, apperr.ErrNotFound) {
		return "", nil // deleted meanwhile: nothing to reply to
	} else if err != nil {
		return "", err
	}
	if _, err := h.svc.SaveDraft(ctx, member, Draft{CaseID: &caseID, Body: body, Reason: lapsedReason}); err != nil {
		return "", err
	}
	return caseLink(caseID), nil
}

package cases

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"curbside/app/web/kit"
)

func (h *Handlers) drafts(c echo.Context) error {
	list, err := h.svc.Drafts(c.Request().Context(), kit.ViewerOf(c))
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "drafts", list)
}

// autosave stores what the form holds, sent by the page's script every few
// seconds; it answers with the draft's id for the next save.
func (h *Handlers) autosave(c echo.Context) error {
	v := kit.ViewerOf(c)
	_, d := caseDraft(c)
	if id, err := strconv.ParseInt(c.FormValue("case_id"), 10, 64); err == nil && id > 0 {
		if _, err := h.svc.visibleCase(c.Request().Context(), id); err != nil {
			return err
		}
		d.ID, d.CaseID, d.Fields = 0, &id, nil
	}
	if d.Title == "" && d.Body == "" {
		return c.JSON(http.StatusOK, map[string]any{"draft_id": d.ID, "saved": false})
	}
	id, err := h.svc.SaveDraft(c.Request().Context(), v, d)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"draft_id": id, "saved": true})
}

func (h *Handlers) deleteDraft(c echo.Context) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	if err := h.svc.DeleteDraft(c.Request().Context(), kit.ViewerOf(c), id); err != nil {
		return err
	}
	kit.Flash(c, "The draft is discarded.")
	return kit.SeeOther(c, "/drafts")
}

package cases

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"curbside/app/accounts"
	"curbside/app/apperr"
	"curbside/app/db"
	"curbside/app/files"
	"curbside/app/paths"
	"curbside/app/phi"
	"curbside/app/web/kit"
)

// caseFields are the form's text fields, kept on a 422 and in drafts.
var caseFields = []string{"title", "body", "specialty", "tags", "anonymous", "age_band", "sex", "care_setting"}

// caseForm is the new-case and edit-case form.
type caseForm struct {
	kit.Form
	Findings     map[string][]phi.Finding
	Specialties  []kit.Option
	AgeBands     []kit.Option
	Sexes        []kit.Option
	CareSettings []kit.Option
	DraftID      int64
	// EditID is the case being edited, or 0 for a new one.
	EditID int64
	// ImagesDropped: images were attached to a form sent back, and must be attached again.
	ImagesDropped int
}

var settingLabels = map[string]string{"outpatient": "Outpatient clinic", "inpatient": "Hospital ward", "emergency": "Emergency department",
	"icu": "Intensive care", "rural": "Rural or remote practice", "telehealth": "Telehealth"}

func (h *Handlers) renderForm(c echo.Context, status int, f caseForm) error {
	specialties, err := h.accounts.Specialties(c.Request().Context())
	if err != nil {
		return err
	}
	f.Specialties = accounts.SpecialtyOptions(specialties)
	f.AgeBands = kit.Options(phi.AgeBands, nil)
	f.Sexes = kit.Options(phi.Sexes, phi.SexLabels)
	f.CareSettings = kit.Options(CareSettings, settingLabels)
	if f.Form.Values == nil {
		f.Form = kit.Form{Values: map[string]string{}, Errors: map[string]string{}}
	}
	return c.Render(status, "case_form", f)
}

func (h *Handlers) newForm(c echo.Context) error {
	v := kit.ViewerOf(c)
	f := caseForm{Form: kit.Form{Values: map[string]string{"specialty": c.QueryParam("specialty")}, Errors: map[string]string{}}}
	if id, err := strconv.ParseInt(c.QueryParam("draft"), 10, 64); err == nil {
		d, err := h.svc.DraftByID(c.Request().Context(), v, id)
		if err != nil {
			return err
		}
		for k, val := range d.Fields {
			f.Values[k] = val
		}
		f.Values["title"], f.Values["body"], f.DraftID = d.Title, d.Body, d.ID
	}
	return h.renderForm(c, http.StatusOK, f)
}

// uploads reads the images of a form, each at most the limit.
func uploads(c echo.Context) ([]Upload, error) {
	sent, err := kit.Uploads(c, "images", MaxImageSize)
	out := make([]Upload, len(sent))
	for i, up := range sent {
		out[i] = Upload(up)
	}
	return out, err
}

func (h *Handlers) create(c echo.Context) error {
	v := kit.ViewerOf(c)
	form, draft := caseDraft(c)
	images, err := uploads(c)
	if err != nil {
		return err
	}
	draftID := draft.ID
	in := NewCase{Title: form.Value("title"), Body: form.Value("body"), Specialty: form.Value("specialty"), Tags: form.Value("tags"),
		AgeBand: form.Value("age_band"), Sex: form.Value("sex"), CareSetting: form.Value("care_setting"),
		Anonymous: form.Value("anonymous") == "on", PHIAck: c.FormValue("phi_ack") == "on", Images: images, DraftID: draftID}
	id, err := h.svc.Create(c.Request().Context(), v, in, kit.Meta(c))
	if err == nil {
		kit.Flash(c, "Your case is published.")
		return kit.SeeOther(c, caseLink(id))
	}
	f := caseForm{Form: form, DraftID: draftID, ImagesDropped: len(images)}
	return h.refused(c, err, &f, draft)
}

// caseDraft reads a case form, and the draft that keeps it: the draft it
// continues (draft_id), its title and body, and its other fields.
func caseDraft(c echo.Context) (kit.Form, Draft) {
	form := kit.NewForm(c, caseFields...)
	id, _ := strconv.ParseInt(c.FormValue("draft_id"), 10, 64)
	return form, Draft{ID: id, Title: form.Value("title"), Body: form.Value("body"), Fields: fieldsOf(form, "title", "body")}
}

// fieldsOf keeps a form's other fields for a draft.
func fieldsOf(form kit.Form, skip ...string) map[string]string {
	out := map[string]string{}
	for k, v := range form.Values {
		if v != "" && !slices.Contains(skip, k) {
			out[k] = v
		}
	}
	return out
}

// refused answers a post the rules sent back: the form again (422, or 429
// when posting too fast) with every message at its field, and what was
// typed kept as a draft.
func (h *Handlers) refused(c echo.Context, err error, f *caseForm, d Draft) error {
	var fe apperr.FieldErrors
	var pe *phi.Held
	var limited *apperr.RateLimited
	status := http.StatusUnprocessableEntity
	switch {
	case errors.As(err, &fe):
		f.Errors, d.Reason = fe, "Some fields needed attention."
	case errors.As(err, &pe):
		f.Findings, d.Reason = pe.Findings, "The privacy guard found possible patient identifiers."
	case errors.As(err, &limited):
		status, d.Reason = http.StatusTooManyRequests, "Posted too fast; wait a little."
		c.Response().Header().Set("Retry-After", strconv.Itoa(limited.Seconds()))
		f.Errors["form"] = "You have posted a lot in the last hour. Your text is kept as a draft; publish it in " +
			(time.Duration(limited.Seconds()) * time.Second).String() + "."
	default:
		return err
	}
	if f.ImagesDropped > 0 {
		f.Errors["images"] = strings.TrimSpace(f.Errors["images"] + " Images are not kept when a form is sent back: attach them again.")
	}
	if f.EditID == 0 {
		id, derr := h.svc.SaveDraft(c.Request().Context(), kit.ViewerOf(c), d)
		if derr != nil {
			return derr
		}
		f.DraftID = id
	}
	return h.renderForm(c, status, *f)
}

func (h *Handlers) show(c echo.Context) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	v := kit.ViewerOf(c)
	page, err := h.svc.Open(c.Request().Context(), v, id, kit.RiderOf(c))
	if errors.Is(err, ErrRemoved) {
		return &kit.Denied{Title: "Removed by a moderator", Message: "A moderator removed this case: it broke the community's rules.",
			LinkURL: paths.Cases, LinkText: "Back to the cases"}
	} else if err != nil {
		return err
	}
	form := kit.Form{Values: map[string]string{"body": page.Case.ReplyDraft}, Errors: map[string]string{}}
	return h.renderCase(c, http.StatusOK, casePage{Page: *page, Reply: replyForm{Form: form, CaseID: id}, Viewer: v})
}

// pageRider is what the case page sends with the session lookup: see Open.
func (h *Handlers) pageRider(c echo.Context) db.Rider {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return nil
	}
	return h.svc.PageRider(id)
}

func (h *Handlers) image(c echo.Context) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	pos, err := strconv.Atoi(c.Param("pos"))
	if err != nil || pos < 0 || pos >= MaxImages {
		return apperr.ErrNotFound
	}
	f, err := h.svc.Image(c.Request().Context(), kit.ViewerOf(c), id, pos, c.QueryParam("size") == "thumb")
	if err != nil {
		return err
	}
	return files.Serve(c, f, files.Serving{MaxAge: 24 * time.Hour})
}

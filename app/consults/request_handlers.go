package consults

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"curbside/app/accounts"
	"curbside/app/apperr"
	"curbside/app/paths"
	"curbside/app/phi"
	"curbside/app/web/kit"
)

// requestFields are the request form's fields, kept on a 422.
var requestFields = []string{"specialty", "urgency", "question", "summary", "age_band", "sex", "history",
	"medications", "results", "colleague"}

// requestForm is the form that asks a specialty.
type requestForm struct {
	kit.Form
	Findings    map[string][]phi.Finding
	Specialties []kit.Option
	AgeBands    []kit.Option
	Sexes       []kit.Option
}

func (h *Handlers) renderRequest(c echo.Context, status int, f requestForm) error {
	specialties, err := h.accounts.Specialties(c.Request().Context())
	if err != nil {
		return err
	}
	f.Specialties = accounts.SpecialtyOptions(specialties)
	f.AgeBands, f.Sexes = kit.Options(phi.AgeBands, nil), kit.Options(phi.Sexes, phi.SexLabels)
	return c.Render(status, "consult_form", f)
}

func (h *Handlers) newForm(c echo.Context) error {
	values := map[string]string{"urgency": Routine, "specialty": c.QueryParam("specialty"), "colleague": c.QueryParam("colleague")}
	values = kit.Restore(c, values) // what the member typed before their session ended, if it was kept
	return h.renderRequest(c, http.StatusOK, requestForm{Form: kit.Form{Values: values, Errors: map[string]string{}}})
}

func (h *Handlers) create(c echo.Context) error {
	form := kit.NewForm(c, requestFields...)
	files, err := attachments(c)
	if err != nil {
		return err
	}
	in := NewConsult{Specialty: form.Value("specialty"), Urgency: form.Value("urgency"), Question: form.Value("question"),
		Summary: form.Value("summary"), AgeBand: form.Value("age_band"), Sex: form.Value("sex"), History: form.Value("history"),
		Medications: form.Value("medications"), Results: form.Value("results"), Colleague: form.Value("colleague"),
		PHIAck: c.FormValue("phi_ack") == "on", Attachments: files}
	id, err := h.svc.Request(c.Request().Context(), kit.ViewerOf(c), in, kit.Meta(c))
	if err == nil {
		kit.Flash(c, "Your consult is filed. You will be told when a specialist claims it.")
		return kit.SeeOther(c, paths.Consult(id))
	}
	f := requestForm{Form: form}
	var fe apperr.FieldErrors
	var held *phi.Held
	var limited *apperr.RateLimited
	status := http.StatusUnprocessableEntity
	switch {
	case errors.As(err, &fe):
		f.Errors = fe
	case errors.As(err, &held):
		f.Findings = held.Findings
	case errors.As(err, &limited):
		status = http.StatusTooManyRequests
		c.Response().Header().Set("Retry-After", strconv.Itoa(limited.Seconds()))
		f.Errors["form"] = "You have asked many consults in the last hour. Your text is below; send it again in " +
			(time.Duration(limited.Seconds()) * time.Second).String() + "."
	default:
		return err
	}
	reattach(f.Form, len(files))
	return h.renderRequest(c, status, f)
}

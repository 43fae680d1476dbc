package verification

import (
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"curbside/app/accounts"
	"curbside/app/apperr"
	"curbside/app/files"
	"curbside/app/identity"
	"curbside/app/jurisdictions"
	"curbside/app/paths"
	"curbside/app/web/kit"
)

// Handlers serves the applicant's and the moderator's pages.
type Handlers struct {
	svc      *Service
	accounts *accounts.Service
}

// NewHandlers returns the verification pages.
func NewHandlers(svc *Service, acct *accounts.Service) *Handlers {
	return &Handlers{svc: svc, accounts: acct}
}

// statusPage is /verification: the latest request and, when the member may
// apply, the form.
type statusPage struct {
	Latest      *Request
	CanApply    bool
	Form        kit.Form
	States      []kit.Option
	Specialties []kit.Option
}

func (h *Handlers) renderStatus(c echo.Context, code int, form kit.Form) error {
	v := kit.ViewerOf(c)
	history, err := h.svc.History(c.Request().Context(), v.UserID)
	if err != nil {
		return err
	}
	specs, err := h.accounts.Specialties(c.Request().Context())
	if err != nil {
		return err
	}
	page := statusPage{Form: form}
	for _, j := range jurisdictions.List {
		page.States = append(page.States, kit.Option{Value: j.Code, Label: j.Name})
	}
	page.Specialties = accounts.SpecialtyOptions(specs)
	if len(history) > 0 {
		page.Latest = &history[0]
		if page.Latest.Status == Rejected && len(page.Form.Values) == 0 {
			// Submitting again usually means correcting one detail: start from the last request.
			last := page.Latest
			page.Form.Values = map[string]string{"full_name": last.FullName, "npi": last.NPI, "license_state": last.LicenseState,
				"license_number": last.LicenseNumber, "specialty": last.Specialty.Slug}
		}
	}
	page.CanApply = v.Status != identity.StatusVerified && (page.Latest == nil || page.Latest.Status != Pending)
	return c.Render(code, "verification", page)
}

func (h *Handlers) status(c echo.Context) error {
	return h.renderStatus(c, http.StatusOK, kit.NewForm(c))
}

func (h *Handlers) submit(c echo.Context) error {
	form := kit.NewForm(c, "full_name", "npi", "license_state", "license_number", "specialty")
	app := Application{FullName: form.Value("full_name"), NPI: form.Value("npi"), LicenseState: form.Value("license_state"),
		LicenseNumber: form.Value("license_number"), Specialty: form.Value("specialty")}
	if fh, err := c.FormFile("document"); err == nil {
		app.FileName = fh.Filename
		if fh.Size > MaxDocumentBytes {
			app.FileTooLarge = true
		} else if f, err := fh.Open(); err == nil {
			app.File, err = io.ReadAll(io.LimitReader(f, MaxDocumentBytes+1))
			f.Close()
			if err != nil {
				return err
			}
		}
	}
	_, err := h.svc.Submit(c.Request().Context(), kit.ViewerOf(c), app, kit.Meta(c))
	var fe apperr.FieldErrors
	if errors.As(err, &fe) {
		form.Errors = fe
		return h.renderStatus(c, http.StatusUnprocessableEntity, form)
	}
	if err != nil {
		return err
	}
	kit.Flash(c, "Thank you. Your request is in the moderators' queue; you will be notified of the decision.")
	return kit.SeeOther(c, paths.Verification)
}

func (h *Handlers) ownDocument(c echo.Context) error { return h.document(c, false) }

// reviewDocument is the moderator's view, embedded in the review page.
func (h *Handlers) reviewDocument(c echo.Context) error { return h.document(c, true) }

func (h *Handlers) document(c echo.Context, framed bool) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	v := kit.ViewerOf(c)
	doc, err := h.svc.Document(c.Request().Context(), v, id)
	if err != nil {
		return err
	}
	if c.Request().Method == http.MethodGet { // a HEAD (a link checker, a scan) shows nothing
		if err := h.svc.RecordDocumentView(c.Request().Context(), v, id, doc, kit.Meta(c)); err != nil {
			return err
		}
	}
	return files.Serve(c, doc, files.Serving{Download: c.QueryParam("download") != "", Framed: framed})
}

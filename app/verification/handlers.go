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
	// Find is the "find yourself" search over the NPI registry; FilledFrom
	// is the NPI whose registry row filled the form.
	Find       findView
	FilledFrom string
	// Draft is the document kept from the try that came back; AttachAgain
	// says that the document sent was not kept.
	Draft       *KeptDocument
	AttachAgain bool
}

// findView is the search form and what it found.
type findView struct {
	Form     kit.Form
	Searched bool
	Found
}

func (h *Handlers) renderStatus(c echo.Context, code int, page statusPage) error {
	ctx := c.Request().Context()
	v := kit.ViewerOf(c)
	history, err := h.svc.History(ctx, v.UserID)
	if err != nil {
		return err
	}
	specs, err := h.accounts.Specialties(ctx)
	if err != nil {
		return err
	}
	for _, j := range jurisdictions.List {
		page.States = append(page.States, kit.Option{Value: j.Code, Label: j.Name})
	}
	page.Specialties = accounts.SpecialtyOptions(specs)
	if page.Find.Form.Values == nil {
		page.Find.Form = kit.Form{Values: map[string]string{}, Errors: map[string]string{}}
	}
	if len(history) > 0 {
		page.Latest = &history[0]
	}
	page.CanApply = v.Status != identity.StatusVerified && (page.Latest == nil || page.Latest.Status != Pending)
	if page.CanApply && c.Request().Method == http.MethodGet {
		if code, err = h.find(c, &page); err != nil {
			return err
		}
	}
	if last := page.Latest; last != nil && last.Status == Rejected && len(page.Form.Values) == 0 {
		// Submitting again usually means correcting one detail: start from the last request.
		page.Form.Values = map[string]string{"full_name": last.FullName, "npi": last.NPI, "license_state": last.LicenseState,
			"license_number": last.LicenseNumber, "specialty": last.Specialty.Slug}
	}
	return c.Render(code, "verification", page)
}

// find runs the "find yourself" search the query asks for (find_name,
// find_state), or fills the form from the registry row chosen (use). It
// returns the status to answer with: 422 when the search cannot run.
func (h *Handlers) find(c echo.Context, page *statusPage) (int, error) {
	ctx := c.Request().Context()
	name, state, use := c.QueryParam("find_name"), c.QueryParam("find_state"), c.QueryParam("use")
	page.Find.Form.Values = map[string]string{"find_name": name, "find_state": state}
	if use != "" {
		cand, err := h.svc.Candidate(ctx, use, state)
		if errors.Is(err, apperr.ErrNotFound) {
			page.Find.Form.Errors["find_name"] = "That NPI is no longer an active individual in the registry. Search again."
			return http.StatusUnprocessableEntity, nil
		} else if err != nil {
			return 0, err
		}
		page.Form.Values, page.FilledFrom = cand.Values(), cand.NPI
		return http.StatusOK, nil
	}
	if name == "" && state == "" {
		return http.StatusOK, nil
	}
	found, err := h.svc.FindYourself(ctx, name, state)
	var fe apperr.FieldErrors
	if errors.As(err, &fe) {
		page.Find.Form.Errors = fe
		return http.StatusUnprocessableEntity, nil
	} else if err != nil {
		return 0, err
	}
	page.Find.Searched, page.Find.Found = true, found
	return http.StatusOK, nil
}

func (h *Handlers) status(c echo.Context) error {
	return h.renderStatus(c, http.StatusOK, statusPage{Form: kit.NewForm(c)})
}

func (h *Handlers) submit(c echo.Context) error {
	form := kit.NewForm(c, "full_name", "npi", "license_state", "license_number", "specialty")
	app := Application{FullName: form.Value("full_name"), NPI: form.Value("npi"), LicenseState: form.Value("license_state"),
		LicenseNumber: form.Value("license_number"), Specialty: form.Value("specialty"), DraftToken: c.FormValue("document_draft")}
	fileSent := false
	if fh, err := c.FormFile("document"); err == nil {
		fileSent = true
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
	_, kept, err := h.svc.Submit(c.Request().Context(), kit.ViewerOf(c), app, kit.Meta(c))
	var fe apperr.FieldErrors
	if errors.As(err, &fe) {
		form.Errors = fe
		return h.renderStatus(c, http.StatusUnprocessableEntity, statusPage{Form: form, Draft: kept,
			AttachAgain: kept == nil && (fileSent || app.DraftToken != "")})
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

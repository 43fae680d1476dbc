package consults

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"curbside/app/accounts"
	"curbside/app/apperr"
	"curbside/app/db"
	"curbside/app/files"
	"curbside/app/identity"
	"curbside/app/paths"
	"curbside/app/phi"
	"curbside/app/web/kit"
)

// Handlers serves the consult pages.
type Handlers struct {
	svc      *Service
	accounts *accounts.Service
	messages *kit.Kept
	rows     *kit.Kept
	heads    *kit.Kept
}

// NewHandlers returns the consult pages.
func NewHandlers(svc *Service, acct *accounts.Service) *Handlers {
	return &Handlers{svc: svc, accounts: acct, messages: kit.NewKept(keptLimit), rows: kit.NewKept(keptLimit),
		heads: kit.NewKept(keptLimit)}
}

// maxFormBody leaves room for every attachment at its limit and the text,
// so a form somewhat over gets its answer rather than a bare 413.
const maxFormBody = MaxAttachments*MaxAttachmentSize + 2<<20

// Routes lists the consult pages with who may reach them; who may see and
// move one consult is the service's to decide.
func (h *Handlers) Routes() []kit.Route {
	return []kit.Route{
		{Method: http.MethodGet, Path: paths.Consults, Level: kit.Verified, Handler: h.index, Rider: h.listRider},
		{Method: http.MethodGet, Path: "/consults/new", Level: kit.Verified, Handler: h.newForm},
		{Method: http.MethodPost, Path: paths.Consults, Level: kit.Verified, Handler: h.create, MaxBody: maxFormBody,
			Keep: &kit.Keep{Fields: requestFields, Page: func(echo.Context) (string, error) { return "/consults/new", nil }}},
		{Method: http.MethodGet, Path: "/consults/:id", Level: kit.Verified, Handler: h.show, Rider: h.pageRider},
		{Method: http.MethodPost, Path: "/consults/:id/claim", Level: kit.Verified, Handler: h.claim},
		{Method: http.MethodPost, Path: "/consults/:id/release", Level: kit.Verified, Handler: h.release},
		{Method: http.MethodPost, Path: "/consults/:id/decline", Level: kit.Verified, Handler: h.decline},
		{Method: http.MethodPost, Path: "/consults/:id/withdraw", Level: kit.Verified, Handler: h.withdraw},
		{Method: http.MethodPost, Path: "/consults/:id/messages", Level: kit.Verified, Handler: h.message, MaxBody: maxFormBody,
			Keep: &kit.Keep{Fields: []string{"body", "answer"}, Page: consultPath}},
		{Method: http.MethodGet, Path: "/consults/:id/attachments/:file", Level: kit.Verified, Handler: h.attachment},
		{Method: http.MethodPost, Path: "/consults/:id/close", Level: kit.Verified, Handler: h.close},
		{Method: http.MethodGet, Path: "/mod/consults", Level: kit.Moderator, Handler: h.figures},
	}
}

// indexPage is /consults, its lists rendered (parts.go).
type indexPage struct {
	Waiting                         int64
	IsSpecialist                    bool
	Asked, Answering, ForYou, Queue template.HTML
}

func (h *Handlers) index(c echo.Context) error {
	v := kit.ViewerOf(c)
	lists, err := h.svc.List(c.Request().Context(), v, kit.RiderOf(c))
	if err != nil {
		return err
	}
	// Counted with the session, like the navigation's badge: exact where
	// the queue shows at most listLimit.
	p := indexPage{Waiting: v.WaitingConsults, IsSpecialist: v.SpecialtyID != nil}
	for _, l := range []struct {
		into *template.HTML
		from []Summary
	}{{&p.Asked, lists.Asked}, {&p.Answering, lists.Answering}, {&p.ForYou, lists.ForYou}, {&p.Queue, lists.Queue}} {
		if *l.into, err = h.listRows(c, l.from); err != nil {
			return err
		}
	}
	return c.Render(http.StatusOK, "consults_index", p)
}

// consultPage is one consult with its forms.
type consultPage struct {
	Page
	Message  kit.Form
	Findings map[string][]phi.Finding
	Survey   kit.Form
	// SurveyFindings are what the privacy guard found in the survey's comment.
	SurveyFindings map[string][]phi.Finding
	Referrals      []kit.Option
	// Ratings are the survey's marks; ReferralNames say its referral answers.
	Ratings       []string
	ReferralNames map[string]string
	// Head is the request and Thread the messages, rendered (parts.go).
	Head, Thread template.HTML
}

var referralLabels = map[string]string{ReferralAvoided: "Yes: the patient no longer needs a referral or transfer",
	ReferralStillNeeded: "No: a referral or transfer is still needed", ReferralNotConsidered: "A referral was never considered"}

func (h *Handlers) render(c echo.Context, status int, p consultPage) error {
	p.Referrals, p.ReferralNames = kit.Options(Referrals, referralLabels), referralLabels
	p.Ratings = []string{"1", "2", "3", "4", "5"}
	var err error
	if p.Head, err = h.head(c, &p.Page); err != nil {
		return err
	}
	if p.Thread, err = h.messageItems(c, p.Consult.ID, p.Messages, kit.ViewerOf(c)); err != nil {
		return err
	}
	if p.Message.Values == nil {
		p.Message = kit.Form{Values: map[string]string{}, Errors: map[string]string{}}
	}
	if p.Survey.Values == nil {
		p.Survey = kit.Form{Values: map[string]string{}, Errors: map[string]string{}}
	}
	return c.Render(status, "consult", p)
}

func (h *Handlers) show(c echo.Context) error {
	page, err := h.open(c)
	if err != nil {
		return err
	}
	// What the member typed before their session ended, if it was kept.
	message := kit.Form{Values: kit.Restore(c, nil), Errors: map[string]string{}}
	return h.render(c, http.StatusOK, consultPage{Page: *page, Message: message})
}

// consultPath is the page of the consult the path names.
func consultPath(c echo.Context) (string, error) {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return "", err
	}
	return paths.Consult(id), nil
}

// open loads the consult the path names, for the viewer.
func (h *Handlers) open(c echo.Context) (*Page, error) {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return nil, err
	}
	return h.svc.Open(c.Request().Context(), kit.ViewerOf(c), id, kit.Meta(c), kit.RiderOf(c))
}

// listRider is what /consults sends with the session lookup.
func (h *Handlers) listRider(echo.Context) db.Rider { return h.svc.ListRider() }

// pageRider is what a consult's page sends with the session lookup.
func (h *Handlers) pageRider(c echo.Context) db.Rider {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return nil
	}
	return h.svc.PageRider(id)
}

// refusals say why the rules refused a move.
var refusals = map[error]string{
	ErrOwnConsult:     "This is your own consult: a colleague of the specialty you asked claims it and answers.",
	ErrOtherSpecialty: "Only members of the specialty a consult asks may claim it.",
	ErrNotConsultant:  "Only the specialist who claimed this consult may do that.",
	ErrNotAddressee:   "Only the colleague this consult was addressed to may decline it.",
	ErrNotRequester:   "Only the member who asked this consult may do that.",
	ErrNotParty:       "Only the member who asked this consult and the specialist who claimed it write on it.",
}

// refusal turns a move the rules refused into the page that says why.
func refusal(err error) error {
	for target, msg := range refusals {
		if errors.Is(err, target) {
			return &kit.Denied{Title: "Not yours to do", Message: msg, LinkURL: paths.Consults, LinkText: "Your consults"}
		}
	}
	return err
}

// moved answers a move: back to the consult when it was made, or the page
// that says why not.
func moved(c echo.Context, id int64, err error, done string) error {
	if err != nil {
		return refusal(err)
	}
	kit.Flash(c, done)
	return kit.SeeOther(c, paths.Consult(id))
}

func (h *Handlers) claim(c echo.Context) error {
	return h.moveBy(c, h.svc.Claim, "You claimed the consult. The requester has been told; write your answer below.")
}

func (h *Handlers) release(c echo.Context) error {
	return h.moveBy(c, h.svc.Release, "You released the consult: it is back in the specialty's queue.")
}

func (h *Handlers) decline(c echo.Context) error {
	return h.moveBy(c, h.svc.Decline, "You declined the consult: it went to the whole specialty.")
}

func (h *Handlers) withdraw(c echo.Context) error {
	return h.moveBy(c, h.svc.Withdraw, "You withdrew the consult.")
}

func (h *Handlers) moveBy(c echo.Context, move func(context.Context, *identity.Viewer, int64) error, done string) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	return moved(c, id, move(c.Request().Context(), kit.ViewerOf(c), id), done)
}

func (h *Handlers) message(c echo.Context) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	form := kit.NewForm(c, "body", "answer")
	files, err := attachments(c)
	if err != nil {
		return err
	}
	in := NewMessage{Body: form.Value("body"), Answer: form.Value("answer") == "on", PHIAck: c.FormValue("phi_ack") == "on",
		Attachments: files}
	_, err = h.svc.Post(c.Request().Context(), kit.ViewerOf(c), id, in, kit.Meta(c))
	var fe apperr.FieldErrors
	var held *phi.Held
	var limited *apperr.RateLimited
	status := http.StatusUnprocessableEntity
	switch {
	case err == nil:
		kit.Flash(c, map[bool]string{true: "Your answer is posted; the requester has been told.", false: "Your message is posted."}[in.Answer])
		return kit.SeeOther(c, paths.Consult(id)+"#thread-end")
	case errors.As(err, &fe):
		form.Errors = fe
	case errors.As(err, &held):
	case errors.As(err, &limited):
		status = http.StatusTooManyRequests
		c.Response().Header().Set("Retry-After", strconv.Itoa(limited.Seconds()))
		form.Errors["body"] = "You have written many messages in the last hour. Your text is kept here; send it again in " +
			(time.Duration(limited.Seconds()) * time.Second).String() + "."
	default:
		return refusal(err)
	}
	reattach(form, len(files))
	return h.sendBack(c, status, func(p *consultPage) {
		p.Message = form
		if held != nil {
			p.Findings = held.Findings
		}
	})
}

func (h *Handlers) close(c echo.Context) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	form := kit.NewForm(c, "rating", "referral", "comment")
	err = h.svc.Close(c.Request().Context(), kit.ViewerOf(c), id, Survey{Rating: form.Value("rating"), Referral: form.Value("referral"),
		Comment: form.Value("comment"), PHIAck: c.FormValue("phi_ack") == "on"}, kit.Meta(c))
	var fe apperr.FieldErrors
	var held *phi.Held
	switch {
	case errors.As(err, &fe):
		form.Errors = fe
	case errors.As(err, &held):
	default:
		return moved(c, id, err, "You closed the consult. Thank you for the feedback.")
	}
	return h.sendBack(c, http.StatusUnprocessableEntity, func(p *consultPage) {
		p.Survey = form
		if held != nil {
			p.SurveyFindings = held.Findings
		}
	})
}

// sendBack shows the consult again with a form the rules sent back, as
// fill sets it.
func (h *Handlers) sendBack(c echo.Context, status int, fill func(*consultPage)) error {
	page, err := h.open(c)
	if err != nil {
		return err
	}
	p := consultPage{Page: *page}
	fill(&p)
	return h.render(c, status, p)
}

// attachments reads the files a form sent.
func attachments(c echo.Context) ([]Upload, error) {
	sent, err := kit.Uploads(c, "attachments", MaxAttachmentSize)
	out := make([]Upload, len(sent))
	for i, up := range sent {
		out[i] = Upload(up)
	}
	return out, err
}

// reattach says, on a form sent back, that its files must be attached
// again: a browser cannot be handed them back.
func reattach(form kit.Form, sent int) {
	if sent > 0 {
		form.Errors["attachments"] = strings.TrimSpace(form.Errors["attachments"] +
			" Files are not kept when a form is sent back: attach them again.")
	}
}

// attachment serves a file of a consult to those who may see the consult.
// Clinical files are never kept by the browser (a shared clinic computer).
func (h *Handlers) attachment(c echo.Context) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	fileID, err := kit.ParamID(c, "file")
	if err != nil {
		return err
	}
	f, err := h.svc.File(c.Request().Context(), kit.ViewerOf(c), id, fileID, kit.Meta(c))
	if err != nil {
		return err
	}
	return files.Serve(c, f, files.Serving{})
}

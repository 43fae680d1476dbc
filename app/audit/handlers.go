package audit

import (
	"encoding/csv"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"curbside/app/apperr"
	"curbside/app/web/kit"
)

const perPage = 50

// Exported records that a moderator took the log away as a file.
const Exported = "audit.exported"

// Handlers serves the audit log to moderators.
type Handlers struct{ log *Log }

// NewHandlers returns the audit log's pages.
func NewHandlers(l *Log) *Handlers { return &Handlers{log: l} }

// filterFields are the log page's filter form.
var filterFields = []string{"actor", "action", "target_type", "target_id", "from", "to"}

// logPage is the log page's data.
type logPage struct {
	Form kit.Form
	Page Page
	// Filtered holds the filters as a query string, for the links that keep them.
	Filtered template.URL
	// Continued: the page is not the newest.
	Continued   bool
	TargetTypes []kit.Option
}

// targetTypes are the kinds of target the log records.
var targetTypes = kit.Options([]string{"user", "verification_request", "case", "reply", "consult", "message"},
	map[string]string{"user": "Member", "verification_request": "Verification request", "case": "Case", "reply": "Reply",
		"consult": "Consult", "message": "Chat message"})

func (h *Handlers) page(c echo.Context) error {
	form := kit.NewForm(c, filterFields...)
	q := parseQuery(form)
	if before := c.QueryParam("before"); before != "" && len(form.Errors) == 0 {
		cur, err := ParseCursor(before)
		if err != nil {
			return apperr.ErrNotFound
		}
		q.Before = cur
	}
	p := logPage{Form: form, Filtered: filterQuery(form), Continued: q.Before != nil, TargetTypes: targetTypes}
	if len(form.Errors) > 0 {
		return c.Render(http.StatusUnprocessableEntity, "mod_audit", p)
	}
	ctx := c.Request().Context()
	var err error
	if c.QueryParam("format") == "csv" {
		err = h.export(c, q)
	} else {
		p.Page, err = h.log.List(ctx, q, perPage)
	}
	if err != nil {
		var fe apperr.FieldErrors
		if errors.As(err, &fe) {
			for k, v := range fe {
				p.Form.Errors[k] = v
			}
			return c.Render(http.StatusUnprocessableEntity, "mod_audit", p)
		}
		return err
	}
	if c.Response().Committed {
		return nil
	}
	return c.Render(http.StatusOK, "mod_audit", p)
}

// parseQuery reads the filter form, leaving a message at each field it cannot use.
func parseQuery(f kit.Form) Query {
	q := Query{ActorHandle: f.Value("actor"), Action: strings.TrimSpace(f.Value("action")),
		TargetType: strings.TrimSpace(f.Value("target_type"))}
	if s := strings.TrimSpace(f.Value("target_id")); s != "" {
		n, err := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64)
		switch {
		case err != nil || n <= 0:
			f.Errors["target_id"] = "A target is a number, such as 42."
		case q.TargetType == "":
			f.Errors["target_type"] = "Say what kind of target the number is."
		default:
			q.TargetID = n
		}
	}
	day := func(name string) time.Time {
		s := strings.TrimSpace(f.Value(name))
		if s == "" {
			return time.Time{}
		}
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			f.Errors[name] = "A date such as 2026-11-30."
		}
		return t
	}
	q.From = day("from")
	if to := day("to"); !to.IsZero() {
		q.To = to.AddDate(0, 0, 1) // the whole of the last day
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) && f.Errors["to"] == "" {
		f.Errors["to"] = "The end comes on or after the start."
	}
	return q
}

// filterQuery is the form's filters as a query string.
func filterQuery(f kit.Form) template.URL {
	v := make([]string, 0, len(filterFields))
	for _, name := range filterFields {
		if s := f.Value(name); s != "" {
			v = append(v, name+"="+url.QueryEscape(s))
		}
	}
	return template.URL(strings.Join(v, "&")) // each value escaped above
}

// export sends the matching entries as CSV, newest first. Taking the log
// away is itself recorded.
func (h *Handlers) export(c echo.Context, q Query) error {
	ctx := c.Request().Context()
	v := kit.ViewerOf(c)
	detail := map[string]string{"filters": string(filterQuery(kit.NewForm(c, filterFields...)))}
	res := c.Response()
	w := csv.NewWriter(res)
	begin := func() error {
		// Recorded once the filters stand, before the first row leaves.
		if err := h.log.Record(ctx, Event{ActorID: v.UserID, Action: Exported, IP: kit.Meta(c).IP, Detail: detail}); err != nil {
			return err
		}
		res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
		res.Header().Set("Content-Disposition", `attachment; filename="curbside-audit-`+time.Now().UTC().Format("20060102-150405")+`.csv"`)
		res.Header().Set("Cache-Control", "no-store")
		res.WriteHeader(http.StatusOK)
		_ = w.Write([]string{"id", "time_utc", "actor_id", "actor_handle", "action", "target_type", "target_id", "address", "details"})
		return nil
	}
	err := h.log.Export(ctx, q, begin, func(e Entry) error {
		_ = w.Write(e.csvRecord())
		return w.Error()
	})
	w.Flush()
	return err
}

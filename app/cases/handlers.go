package cases

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"curbside/app/accounts"
	"curbside/app/db"
	"curbside/app/web/kit"
)

// Handlers serves the forum pages.
type Handlers struct {
	svc      *Service
	accounts *accounts.Service
	kept     kept
}

// NewHandlers returns the forum pages.
func NewHandlers(svc *Service, acct *accounts.Service) *Handlers {
	return &Handlers{svc: svc, accounts: acct, kept: newKept()}
}

// listPage is /cases: one forum, a tag, or all of them.
type listPage struct {
	ListPage
	Rows      template.HTML
	Forums    template.HTML
	Specialty *accounts.Specialty
	Tag       string
}

// forumOption is one choice of the forum filter.
type forumOption struct {
	Slug, Name string
	Selected   bool
}

// NextURL is the link to the following page, keeping the filters.
func (p listPage) NextURL() string {
	q := "?page=" + strconv.Itoa(p.Page+1) + "&before=" + p.Next
	if p.Specialty != nil {
		q += "&specialty=" + p.Specialty.Slug
	}
	if p.Tag != "" {
		q += "&tag=" + p.Tag
	}
	return "/cases" + q
}

// listQuery is the list /cases asks for.
func listQuery(c echo.Context) ListQuery {
	page, _ := strconv.Atoi(c.QueryParam("page"))
	return ListQuery{Specialty: c.QueryParam("specialty"), Tag: c.QueryParam("tag"), Page: page, Before: c.QueryParam("before")}
}

// listRider sends the list /cases shows with the session lookup.
func (h *Handlers) listRider(c echo.Context) db.Rider {
	return h.svc.ListRider(c.Request().Context(), listQuery(c))
}

func (h *Handlers) index(c echo.Context) error {
	ctx := c.Request().Context()
	v := kit.ViewerOf(c)
	specialties, err := h.accounts.Specialties(ctx)
	if err != nil {
		return err
	}
	q := listQuery(c)
	list, err := h.svc.List(ctx, v, q, kit.RiderOf(c))
	if err != nil {
		return err
	}
	rows, err := h.rows(c, list.Cases)
	if err != nil {
		return err
	}
	p := listPage{ListPage: list, Rows: rows, Tag: q.Tag}
	selected := ""
	for i, sp := range specialties {
		if sp.Slug == q.Specialty {
			p.Specialty, selected = &specialties[i], sp.Slug
		}
	}
	if p.Forums, err = h.forumOptions(c, specialties, selected); err != nil {
		return err
	}
	return c.Render(http.StatusOK, "cases_index", p)
}

// homePage is a verified member's start: their specialty's latest cases
// and the ones they follow, with what is new.
type homePage struct {
	Specialty     *accounts.Specialty
	Latest        template.HTML
	Followed      template.HTML
	NewInFollowed int
}

func (h *Handlers) home(c echo.Context) error {
	v := kit.ViewerOf(c)
	if v == nil || !v.IsVerified() {
		return c.Render(http.StatusOK, "home", nil)
	}
	ctx := c.Request().Context()
	p := homePage{}
	q := ListQuery{Limit: 8}
	if v.SpecialtyID != nil {
		specialties, err := h.accounts.Specialties(ctx)
		if err != nil {
			return err
		}
		for i := range specialties {
			if specialties[i].ID == *v.SpecialtyID {
				p.Specialty, q.Specialty = &specialties[i], specialties[i].Slug
			}
		}
	}
	latest, err := h.svc.List(ctx, v, q, nil)
	if err != nil {
		return err
	}
	if len(latest.Cases) == 0 && p.Specialty != nil { // a quiet forum: show the others' news instead
		p.Specialty = nil
		if latest, err = h.svc.List(ctx, v, ListQuery{Limit: q.Limit}, nil); err != nil {
			return err
		}
	}
	followed, err := h.svc.List(ctx, v, ListQuery{Limit: 8, FollowedOnly: true}, nil)
	if err != nil {
		return err
	}
	if p.Latest, err = h.rows(c, latest.Cases); err != nil {
		return err
	}
	if p.Followed, err = h.rows(c, followed.Cases); err != nil {
		return err
	}
	for _, f := range followed.Cases {
		p.NewInFollowed += f.NewReplies
	}
	return c.Render(http.StatusOK, "dashboard", p)
}

// searchPage is /search with its results.
type searchPage struct {
	SearchResults
	Query       SearchQuery
	Specialties []accounts.Specialty
}

func (h *Handlers) search(c echo.Context) error {
	ctx := c.Request().Context()
	page, _ := strconv.Atoi(c.QueryParam("page"))
	q := SearchQuery{Text: c.QueryParam("q"), Specialty: c.QueryParam("specialty"), Tag: c.QueryParam("tag"), Page: page}
	res, err := h.svc.Search(ctx, kit.ViewerOf(c), q)
	if err != nil {
		return err
	}
	specialties, err := h.accounts.Specialties(ctx)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "search", searchPage{SearchResults: res, Query: q, Specialties: specialties})
}

package profiles

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"curbside/app/apperr"
	"curbside/app/jurisdictions"
	"curbside/app/timezones"
	"curbside/app/web/kit"
)

// Handlers serves profiles and the profile form.
type Handlers struct{ svc *Service }

// NewHandlers returns the profile pages.
func NewHandlers(svc *Service) *Handlers { return &Handlers{svc: svc} }

// Routes lists the profile pages with who may reach them.
func (h *Handlers) Routes() []kit.Route {
	return []kit.Route{
		{Method: http.MethodGet, Path: "/u/:handle", Level: kit.Verified, Handler: h.profile},
		{Method: http.MethodGet, Path: "/settings/profile", Level: kit.SignedIn, Handler: h.form},
		{Method: http.MethodPost, Path: "/settings/profile", Level: kit.SignedIn, Handler: h.save},
	}
}

// profilePage is a profile with whether it is the viewer's own.
type profilePage struct {
	*Profile
	Mine bool
}

func (h *Handlers) profile(c echo.Context) error {
	p, err := h.svc.Profile(c.Request().Context(), c.Param("handle"))
	var moved *Moved
	if errors.As(err, &moved) {
		// Found, not Moved Permanently: the old handle may be someone else's one day.
		return c.Redirect(http.StatusFound, "/u/"+url.PathEscape(moved.Handle))
	} else if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "profile", profilePage{Profile: p, Mine: p.UserID == kit.ViewerOf(c).UserID})
}

// formPage is the profile form with its choices.
type formPage struct {
	Form                                kit.Form
	PracticeSettings, States, TimeZones []kit.Option
	Verified                            bool
	Handle                              string
}

var fields = []string{"display_name", "handle", "bio", "practice_setting", "state", "time_zone"}

func (h *Handlers) form(c echo.Context) error {
	v := kit.ViewerOf(c)
	f, err := h.svc.Fields(c.Request().Context(), v)
	if err != nil {
		return err
	}
	form := kit.Form{Values: map[string]string{"display_name": f.DisplayName, "handle": f.Handle, "bio": f.Bio,
		"practice_setting": f.PracticeSetting, "state": f.State, "time_zone": f.TimeZone}, Errors: map[string]string{}}
	return h.render(c, http.StatusOK, form)
}

func (h *Handlers) save(c echo.Context) error {
	form := kit.NewForm(c, fields...)
	err := h.svc.Update(c.Request().Context(), kit.ViewerOf(c), Fields{DisplayName: form.Value("display_name"),
		Handle: form.Value("handle"), Bio: form.Value("bio"), PracticeSetting: form.Value("practice_setting"),
		State: form.Value("state"), TimeZone: form.Value("time_zone")}, kit.Meta(c))
	var fe apperr.FieldErrors
	if errors.As(err, &fe) {
		form.Errors = fe
		return h.render(c, http.StatusUnprocessableEntity, form)
	} else if err != nil {
		return err
	}
	kit.Flash(c, "Your profile is saved.")
	return kit.SeeOther(c, "/settings/profile")
}

func (h *Handlers) render(c echo.Context, status int, form kit.Form) error {
	v := kit.ViewerOf(c)
	states := make([]kit.Option, 0, len(jurisdictions.List))
	for _, j := range jurisdictions.List {
		states = append(states, kit.Option{Value: j.Code, Label: j.Name})
	}
	zones := make([]kit.Option, 0, len(timezones.List))
	for _, z := range timezones.List {
		zones = append(zones, kit.Option{Value: z.Name, Label: z.Label})
	}
	return c.Render(status, "settings_profile", formPage{Form: form, PracticeSettings: kit.Options(PracticeSettings, nil),
		States: states, TimeZones: zones, Verified: v.IsVerified(), Handle: v.Handle})
}

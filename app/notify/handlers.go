package notify

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"curbside/app/apperr"
	"curbside/app/paths"
	"curbside/app/web/kit"
)

// Handlers serves a member's notifications.
type Handlers struct{ svc *Service }

// NewHandlers returns the notification pages.
func NewHandlers(svc *Service) *Handlers { return &Handlers{svc: svc} }

func (h *Handlers) list(c echo.Context) error {
	list, err := h.svc.Recent(c.Request().Context(), kit.ViewerOf(c).UserID, 100)
	if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "notifications", list)
}

// open marks a notification read on the way to what it is about, as the
// case page marks a case read.
func (h *Handlers) open(c echo.Context) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	link, err := h.svc.Open(c.Request().Context(), kit.ViewerOf(c).UserID, id)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, kit.SafeNext(link, paths.Notifications))
}

func (h *Handlers) markRead(c echo.Context) error {
	if err := h.svc.MarkAllRead(c.Request().Context(), kit.ViewerOf(c).UserID); err != nil {
		return err
	}
	return kit.SeeOther(c, paths.Notifications)
}

// topicView is one topic's choice on the settings page.
type topicView struct {
	Topic
	Options []kit.Option
}

// preferencesPage is the settings form with its choices.
type preferencesPage struct {
	Form    kit.Form
	Topics  []topicView
	Digests []kit.Option
}

func (h *Handlers) preferences(c echo.Context) error {
	p, err := h.svc.Preferences(c.Request().Context(), kit.ViewerOf(c).UserID)
	if err != nil {
		return err
	}
	form := kit.Form{Values: map[string]string{"digest": p.Digest}, Errors: map[string]string{}}
	if p.Digest == "" {
		form.Values["digest"] = "off"
	}
	for k, d := range p.Delivery {
		form.Values[k] = string(d)
	}
	return h.renderPreferences(c, http.StatusOK, form)
}

func (h *Handlers) savePreferences(c echo.Context) error {
	names := []string{"digest"}
	for _, t := range Topics {
		names = append(names, t.Key)
	}
	form := kit.NewForm(c, names...)
	p := Preferences{Delivery: map[string]Delivery{}, Digest: form.Value("digest")}
	if p.Digest == "off" {
		p.Digest = ""
	}
	for _, t := range Topics {
		p.Delivery[t.Key] = Delivery(form.Value(t.Key))
	}
	err := h.svc.SavePreferences(c.Request().Context(), kit.ViewerOf(c).UserID, p)
	var fe apperr.FieldErrors
	if errors.As(err, &fe) {
		form.Errors = fe
		return h.renderPreferences(c, http.StatusUnprocessableEntity, form)
	} else if err != nil {
		return err
	}
	kit.Flash(c, "Your notification settings are saved.")
	return kit.SeeOther(c, paths.SettingsNotifications)
}

func (h *Handlers) renderPreferences(c echo.Context, status int, form kit.Form) error {
	page := preferencesPage{Form: form, Digests: []kit.Option{{Value: "off", Label: "No digest"},
		{Value: Daily, Label: "Daily"}, {Value: Weekly, Label: "Weekly"}}}
	for _, t := range Topics {
		v := topicView{Topic: t}
		for _, d := range t.Choices {
			v.Options = append(v.Options, kit.Option{Value: string(d), Label: ChoiceLabel(d)})
		}
		page.Topics = append(page.Topics, v)
	}
	return c.Render(status, "settings_notifications", page)
}

// unsubscribePage is the page a digest's link opens.
type unsubscribePage struct {
	Token      string
	Subscribed bool
	// Invalid: the link was not signed here (cut short, or made up).
	Invalid bool
}

func (h *Handlers) unsubscribePage(c echo.Context) error {
	token := c.QueryParam("token")
	on, err := h.svc.Subscribed(c.Request().Context(), token)
	if errors.Is(err, errBadToken) {
		return badLink(c)
	} else if err != nil {
		return err
	}
	return c.Render(http.StatusOK, "unsubscribe", unsubscribePage{Token: token, Subscribed: on})
}

// badLink answers an unsubscribe link that was not signed here: 400, with a
// page that says what to do instead.
func badLink(c echo.Context) error {
	return c.Render(http.StatusBadRequest, "unsubscribe", unsubscribePage{Invalid: true})
}

// unsubscribe stops the digest. The token comes in the URL (a mail
// client's one-click POST to the List-Unsubscribe address) or in the form.
func (h *Handlers) unsubscribe(c echo.Context) error {
	token := c.FormValue("token")
	err := h.svc.Unsubscribe(c.Request().Context(), token)
	if errors.Is(err, errBadToken) {
		return badLink(c)
	} else if err != nil {
		return err
	}
	return kit.SeeOther(c, paths.Unsubscribe+"?token="+url.QueryEscape(token))
}

// oneClick recognises a mail client's one-click unsubscribe (RFC 8058): it
// posts "List-Unsubscribe=One-Click" to the List-Unsubscribe address with
// no cookie and so no CSRF token. The signed token in the address is the
// proof instead, and all it can do is stop that member's digest.
func (h *Handlers) oneClick(c echo.Context) bool {
	r := c.Request()
	return r.PostForm.Get("List-Unsubscribe") == "One-Click" && h.svc.ValidUnsubscribe(r.URL.Query().Get("token"))
}

package notify

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"curbside/app/apperr"
	"curbside/app/paths"
	"curbside/app/web/kit"
)

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

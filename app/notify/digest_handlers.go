package notify

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"curbside/app/paths"
	"curbside/app/web/kit"
)

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

// unsubscribe stops the digest. The token comes in the URL for a mail
// client's one-click POST to the List-Unsubscribe address, the very token
// oneClick checked, and in the form for the page's button.
func (h *Handlers) unsubscribe(c echo.Context) error {
	token := c.Request().PostForm.Get("token")
	if h.oneClick(c) {
		token = c.QueryParam("token")
	}
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

package chat

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/labstack/echo/v4"

	"curbside/app/apperr"
	"curbside/app/phi"
	"curbside/app/web/kit"
)

// Handlers serve the chat pages, the form fallback and the websocket.
type Handlers struct {
	svc      *Service
	hub      *Hub
	upgrader websocket.Upgrader
}

// NewHandlers returns the chat handlers; only pages of baseURL's origin may
// open the websocket.
func NewHandlers(svc *Service, hub *Hub, baseURL *url.URL) *Handlers {
	return &Handlers{svc: svc, hub: hub, upgrader: websocket.Upgrader{
		ReadBufferSize: 1024, WriteBufferSize: 1024, HandshakeTimeout: 10 * time.Second,
		// Write buffers are lent for a write only: most sockets are idle.
		WriteBufferPool: &sync.Pool{},
		CheckOrigin:     func(r *http.Request) bool { return kit.SameOrigin(r.Header.Get("Origin"), baseURL, r.Host) },
	}}
}

// Routes lists the chat's routes.
func (h *Handlers) Routes() []kit.Route {
	return []kit.Route{
		{Method: http.MethodGet, Path: "/chat", Level: kit.Verified, Handler: h.index},
		{Method: http.MethodGet, Path: "/chat/dm", Level: kit.Verified, Handler: h.directByForm},
		{Method: http.MethodGet, Path: "/chat/dm/:handle", Level: kit.Verified, Handler: h.direct},
		{Method: http.MethodGet, Path: "/chat/:room", Level: kit.Verified, Handler: h.room},
		{Method: http.MethodPost, Path: "/chat/:room/messages", Level: kit.Verified, Handler: h.post,
			Keep: &kit.Keep{Fields: []string{"body"}, Page: func(c echo.Context) (string, error) {
				return "/chat/" + url.PathEscape(c.Param("room")), nil
			}}},
		{Method: http.MethodPost, Path: "/mod/chat/messages/:id/hide", Level: kit.Moderator, Handler: h.hide},
		{Method: http.MethodGet, Path: "/ws", Level: kit.Verified, Handler: h.socket, LongLived: true},
	}
}

// indexPage is /chat: the member's own rooms first, the other lounges after.
type indexPage struct {
	Mine, Lounges []Room
	Form          kit.Form
}

func (h *Handlers) index(c echo.Context) error {
	return h.renderIndex(c, http.StatusOK, kit.Form{Values: map[string]string{}, Errors: map[string]string{}})
}

func (h *Handlers) renderIndex(c echo.Context, status int, form kit.Form) error {
	v := kit.ViewerOf(c)
	rooms, err := h.svc.Rooms(c.Request().Context(), v)
	if err != nil {
		return err
	}
	p := indexPage{Form: form}
	for _, r := range rooms {
		if r.Kind == KindLounge && (v.SpecialtyID == nil || r.SpecialtyID == nil || *r.SpecialtyID != *v.SpecialtyID) {
			p.Lounges = append(p.Lounges, r)
		} else {
			p.Mine = append(p.Mine, r)
		}
	}
	return c.Render(status, "chat_index", p)
}

func (h *Handlers) direct(c echo.Context) error {
	slug, err := h.svc.DirectRoom(c.Request().Context(), kit.ViewerOf(c), c.Param("handle"))
	if err != nil {
		return err
	}
	return kit.SeeOther(c, "/chat/"+slug)
}

// directByForm is the "message a colleague" form of /chat (a GET form
// cannot fill a path): an unknown handle is answered at the field.
func (h *Handlers) directByForm(c echo.Context) error {
	handle := strings.TrimPrefix(strings.TrimSpace(c.QueryParam("handle")), "@")
	slug, err := h.svc.DirectRoom(c.Request().Context(), kit.ViewerOf(c), handle)
	var conflict *apperr.Conflict
	form := kit.Form{Values: map[string]string{"handle": handle}, Errors: map[string]string{}}
	switch {
	case err == nil:
		return kit.SeeOther(c, "/chat/"+slug)
	case handle == "":
		form.Errors["handle"] = "Enter a colleague's handle, as shown beside their name."
	case errors.Is(err, apperr.ErrNotFound):
		form.Errors["handle"] = "No verified member has the handle @" + handle + "."
	case errors.As(err, &conflict):
		form.Errors["handle"] = conflict.Message
	default:
		return err
	}
	return h.renderIndex(c, http.StatusUnprocessableEntity, form)
}

// roomPage is a room with its latest messages and the message form.
type roomPage struct {
	Room     *Room
	Messages []Message
	Form     kit.Form
	Findings map[string][]phi.Finding
	// LastSeen is the newest message shown: the live view resumes after it.
	LastSeen int64
	// ClientID makes a form sent twice (a double click, a resend after a
	// lost answer) store one message.
	ClientID string
}

func (h *Handlers) room(c echo.Context) error {
	// What the member typed before their session ended, if it was kept.
	return h.renderRoom(c, http.StatusOK, roomPage{Form: kit.Form{Values: kit.Restore(c, nil), Errors: map[string]string{}}})
}

func (h *Handlers) renderRoom(c echo.Context, status int, p roomPage) error {
	ctx, v := c.Request().Context(), kit.ViewerOf(c)
	room, err := h.svc.Room(ctx, v, c.Param("room"))
	if err != nil {
		return err
	}
	if p.Messages, err = h.svc.Latest(ctx, room.ID, pageSize); err != nil {
		return err
	}
	for i := range p.Messages {
		if m := &p.Messages[i]; m.Hidden && !v.CanModerate() {
			m.Body, m.HTML, m.Author = "", "", Author{} // the place stays; the words and the author go
		}
		p.Messages[i].Mine = p.Messages[i].AuthorID == v.UserID
		p.LastSeen = p.Messages[i].ID
	}
	if status == http.StatusOK {
		if err := h.svc.MarkRead(ctx, v, room, room.LastID); err != nil {
			return err
		}
	}
	p.Room, p.ClientID = room, newClientID()
	return c.Render(status, "chat_room", p)
}

func newClientID() string { return "form-" + randomHex(12) }

// randomHex is n random bytes in hex: ids nobody can guess or repeat.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand does not fail
	return hex.EncodeToString(b)
}

// post is the form fallback: the same rules as a websocket send.
func (h *Handlers) post(c echo.Context) error {
	form := kit.NewForm(c, "body")
	clientID := c.FormValue("client_id")
	if clientID == "" {
		clientID = newClientID()
	}
	slug := c.Param("room")
	_, err := h.svc.Send(c.Request().Context(), kit.ViewerOf(c),
		Outgoing{Room: slug, Body: form.Value("body"), ClientID: clientID, PHIAck: c.FormValue("phi_ack") == "on"})
	var p roomPage
	var fe apperr.FieldErrors
	var held *phi.Held
	var limited *apperr.RateLimited
	status := http.StatusUnprocessableEntity
	switch {
	case err == nil:
		return kit.SeeOther(c, "/chat/"+url.PathEscape(slug)+"#chat-end")
	case errors.As(err, &fe):
		form.Errors = fe
	case errors.Is(err, ErrTooLong):
		form.Errors["body"] = "A message is at most " + strconv.Itoa(MaxBody) + " characters; yours is kept here to shorten."
	case errors.Is(err, ErrBadClientID):
		form.Errors["body"] = "The form was damaged; send it again."
	case errors.As(err, &held):
		p.Findings = held.Findings
	case errors.As(err, &limited):
		status = http.StatusTooManyRequests
		c.Response().Header().Set("Retry-After", strconv.Itoa(limited.Seconds()))
		form.Errors["body"] = "You are sending messages faster than anyone types. Your text is kept here; send it again in a few seconds."
	default:
		return err
	}
	p.Form = form
	return h.renderRoom(c, status, p)
}

func (h *Handlers) hide(c echo.Context) error {
	id, err := kit.ParamID(c, "id")
	if err != nil {
		return err
	}
	if err := h.svc.Hide(c.Request().Context(), kit.ViewerOf(c), id, kit.Meta(c)); err != nil {
		return err
	}
	kit.Flash(c, "The message is hidden from everyone.")
	return kit.SeeOther(c, kit.SafeNext(c.FormValue("next"), "/chat"))
}

// socket upgrades to the websocket and serves it until it ends. The route's
// level has let only verified members through; the upgrader refuses other
// origins with 403.
func (h *Handlers) socket(c echo.Context) error {
	ws, err := h.upgrader.Upgrade(c.Response(), c.Request(), nil)
	if err != nil {
		return nil // the upgrader has answered
	}
	cl := newClient(h.hub, ws, kit.ViewerOf(c))
	done := kit.TrackConn(c, func() { cl.closeWith(websocket.CloseGoingAway, "server shutting down") })
	// The connection runs on a goroutine of its own, and this one returns:
	// its stack holds the whole middleware chain, which an idle socket
	// would otherwise keep for hours.
	go func() {
		defer done()
		cl.serve()
	}()
	return nil
}

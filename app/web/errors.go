package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"curbside/app/apperr"
	"curbside/app/web/kit"
)

// errorPage is what the error template shows.
type errorPage struct {
	Status    int
	Title     string
	Message   string
	LinkURL   string
	LinkText  string
	RequestID string
}

// handleError is the one place where errors become status pages.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	page := classify(err)
	page.RequestID = c.Response().Header().Get(echo.HeaderXRequestID)
	if page.Status >= 500 && !errors.Is(err, context.Canceled) {
		s.log.Error("request failed", slog.String("error", err.Error()), slog.String("request_id", page.RequestID),
			slog.String("route", c.Path()))
	}
	var limited *apperr.RateLimited
	if errors.As(err, &limited) {
		c.Response().Header().Set("Retry-After", strconv.Itoa(limited.Seconds()))
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(page.Status)
		return
	}
	if rerr := c.Render(page.Status, "error", page); rerr != nil {
		s.log.Error("render error page", slog.String("error", rerr.Error()))
		_ = c.String(page.Status, page.Title+"\n")
	}
}

func classify(err error) errorPage {
	var denied *kit.Denied
	var fields apperr.FieldErrors
	var limited *apperr.RateLimited
	var conflict *apperr.Conflict
	var he *echo.HTTPError
	switch {
	case errors.As(err, &denied):
		return errorPage{Status: http.StatusForbidden, Title: denied.Title, Message: denied.Message, LinkURL: denied.LinkURL, LinkText: denied.LinkText}
	case errors.Is(err, apperr.ErrForbidden):
		return errorPage{Status: http.StatusForbidden, Title: "Not allowed", Message: "Your account may not do this.", LinkURL: "/", LinkText: "Home"}
	case errors.Is(err, apperr.ErrNotFound):
		return notFoundPage()
	case errors.As(err, &conflict):
		return errorPage{Status: http.StatusConflict, Title: "That cannot be done now",
			Message: conflict.Message + " Reload the page to see where things stand.", LinkURL: "/", LinkText: "Home"}
	case errors.Is(err, apperr.ErrConflict):
		return errorPage{Status: http.StatusConflict, Title: "That cannot be done now",
			Message: "Someone else may have changed this in the meantime. Reload the page to see where things stand.", LinkURL: "/", LinkText: "Home"}
	case errors.As(err, &fields):
		return errorPage{Status: http.StatusUnprocessableEntity, Title: "Please check your input", Message: "Some fields were not valid. Go back and correct them."}
	case errors.As(err, &limited):
		return errorPage{Status: http.StatusTooManyRequests, Title: "Slow down", Message: "Too many requests. Wait " + strconv.Itoa(limited.Seconds()) + " seconds, then try again."}
	case errors.As(err, &he):
		return httpErrorPage(he)
	}
	return errorPage{Status: http.StatusInternalServerError, Title: "Something went wrong",
		Message: "The error has been logged. Try again in a moment; if it keeps happening, tell an administrator the request id below."}
}

func notFoundPage() errorPage {
	return errorPage{Status: http.StatusNotFound, Title: "Page not found",
		Message: "There is nothing at this address, or it has been removed.", LinkURL: "/", LinkText: "Home"}
}

func httpErrorPage(he *echo.HTTPError) errorPage {
	switch he.Code {
	case http.StatusNotFound:
		return notFoundPage()
	case http.StatusMethodNotAllowed:
		return errorPage{Status: he.Code, Title: "Not allowed here", Message: "This address does not accept that kind of request."}
	case http.StatusRequestEntityTooLarge:
		return errorPage{Status: he.Code, Title: "Too large", Message: "What you sent is larger than Curbside accepts. Documents may be at most 10 MiB."}
	}
	if he.Code >= 400 && he.Code < 500 {
		return errorPage{Status: he.Code, Title: http.StatusText(he.Code), Message: "The request could not be understood."}
	}
	return errorPage{Status: http.StatusInternalServerError, Title: "Something went wrong", Message: "The error has been logged."}
}

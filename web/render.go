package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/views"
)

// dashboardNamespace is the namespace of the events the dashboard causes;
// their actor is the signed-in staff member (see origin).
const dashboardNamespace = "web"

// Render writes component as an HTML answer with status. The component is
// rendered into a buffer first, so a failure becomes a clean error answer
// rather than half a page.
func Render(c echo.Context, status int, component templ.Component) error {
	var buf bytes.Buffer
	if err := component.Render(c.Request().Context(), &buf); err != nil {
		return fmt.Errorf("render: %w", err)
	}
	h := c.Response().Header() // the security headers are securityHeaders'
	h.Set("Cache-Control", "no-store")
	// The same address answers a page or, to htmx, a fragment.
	h.Add("Vary", "HX-Request")
	h.Add("Vary", "HX-Target")
	return c.HTMLBlob(status, buf.Bytes())
}

// isHTMX reports whether htmx sent the request (it wants a fragment).
func isHTMX(c echo.Context) bool { return c.Request().Header.Get("HX-Request") == "true" }

// htmxTarget is the id of the element an htmx request will swap.
func htmxTarget(c echo.Context) string { return c.Request().Header.Get("HX-Target") }

// seeOther answers a plain form post with a redirect to a page (POST,
// redirect, GET); an htmx post gets HX-Redirect instead, since a redirect
// would be followed inside the request and its page swapped into a form.
func seeOther(c echo.Context, to string) error {
	if isHTMX(c) {
		c.Response().Header().Set("HX-Redirect", to)
		return c.NoContent(http.StatusOK)
	}
	return c.Redirect(http.StatusSeeOther, to)
}

// layout returns the layout options of a page.
func (s *Server) layout(title string, nav views.Nav) views.LayoutOptions {
	return views.LayoutOptions{Title: title, Nav: nav, Jobs: s.jobs != nil}
}

// lastEventIDer is the part of the event log that tells its newest id; the
// store has it. Without it, live views start from the beginning.
type lastEventIDer interface {
	LastEventID(ctx context.Context) (int64, error)
}

// lastEventID is the newest event id, read before a page's data so the
// live stream resumes with nothing missed.
func (s *Server) lastEventID(ctx context.Context) (int64, error) {
	if l, ok := s.events.(lastEventIDer); ok {
		return l.LastEventID(ctx)
	}
	return 0, nil
}

// apiPrefixes are the paths whose errors are JSON whatever the client
// accepts.
func isAPIPath(p string) bool {
	for _, ns := range shelter.Namespaces {
		if p == "/"+ns || strings.HasPrefix(p, "/"+ns+"/") {
			return true
		}
	}
	return p == "/healthz" || p == "/readyz" || p == "/metrics" || p == "/openapi.json" || p == "/events/stream"
}

// wantsHTML reports whether an error should be answered with HTML: a
// dashboard request from htmx or from a browser.
func wantsHTML(c echo.Context) bool {
	if isAPIPath(c.Request().URL.Path) {
		return false
	}
	return isHTMX(c) || strings.Contains(c.Request().Header.Get(echo.HeaderAccept), "text/html")
}

// errorTitle is the heading of an error page.
func errorTitle(status int) string {
	switch {
	case status == http.StatusNotFound:
		return "Not found"
	case status == http.StatusConflict:
		return "Not possible right now"
	case status == http.StatusForbidden:
		return "Not allowed"
	case status == http.StatusTooManyRequests:
		return "Too many attempts"
	case status < 500:
		return "Please check the request"
	}
	return "Something went wrong"
}

// errorText is an error's message with its field problems, for a person.
func errorText(e *shelter.Error) string {
	msg := e.Message
	for _, f := range e.Fields {
		msg += " " + fieldLabel(f.Field) + " " + f.Message + "."
	}
	return msg
}

// renderError answers a dashboard request that failed: an htmx request
// gets a toast (swapped into #toasts), any other an error page.
func (s *Server) renderError(c echo.Context, status int, e *shelter.Error) error {
	if isHTMX(c) {
		h := c.Response().Header()
		h.Set("HX-Retarget", "#toasts")
		h.Set("HX-Reswap", "beforeend")
		return Render(c, status, views.Toast(errorText(e), false))
	}
	msg := errorText(e)
	if status == http.StatusNotFound && e.Message == "Not found" && len(e.Fields) == 0 {
		msg = notFoundText(c.Request().URL.Path)
	}
	return Render(c, status, views.ErrorPage(s.layout(errorTitle(status), views.NavNone), status, msg))
}

// notFoundText says what a dashboard address that found nothing was
// looking for: "No pet with id 999.", "No page at /nowhere."
func notFoundText(path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) >= 2 && parts[1] != "" {
		switch parts[0] {
		case "pets":
			return "No pet with id " + parts[1] + ". It may have been purged after its deletion, or the link is mistyped. Find it on the Pets page."
		case "jobs":
			return "No job with id " + parts[1] + "."
		case "staff":
			return "No staff account with id " + parts[1] + "."
		}
	}
	return "No page at " + path + ". Check the address, or start from Today."
}

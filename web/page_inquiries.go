package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/views"
)

// withInquiryCount puts the count of open inquiries in the context of a
// signed-in staff member's page, for the navigation: a page shown after a
// form's POST (its errors) has the Inquiries link too.
func (s *Server) withInquiryCount(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		wantsHTML := isHTMX(c) || strings.Contains(req.Header.Get(echo.HeaderAccept), "text/html")
		if s.inquiries != nil && wantsHTML && principal(c) != nil && !isAPIRequest(c) {
			if n, err := s.inquiries.CountOpenInquiries(req.Context()); err == nil {
				c.SetRequest(req.WithContext(views.WithOpenInquiries(req.Context(), n)))
			}
		}
		return next(c)
	}
}

// isAPIRequest reports whether the route is the JSON API's.
func isAPIRequest(c echo.Context) bool {
	p := c.Path()
	if len(p) >= 5 && p[:5] == "/api/" {
		return true
	}
	for _, ns := range shelter.Namespaces {
		if len(p) > len(ns)+1 && p[:len(ns)+2] == "/"+ns+"/" {
			return true
		}
	}
	return false
}

// handlePageInquiries lists the open inquiries and the latest closed ones.
// To htmx targeting #inquiries-live it answers that fragment alone.
func (s *Server) handlePageInquiries(c echo.Context) error {
	is, err := s.inquiryService()
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	last, err := s.lastEventID(ctx)
	if err != nil {
		return err
	}
	open, err := is.FindInquiries(ctx, shelter.InquiryFilter{State: shelter.InquiryOpen, Limit: shelter.MaxLimit})
	if err != nil {
		return err
	}
	closed, err := is.FindInquiries(ctx, shelter.InquiryFilter{State: shelter.InquiryClosed, Limit: 20})
	if err != nil {
		return err
	}
	d := views.InquiriesData{Open: open, Closed: closed, LastEventID: last}
	if isHTMX(c) && htmxTarget(c) == "inquiries-live" {
		return Render(c, http.StatusOK, views.InquiriesLive(d))
	}
	return Render(c, http.StatusOK, views.InquiriesPage(s.layout("Inquiries", views.NavInquiries), d))
}

// handlePageInquiryCount is the navigation's count, for its refresh.
func (s *Server) handlePageInquiryCount(c echo.Context) error {
	n := views.OpenInquiries(c.Request().Context())
	return c.HTML(http.StatusOK, strconv.Itoa(max(n, 0)))
}

// inquiryNext is where an inquiry's button goes back to: the pet's page
// or the inquiries page (a form field, checked to be one of ours).
func inquiryNext(c echo.Context, in *shelter.Inquiry) string {
	switch c.FormValue("from") {
	case "pet":
		if in != nil {
			return views.PetURL(in.PetID)
		}
	case "today":
		return "/"
	}
	return "/inquiries"
}

// handlePageInquiryAdopt starts an adoption from an inquiry: the pet goes
// to pending (through the orchestrator) with the inquiry's person as the
// applicant.
func (s *Server) handlePageInquiryAdopt(c echo.Context) error {
	o, err := origin(c, dashboardNamespace)
	if err != nil {
		return err
	}
	is, err := s.inquiryService()
	if err != nil {
		return err
	}
	in, _, err := is.StartAdoption(c.Request().Context(), o, c.Param("id"))
	if err != nil {
		return err
	}
	return seeOther(c, inquiryNext(c, in))
}

// handlePageInquiryDecline closes an inquiry with the reason typed.
func (s *Server) handlePageInquiryDecline(c echo.Context) error {
	o, err := origin(c, dashboardNamespace)
	if err != nil {
		return err
	}
	is, err := s.inquiryService()
	if err != nil {
		return err
	}
	in, err := is.CloseInquiry(c.Request().Context(), o, c.Param("id"), c.FormValue("reason"))
	if err != nil {
		return err
	}
	return seeOther(c, inquiryNext(c, in))
}

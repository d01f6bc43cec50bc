package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/views"
)

// boardParams are the query parameters of the board, which lived at / before
// the Today page took its place.
var boardParams = []string{"q", "species", "status", "sort", "cursor", "location"}

// handlePageToday is the dashboard's home (/): what the shelter has to do
// today. To htmx targeting #today-live it answers that fragment alone. An
// old link to the board (/?status=…) is sent on to /pets.
func (s *Server) handlePageToday(c echo.Context) error {
	q := c.QueryParams()
	for _, k := range boardParams {
		if q.Has(k) {
			return c.Redirect(http.StatusMovedPermanently, "/pets?"+c.Request().URL.RawQuery)
		}
	}
	d, err := s.todayData(c)
	if err != nil {
		return err
	}
	if isHTMX(c) && htmxTarget(c) == "today-live" {
		return Render(c, http.StatusOK, views.TodayLive(d))
	}
	return Render(c, http.StatusOK, views.TodayPage(s.layout("Today", views.NavToday), d))
}

func (s *Server) todayData(c echo.Context) (views.TodayData, error) {
	ctx := c.Request().Context()
	last, err := s.lastEventID(ctx)
	if err != nil {
		return views.TodayData{}, err
	}
	t, err := s.feedings.FindToday(ctx)
	if err != nil {
		return views.TodayData{}, err
	}
	d := views.TodayData{Today: t, LastEventID: last}
	if s.inquiries != nil {
		open, err := s.inquiries.FindInquiries(ctx, shelter.InquiryFilter{State: shelter.InquiryOpen, Limit: shelter.MaxLimit})
		if err != nil {
			return views.TodayData{}, err
		}
		d.Extra = append(d.Extra, views.InquiriesSection(open))
	}
	return d, nil
}

// handleTodayCount is the navigation's badge, fetched by each page and
// again when the live stream says pets changed.
func (s *Server) handleTodayCount(c echo.Context) error {
	t, err := s.feedings.FindToday(c.Request().Context())
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, views.TodayCount(t))
}

// handlePageFed records a feeding of each pet named (one "id" each: Fed
// or Fed all) in one transaction, and answers the Today page's fresh lists
// with a toast naming the pets fed and those refused.
func (s *Server) handlePageFed(c echo.Context) error {
	o, err := origin(c, dashboardNamespace)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return shelter.Errorf(shelter.EINVALID, "Invalid form")
	}
	ids := form["id"]
	if len(ids) == 0 {
		return shelter.Errorf(shelter.EINVALID, "No pet to feed: choose at least one")
	}
	if len(ids) > 1000 {
		return shelter.Errorf(shelter.EINVALID, "Too many pets in one round: at most 1000")
	}
	res, err := s.feedings.RecordFeedings(c.Request().Context(), o, ids, shelter.FeedingRequest{Note: form.Get("note")})
	if err != nil {
		return err
	}
	if !isHTMX(c) {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	d, err := s.todayData(c)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, views.WithToasts(views.TodayLive(d), fedToasts(res)...))
}

// fedToasts says who was fed and who was not.
func fedToasts(res *shelter.FeedingResult) []views.ToastMsg {
	var out []views.ToastMsg
	if n := len(res.Fed); n > 0 {
		names := make([]string, n)
		for i, f := range res.Fed {
			names[i] = f.Pet.Name
		}
		msg := names[0] + ": fed"
		if n > 1 {
			msg = fmt.Sprintf("Fed %d pets: %s", n, joinNames(names))
		}
		out = append(out, views.ToastMsg{Text: msg, OK: true})
	}
	for _, r := range res.Refused {
		out = append(out, views.ToastMsg{Text: "Not fed: " + r.Reason})
	}
	return out
}

// joinNames lists names for a person: "A, B and C" (at most 8, then "and N more").
func joinNames(names []string) string {
	if len(names) > 8 {
		return strings.Join(names[:8], ", ") + fmt.Sprintf(" and %d more", len(names)-8)
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

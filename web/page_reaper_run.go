package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/views"
)

// handlePageReaperRun is the Jobs page's "Run reaper now" button (admins):
// htmx gets the result line alone, a plain form the Jobs page with it.
func (s *Server) handlePageReaperRun(c echo.Context) error {
	st, err := s.runReaper(c)
	if err != nil {
		return err
	}
	if isHTMX(c) {
		return Render(c, http.StatusOK, views.ReapResult(&st))
	}
	d, err := s.jobsData(c)
	if err != nil {
		return err
	}
	d.Reaped = &st
	return Render(c, http.StatusOK, views.JobsPage(s.layout("Jobs", views.NavJobs), d))
}

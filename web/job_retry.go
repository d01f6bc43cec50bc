package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
)

// handleJobRetry answers POST /api/jobs/:id/retry: a failed job is queued
// again with a fresh set of attempts and returned; 404 for an unknown job,
// 409 for one that is not failed.
func (s *Server) handleJobRetry(c echo.Context) error {
	if s.jobs == nil {
		return errNoJobs
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id < 1 || strconv.FormatInt(id, 10) != c.Param("id") {
		return shelter.ErrNotFound()
	}
	j, err := s.jobs.RetryJob(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, j)
}

package web

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
)

// ReaperRunner runs the deletion reaper once, on behalf of actor; while a
// run (the schedule's or another manual one) is in progress it refuses
// with ECONFLICT. *jobs.Reaper implements it.
type ReaperRunner interface {
	RunAs(ctx context.Context, actor string) (shelter.ReapStats, error)
}

var errNoReaper = shelter.Errorf(shelter.ENOTIMPLEMENTED, "The deletion reaper is not available")

// runReaper runs the reaper for the request's principal. The run is not
// cut short when the client goes away: its batches are short, and a run
// that stops halfway would record no reaper.completed.
func (s *Server) runReaper(c echo.Context) (shelter.ReapStats, error) {
	if s.reap == nil {
		return shelter.ReapStats{}, errNoReaper
	}
	o, err := origin(c, shelter.NamespaceSystem)
	if err != nil {
		return shelter.ReapStats{}, err
	}
	return s.reap.RunAs(context.WithoutCancel(c.Request().Context()), o.Actor)
}

// handleReaperRun answers POST /api/reaper/run (admins): the deletion
// reaper runs now and its counts are returned; 409 while a run is in
// progress.
func (s *Server) handleReaperRun(c echo.Context) error {
	st, err := s.runReaper(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st)
}

package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/views"
)

// jobCountCap bounds the per-state counts of the Jobs page (one page of
// the job list per state); more shows as "1000+".
const jobCountCap = shelter.MaxLimit

// NextRunner tells when a scheduled task runs next (the reaper's schedule).
type NextRunner interface {
	NextRun() (time.Time, error)
}

// SetReaperSchedule lets the Jobs page show the reaper's next run. The
// wiring (internal/app) calls it once the schedule exists, before serving.
func (s *Server) SetReaperSchedule(r NextRunner) { s.reaper = r }

// SetBackupSchedule lets the Jobs page show the next scheduled backup
// (when BACKUP_DIR is set).
func (s *Server) SetBackupSchedule(r NextRunner) { s.backup = r }

// handlePageJobs shows the durable queue. To htmx targeting #jobs-live it
// answers that fragment alone.
func (s *Server) handlePageJobs(c echo.Context) error {
	d, err := s.jobsData(c)
	if err != nil {
		return err
	}
	if isHTMX(c) && htmxTarget(c) == "jobs-live" {
		return Render(c, http.StatusOK, views.JobsLive(d))
	}
	return Render(c, http.StatusOK, views.JobsPage(s.layout("Jobs", views.NavJobs), d))
}

// jobsData reads what the Jobs page shows.
func (s *Server) jobsData(c echo.Context) (views.JobsData, error) {
	if s.jobs == nil {
		return views.JobsData{}, shelter.ErrNotFound()
	}
	ctx := c.Request().Context()
	last, err := s.lastEventID(ctx)
	if err != nil {
		return views.JobsData{}, err
	}
	d := views.JobsData{Counts: map[shelter.JobState]int{}, CountCap: jobCountCap, LastEventID: last, CanReap: s.reap != nil}
	for _, st := range shelter.JobStates {
		jobs, err := s.jobs.FindJobs(ctx, shelter.JobFilter{State: st, Limit: jobCountCap})
		if err != nil {
			return views.JobsData{}, err
		}
		d.Counts[st] = len(jobs)
		if st == shelter.JobFailed {
			d.Failed = jobs[:min(len(jobs), 50)]
		}
	}
	if d.Recent, err = s.jobs.FindJobs(ctx, shelter.JobFilter{Limit: 20}); err != nil {
		return views.JobsData{}, err
	}
	var ids []string
	for _, j := range append(d.Failed, d.Recent...) {
		if j.PetID != "" {
			ids = append(ids, j.PetID)
		}
	}
	d.Names = s.petNames(ctx, ids)
	if s.reaper != nil {
		if next, err := s.reaper.NextRun(); err == nil {
			d.NextReap = next
		}
	}
	if s.backup != nil {
		d.Backups = true
		if next, err := s.backup.NextRun(); err == nil {
			d.NextBackup = next
		}
	}
	if s.aiStatus != nil {
		d.AIOutage = s.aiStatus()
	}
	return d, nil
}

// handlePageJobRetry queues a failed job again.
func (s *Server) handlePageJobRetry(c echo.Context) error {
	if s.jobs == nil {
		return shelter.ErrNotFound()
	}
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return shelter.ErrNotFound()
	}
	if _, err := s.jobs.RetryJob(c.Request().Context(), id); err != nil {
		return err
	}
	return seeOther(c, "/jobs")
}

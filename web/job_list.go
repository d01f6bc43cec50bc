package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
)

// jobStateMessage lists the states a job list may filter on.
const jobStateMessage = "must be one of queued, running, failed, done"

// errNoJobs answers the job routes of a server built without a queue.
var errNoJobs = shelter.Errorf(shelter.ENOTIMPLEMENTED, "The job queue is not available")

// handleJobList answers GET /api/jobs?state=&kind=&petId=&limit=&before=:
// the jobs of the durable queue, newest first, as a JSON array, with a Link
// header to the next page when the page is full.
func (s *Server) handleJobList(c echo.Context) error {
	if s.jobs == nil {
		return errNoJobs
	}
	q, err := apiQuery(c, "state", "kind", "petId", "limit", "before")
	if err != nil {
		return err
	}
	f := shelter.JobFilter{Kind: q.Get("kind"), PetID: q.Get("petId")}
	var fe []shelter.FieldError
	f.Before, fe = queryBefore(q, "a job id")
	if v := q.Get("state"); v != "" {
		if f.State = shelter.JobState(v); !f.State.Valid() {
			fe = append(fe, shelter.FieldError{Field: "state", Message: jobStateMessage})
		}
	}
	limit, ferr := queryLimit(q)
	if ferr != nil {
		fe = append(fe, *ferr)
	}
	f.Limit = limit
	if len(fe) > 0 {
		return &shelter.Error{Code: shelter.EINVALID, Message: InvalidQueryMessage, Fields: fe}
	}
	js, err := s.jobs.FindJobs(c.Request().Context(), f)
	if err != nil {
		return err
	}
	if len(js) == limit && limit > 0 {
		linkBefore(c, q, []string{"state", "kind", "petId", "limit"}, js[len(js)-1].ID)
	}
	return c.JSON(http.StatusOK, js)
}

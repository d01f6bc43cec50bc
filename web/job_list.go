package web

import (
	"net/http"
	"net/url"
	"strconv"

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
	if v := q.Get("state"); v != "" {
		if f.State = shelter.JobState(v); !f.State.Valid() {
			fe = append(fe, shelter.FieldError{Field: "state", Message: jobStateMessage})
		}
	}
	if v := q.Get("before"); v != "" {
		n, ok := queryUint(v)
		if !ok || n < 1 {
			fe = append(fe, shelter.FieldError{Field: "before", Message: "must be a job id"})
		}
		f.Before = n
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
		next := url.Values{}
		for _, k := range []string{"state", "kind", "petId", "limit"} {
			if v := q.Get(k); v != "" {
				next.Set(k, v)
			}
		}
		next.Set("before", strconv.FormatInt(js[len(js)-1].ID, 10))
		c.Response().Header().Set("Link", linkNext(c.Request().URL.Path, next))
	}
	return c.JSON(http.StatusOK, js)
}

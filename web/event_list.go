package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
)

// handlePetEvents answers GET /{ns}/pets/:id/events: the pet's timeline,
// oldest first; 404 when the pet does not exist (or was purged).
func (s *Server) handlePetEvents(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.pets.FindPetByID(ctx, c.Param("id"))
	if err != nil {
		return err
	}
	return s.listEvents(c, p.ID)
}

// handleEventList answers GET /api/events?after=&limit=: the global feed
// for pollers, oldest first, only events after the id after.
func (s *Server) handleEventList(c echo.Context) error { return s.listEvents(c, "") }

// listEvents answers one page of events; a full page carries a Link header
// to the next one.
func (s *Server) listEvents(c echo.Context, petID string) error {
	q, err := apiQuery(c, "after", "limit")
	if err != nil {
		return err
	}
	f := shelter.EventFilter{PetID: petID}
	var fe []shelter.FieldError
	if v, ok := q["after"]; ok {
		n, ok := queryUint(v[0])
		if !ok {
			fe = append(fe, shelter.FieldError{Field: "after", Message: "must be an event id (a whole number, 0 or more)"})
		}
		f.After = n
	}
	limit, ferr := queryLimit(q)
	if ferr != nil {
		fe = append(fe, *ferr)
	}
	f.Limit = limit
	if len(fe) > 0 {
		return &shelter.Error{Code: shelter.EINVALID, Message: InvalidQueryMessage, Fields: fe}
	}
	evs, err := s.events.FindEvents(c.Request().Context(), f)
	if err != nil {
		return err
	}
	if len(evs) == limit {
		next := url.Values{}
		next.Set("after", strconv.FormatInt(evs[len(evs)-1].ID, 10))
		if _, ok := q["limit"]; ok {
			next.Set("limit", strconv.Itoa(limit))
		}
		c.Response().Header().Set("Link", linkNext(c.Request().URL.Path, next))
	}
	return c.JSON(http.StatusOK, evs)
}

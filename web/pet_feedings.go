package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
)

// feedingAnswer is the 201 answer to a feeding: the feeding and the pet as
// it now is (lastFedAt, nextFeedingAt, version).
type feedingAnswer struct {
	Feeding *shelter.Feeding `json:"feeding"`
	Pet     *shelter.Pet     `json:"pet"`
}

// readFeedingRequest reads an optional {"note": "...", "fedAt": ms}; an
// empty body is a feeding now.
func readFeedingRequest(c echo.Context) (shelter.FeedingRequest, error) {
	var r shelter.FeedingRequest
	if c.Request().ContentLength == 0 {
		return r, nil
	}
	o, err := readJSONObject(c)
	if err != nil {
		return r, err
	}
	var fe []shelter.FieldError
	for _, k := range o.keys {
		raw := o.values[k]
		switch k {
		case "note":
			if s, ok := jsonString(raw); ok {
				r.Note = s
			} else {
				fe = append(fe, shelter.FieldError{Field: k, Message: msgString})
			}
		case "fedAt":
			if n, ok := jsonWholeNumber(raw, 1, 1<<53); ok {
				r.FedAt = int64(n)
			} else {
				fe = append(fe, shelter.FieldError{Field: k, Message: "must be a time in milliseconds, not in the future"})
			}
		default:
			fe = append(fe, shelter.FieldError{Field: k, Message: msgUnknownField})
		}
	}
	if len(fe) > 0 {
		return r, &shelter.Error{Code: shelter.EINVALID, Message: "Invalid feeding", Fields: fe}
	}
	return r, nil
}

// handlePetFeedingCreate answers POST /{ns}/pets/:id/feedings: 201 with the
// feeding and the pet; 409 for a pet that is adopted or deleted.
func (s *Server) handlePetFeedingCreate(ns string) echo.HandlerFunc {
	return func(c echo.Context) error {
		o, err := origin(c, ns)
		if err != nil {
			return err
		}
		r, err := readFeedingRequest(c)
		if err != nil {
			return err
		}
		res, err := s.feedings.RecordFeedings(c.Request().Context(), o, []string{c.Param("id")}, r)
		if err != nil {
			return err
		}
		if len(res.Fed) == 0 {
			if len(res.Refused) > 0 && res.Refused[0].Reason == "Not found" {
				return shelter.ErrNotFound()
			}
			return shelter.Errorf(shelter.ECONFLICT, "%s", res.Refused[0].Reason)
		}
		fed := res.Fed[0]
		c.Response().Header().Set("ETag", etag(fed.Pet))
		return c.JSON(http.StatusCreated, feedingAnswer{Feeding: fed.Feeding, Pet: fed.Pet})
	}
}

// handlePetFeedingList answers GET /{ns}/pets/:id/feedings: the pet's
// feedings, newest first.
func (s *Server) handlePetFeedingList(c echo.Context) error {
	q, err := apiQuery(c, "limit", "before")
	if err != nil {
		return err
	}
	before, fe := queryBefore(q, "a feeding's id")
	limit, ferr := queryLimit(q)
	if ferr != nil {
		fe = append(fe, *ferr)
	}
	if len(fe) > 0 {
		return &shelter.Error{Code: shelter.EINVALID, Message: InvalidQueryMessage, Fields: fe}
	}
	fs, err := s.feedings.FindFeedings(c.Request().Context(), c.Param("id"), before, limit)
	if err != nil {
		return err
	}
	if len(fs) == limit && limit > 0 {
		linkBefore(c, q, []string{"limit"}, fs[len(fs)-1].ID)
	}
	return c.JSON(http.StatusOK, fs)
}

// handleToday answers GET /api/today: the Today page's lists as JSON.
func (s *Server) handleToday(c echo.Context) error {
	if _, err := apiQuery(c); err != nil {
		return err
	}
	t, err := s.feedings.FindToday(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}

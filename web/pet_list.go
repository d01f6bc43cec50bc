package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
)

// InvalidQueryMessage is the message of a 400 caused by query parameters.
const InvalidQueryMessage = "Invalid query parameters"

// handlePetList answers GET /{ns}/pets: one page of pets (soft-deleted ones
// included) as a JSON array, with X-Total-Count and, when there is more, a
// Link header to the next page.
func (s *Server) handlePetList(c echo.Context) error {
	q, err := apiQuery(c, "status", "species", "feeding", "q", "location", "limit", "cursor")
	if err != nil {
		return err
	}
	f := shelter.PetFilter{Sort: shelter.SortID, Query: q.Get("q"), Location: q.Get("location"), Cursor: q.Get("cursor")}
	var fe []shelter.FieldError
	if p := searchProblem(f.Query); p != nil {
		fe = append(fe, *p)
	}
	if v := q.Get("status"); v != "" {
		if f.Status = shelter.Status(v); !f.Status.Valid() {
			fe = append(fe, shelter.FieldError{Field: "status", Message: statusMessage})
		}
	}
	if v := q.Get("species"); v != "" {
		if f.Species = shelter.Species(v); !f.Species.Valid() {
			fe = append(fe, shelter.FieldError{Field: "species", Message: shelter.SpeciesMessage})
		}
	}
	if v := q.Get("feeding"); v != "" {
		if f.Feeding = shelter.FeedingState(v); f.Feeding != shelter.FeedingDue && f.Feeding != shelter.FeedingOverdue {
			fe = append(fe, shelter.FieldError{Field: "feeding", Message: "must be due or overdue"})
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
	page, err := s.pets.FindPets(c.Request().Context(), f)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("X-Total-Count", strconv.Itoa(page.Total))
	if page.NextCursor != "" {
		next := url.Values{}
		for _, k := range []string{"status", "species", "feeding", "q", "location", "limit"} {
			if v := q.Get(k); v != "" {
				next.Set(k, v)
			}
		}
		next.Set("cursor", page.NextCursor)
		h.Set("Link", linkNext(c.Request().URL.Path, next))
	}
	return petsJSON(c, http.StatusOK, page.Pets)
}

// linkNext is an RFC 8288 Link header value to the next page.
func linkNext(path string, q url.Values) string {
	return "<" + path + "?" + q.Encode() + `>; rel="next"`
}

// limitMessage is the problem with a limit out of range.
var limitMessage = "must be a whole number from 1 to " + strconv.Itoa(shelter.MaxLimit)

// queryLimit reads the limit parameter: DefaultLimit when absent, else a
// whole number from 1 to MaxLimit.
func queryLimit(q url.Values) (int, *shelter.FieldError) {
	v, ok := q["limit"]
	if !ok {
		return shelter.DefaultLimit, nil
	}
	n, ok := queryUint(v[0])
	if !ok || n < 1 || n > shelter.MaxLimit {
		return 0, &shelter.FieldError{Field: "limit", Message: limitMessage}
	}
	return int(n), nil
}

package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
)

// etag is a pet's entity tag: its version, quoted.
func etag(p *shelter.Pet) string { return `"` + strconv.FormatInt(p.Version, 10) + `"` }

// ifMatch reads the If-Match header as the version a change is made
// against: 0 when absent or "*" (any version). A weak tag (W/"3") counts
// as its version; a tag that names no version is -1, which no pet has, so
// the change is refused with 412 as RFC 9110 asks.
func ifMatch(c echo.Context) int64 {
	h := strings.TrimSpace(c.Request().Header.Get("If-Match"))
	if h == "" || h == "*" {
		return 0
	}
	first, _, _ := strings.Cut(h, ",")
	tag := strings.TrimPrefix(strings.TrimSpace(first), "W/")
	n, err := strconv.ParseInt(strings.Trim(tag, `"`), 10, 64)
	if err != nil || n <= 0 || len(tag) < 3 || tag[0] != '"' || tag[len(tag)-1] != '"' {
		return -1
	}
	return n
}

// staleAnswer is the 412 answer to a change made against an old version:
// the message and the pet as it now is.
type staleAnswer struct {
	Message string       `json:"message"`
	Pet     *shelter.Pet `json:"pet"`
}

// answerStale answers a change that failed: a stale If-Match gets 412 with
// the current pet and its ETag, anything else goes to the error handler.
func (s *Server) answerStale(c echo.Context, err error) error {
	if shelter.ErrorCode(err) != shelter.EPRECONDITION {
		return err
	}
	p, ferr := s.pets.FindPetByID(c.Request().Context(), c.Param("id"))
	if ferr != nil {
		return ferr
	}
	c.Response().Header().Set("ETag", etag(p))
	return c.JSON(http.StatusPreconditionFailed, staleAnswer{Message: shelter.ErrorMessage(err), Pet: p})
}

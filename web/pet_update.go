package web

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
)

// statusChange is the 202 answer to a PUT that asks for a status.
type statusChange struct {
	Message         string         `json:"message"`
	PetID           string         `json:"petId"`
	PreviousStatus  shelter.Status `json:"previousStatus"`
	RequestedStatus shelter.Status `json:"requestedStatus"`
	// Status is the pet's status after the request and its automatic
	// progressions.
	Status   shelter.Status `json:"status"`
	Accepted bool           `json:"accepted"`
	// Reason explains a rejection; omitted when the request is accepted.
	Reason string `json:"reason,omitempty"`
}

// handlePetUpdate answers PUT /{ns}/pets/:id. Fields alone: 200 with the
// pet. With a status: 202 with the orchestrator's answer; a rejected
// transition changes nothing, not even the fields sent with it. A status
// may carry a "note" and, for pending, an "adopter". With If-Match, a pet
// whose version differs is left alone: 412 with the pet as it is.
func (s *Server) handlePetUpdate(ns string) echo.HandlerFunc {
	return func(c echo.Context) error {
		o, err := origin(c, ns)
		if err != nil {
			return err
		}
		in, err := bindPetInput(c, true)
		if err != nil {
			return err
		}
		p, d, err := s.pets.UpdatePetWith(c.Request().Context(), o, c.Param("id"), in.update(ifMatch(c)))
		if err != nil {
			return s.answerStale(c, err)
		}
		c.Response().Header().Set("ETag", etag(p))
		if d == nil {
			return petJSON(c, http.StatusOK, p)
		}
		sc := newStatusChange(p.ID, *d)
		if !d.Rejected && len(d.Steps) == 0 && !in.Fields.Empty() {
			// The status was already the one asked for, but the fields
			// sent with it were written.
			sc.Message = fmt.Sprintf("Pet is already %s: the other changes were saved", d.Previous)
		}
		return c.JSON(http.StatusAccepted, sc)
	}
}

func newStatusChange(petID string, d shelter.Decision) statusChange {
	sc := statusChange{PetID: petID, PreviousStatus: d.Previous, RequestedStatus: d.Requested, Status: d.Final(), Accepted: !d.Rejected, Reason: d.Reason}
	switch {
	case d.Rejected:
		sc.Message = "Status change rejected"
	case len(d.Steps) == 0:
		sc.Message = fmt.Sprintf("Pet is already %s: nothing changed", d.Previous)
	default:
		sc.Message = fmt.Sprintf("Status changed from %s to %s", d.Previous, d.Final())
	}
	return sc
}

package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
)

// profileAnswer is the 202 answer to a request for a fresh AI profile.
type profileAnswer struct {
	Message string `json:"message"`
	PetID   string `json:"petId"`
	JobID   int64  `json:"jobId"`
	// AlreadyQueued is true when an enrichment of the pet was queued and
	// not yet started: that job is answered instead of a second one.
	AlreadyQueued bool `json:"alreadyQueued"`
}

// ProfileQueuedMessage is the message of the 202 answer.
const ProfileQueuedMessage = "Profile enrichment queued"

// handlePetProfile answers POST /{ns}/pets/:id/profile: 202 with the
// enrichment job that will write the pet's profile anew (overwriting the
// one it has), 404 for an unknown pet, 409 for a deleted one. The profile
// arrives in the pet's JSON when the job is done.
func (s *Server) handlePetProfile(ns string) echo.HandlerFunc {
	return func(c echo.Context) error {
		o, err := origin(c, ns)
		if err != nil {
			return err
		}
		if s.profiles == nil {
			return shelter.Errorf(shelter.ENOTIMPLEMENTED, "AI profiles are switched off")
		}
		id := c.Param("id")
		jobID, created, err := s.profiles.EnqueueEnrichment(c.Request().Context(), o, id)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusAccepted, profileAnswer{Message: ProfileQueuedMessage, PetID: id, JobID: jobID, AlreadyQueued: !created})
	}
}

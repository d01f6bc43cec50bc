package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// deleteAnswer is the 202 answer to a soft delete.
type deleteAnswer struct {
	Message string `json:"message"`
	PetID   string `json:"petId"`
	PurgeAt int64  `json:"purgeAt"`
}

// handlePetDelete answers DELETE /{ns}/pets/:id: the pet is soft-deleted
// and purged after PURGE_AFTER; deleting it again keeps its purge date.
func (s *Server) handlePetDelete(ns string) echo.HandlerFunc {
	return func(c echo.Context) error {
		o, err := origin(c, ns)
		if err != nil {
			return err
		}
		p, err := s.pets.DeletePet(c.Request().Context(), o, c.Param("id"))
		if err != nil {
			return err
		}
		return c.JSON(http.StatusAccepted, deleteAnswer{Message: "Pet scheduled for deletion", PetID: p.ID, PurgeAt: p.PurgeAt})
	}
}

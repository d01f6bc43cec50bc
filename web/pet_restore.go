package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
)

// handlePetRestore answers POST /{ns}/pets/:id/restore: 200 with the pet
// back in the status it had before the delete, 409 when it is not deleted.
func (s *Server) handlePetRestore(o shelter.Origin) echo.HandlerFunc {
	return func(c echo.Context) error {
		p, err := s.pets.RestorePet(c.Request().Context(), o, c.Param("id"))
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, p)
	}
}

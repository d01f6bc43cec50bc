package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// handlePetRestore answers POST /{ns}/pets/:id/restore: 200 with the pet
// back in the status it had before the delete, 409 when it is not deleted.
func (s *Server) handlePetRestore(ns string) echo.HandlerFunc {
	return func(c echo.Context) error {
		o, err := origin(c, ns)
		if err != nil {
			return err
		}
		p, err := s.pets.RestorePet(c.Request().Context(), o, c.Param("id"))
		if err != nil {
			return err
		}
		c.Response().Header().Set("ETag", etag(p))
		return petJSON(c, http.StatusOK, p)
	}
}

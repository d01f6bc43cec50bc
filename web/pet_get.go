package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// handlePetGet answers GET /{ns}/pets/:id: the pet, soft-deleted or not,
// with its version as ETag.
func (s *Server) handlePetGet(c echo.Context) error {
	p, err := s.pets.FindPetByID(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag(p))
	return petJSON(c, http.StatusOK, p)
}

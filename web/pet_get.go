package web

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
)

// petViewer lends a pet to be written out, without the copy FindPetByID
// makes (the store: see its ViewPetByID).
type petViewer interface {
	ViewPetByID(ctx context.Context, id string, fn func(p *shelter.Pet) error) error
}

// handlePetGet answers GET /{ns}/pets/:id: the pet, soft-deleted or not,
// with its version as ETag.
func (s *Server) handlePetGet(c echo.Context) error {
	if v, ok := s.pets.(petViewer); ok {
		return v.ViewPetByID(c.Request().Context(), c.Param("id"), func(p *shelter.Pet) error {
			c.Response().Header().Set("ETag", etag(p))
			return petJSON(c, http.StatusOK, p)
		})
	}
	p, err := s.pets.FindPetByID(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag(p))
	return petJSON(c, http.StatusOK, p)
}

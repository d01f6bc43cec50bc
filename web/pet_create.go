package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// handlePetCreate answers POST /{ns}/pets: 201 with the new pet.
func (s *Server) handlePetCreate(ns string) echo.HandlerFunc {
	return func(c echo.Context) error {
		o, err := origin(c, ns)
		if err != nil {
			return err
		}
		in, err := bindPetInput(c, false)
		if err != nil {
			return err
		}
		p, err := s.pets.CreatePet(c.Request().Context(), o, in.Fields)
		if err != nil {
			return err
		}
		// Where it lives, and its version now (the background work moves
		// it on within moments: read it again before an If-Match).
		h := c.Response().Header()
		h.Set(echo.HeaderLocation, "/"+ns+"/pets/"+p.ID)
		h.Set("ETag", etag(p))
		return petJSON(c, http.StatusCreated, p)
	}
}

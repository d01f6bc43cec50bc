package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
)

// handlePetCreate answers POST /{ns}/pets: 201 with the new pet.
func (s *Server) handlePetCreate(o shelter.Origin) echo.HandlerFunc {
	return func(c echo.Context) error {
		in, err := bindPetInput(c, false)
		if err != nil {
			return err
		}
		p, err := s.pets.CreatePet(c.Request().Context(), o, in.Fields)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusCreated, p)
	}
}

package web

import (
	"github.com/labstack/echo/v4"
)

// handlePagePhotoCreate adds a photo from the pet page's form and goes
// back to the pet's page.
func (s *Server) handlePagePhotoCreate(c echo.Context) error {
	o, err := origin(c, dashboardNamespace)
	if err != nil {
		return err
	}
	ps, err := s.photoService()
	if err != nil {
		return err
	}
	id := c.Param("id")
	if _, err := s.pets.FindPetByID(c.Request().Context(), id); err != nil {
		return err
	}
	np, err := readUpload(c)
	if err != nil {
		return err
	}
	if _, err := ps.AddPhoto(c.Request().Context(), o, id, np); err != nil {
		return err
	}
	return s.afterPetAction(c, id)
}

// handlePagePhotoDelete deletes a photo from the pet page.
func (s *Server) handlePagePhotoDelete(c echo.Context) error {
	o, err := origin(c, dashboardNamespace)
	if err != nil {
		return err
	}
	ps, err := s.photoService()
	if err != nil {
		return err
	}
	id := c.Param("id")
	if err := ps.DeletePhoto(c.Request().Context(), o, id, c.Param("photoId")); err != nil {
		return err
	}
	return s.afterPetAction(c, id)
}

// handlePagePhotoPrimary makes a photo the primary one from the pet page.
func (s *Server) handlePagePhotoPrimary(c echo.Context) error {
	o, err := origin(c, dashboardNamespace)
	if err != nil {
		return err
	}
	ps, err := s.photoService()
	if err != nil {
		return err
	}
	id := c.Param("id")
	if _, err := ps.SetPrimaryPhoto(c.Request().Context(), o, id, c.Param("photoId")); err != nil {
		return err
	}
	return s.afterPetAction(c, id)
}

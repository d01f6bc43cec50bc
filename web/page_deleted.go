package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/views"
)

// handlePageDeleted lists the soft-deleted pets, most recently deleted
// first, with their purge dates.
func (s *Server) handlePageDeleted(c echo.Context) error {
	ctx := c.Request().Context()
	cursor := c.QueryParam("cursor")
	page, err := s.pets.FindPets(ctx, shelter.PetFilter{Status: shelter.StatusDeleted, Sort: shelter.SortNewest, Cursor: cursor, Limit: boardPageSize})
	if err != nil {
		return err
	}
	d := views.DeletedData{Page: page, Cursor: cursor, Now: shelter.Millis(s.now())}
	return Render(c, http.StatusOK, views.DeletedPage(s.layout("Deleted pets", views.NavDeleted), d))
}

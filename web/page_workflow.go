package web

import (
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/views"
)

// workflowFeedSize is how many of the latest events the workflow page
// opens with.
const workflowFeedSize = 20

// handlePageWorkflow draws the lifecycle from the transition table with
// counts per status, and the live feed. To htmx targeting
// #workflow-live it answers the diagram and table alone.
func (s *Server) handlePageWorkflow(c echo.Context) error {
	ctx := c.Request().Context()
	last, err := s.lastEventID(ctx)
	if err != nil {
		return err
	}
	counts, err := s.pets.CountPetsByStatus(ctx)
	if err != nil {
		return err
	}
	d := views.WorkflowData{Counts: counts, LastEventID: last}
	if isHTMX(c) && htmxTarget(c) == "workflow-live" {
		return Render(c, http.StatusOK, views.WorkflowLive(d))
	}
	events, err := s.events.FindEvents(ctx, shelter.EventFilter{After: max(0, last-workflowFeedSize), Limit: workflowFeedSize})
	if err != nil {
		return err
	}
	slices.Reverse(events)
	d.Events, d.Names = events, s.petNames(ctx, eventPetIDs(events))
	return Render(c, http.StatusOK, views.WorkflowPage(s.layout("Workflow", views.NavWorkflow), d))
}

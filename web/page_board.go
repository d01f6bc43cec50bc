package web

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/views"
)

// boardPageSize is how many pets one page of the board shows.
const boardPageSize = 50

// boardQuery reads the board's filters from the URL; an unknown value is
// EINVALID.
func boardQuery(c echo.Context) (views.BoardQuery, error) {
	q := views.BoardQuery{
		Query:    strings.TrimSpace(c.QueryParam("q")),
		Species:  shelter.Species(c.QueryParam("species")),
		Status:   shelter.Status(c.QueryParam("status")),
		Sort:     shelter.PetSort(c.QueryParam("sort")),
		Cursor:   c.QueryParam("cursor"),
		Back:     views.ParseBack(c.QueryParam("back")),
		Location: strings.TrimSpace(c.QueryParam("location")),
	}
	if utf8.RuneCountInString(q.Location) > shelter.MaxIntakeTextLen {
		return q, shelter.Errorf(shelter.EINVALID, "Location is too long: at most %d characters", shelter.MaxIntakeTextLen)
	}
	if utf8.RuneCountInString(q.Query) > shelter.MaxNameLen {
		return q, shelter.Errorf(shelter.EINVALID, "Search is too long: at most %d characters", shelter.MaxNameLen)
	}
	if q.Species != "" && !q.Species.Valid() {
		return q, shelter.Errorf(shelter.EINVALID, "Unknown species %q: %s", q.Species, shelter.SpeciesMessage)
	}
	if q.Status != "" && !q.Status.Valid() {
		return q, shelter.Errorf(shelter.EINVALID, "Unknown status %q", q.Status)
	}
	if q.Sort == "" {
		q.Sort = shelter.SortNewest
	}
	if q.Sort != shelter.SortNewest && q.Sort != shelter.SortName && q.Sort != shelter.SortAge {
		return q, shelter.Errorf(shelter.EINVALID, "Unknown sort %q: must be newest, name or age", q.Sort)
	}
	return q, nil
}

// handlePageBoard is the pets board (/). To htmx targeting #board-live it
// answers that fragment alone, for the live refresh.
func (s *Server) handlePageBoard(c echo.Context) error {
	q, err := boardQuery(c)
	if err != nil {
		return err
	}
	d, err := s.boardData(c, q)
	if err != nil {
		return err
	}
	if isHTMX(c) && htmxTarget(c) == "board-live" {
		return Render(c, http.StatusOK, views.BoardLive(d))
	}
	return Render(c, http.StatusOK, views.BoardPage(s.layout("Pets", views.NavBoard), d))
}

func (s *Server) boardData(c echo.Context, q views.BoardQuery) (views.BoardData, error) {
	ctx := c.Request().Context()
	last, err := s.lastEventID(ctx)
	if err != nil {
		return views.BoardData{}, err
	}
	page, err := s.pets.FindPets(ctx, shelter.PetFilter{
		Status: q.Status, Species: q.Species, Query: q.Query, Location: q.Location,
		ExcludeDeleted: q.Status == "", Sort: q.Sort, Cursor: q.Cursor, Limit: boardPageSize,
	})
	if err != nil {
		return views.BoardData{}, err
	}
	counts, err := s.pets.CountPetsByStatus(ctx)
	if err != nil {
		return views.BoardData{}, err
	}
	locations, err := s.pets.FindPetLocations(ctx)
	if err != nil {
		return views.BoardData{}, err
	}
	d := views.BoardData{Q: q, Page: page, Counts: counts, LastEventID: last, Locations: locations, Now: shelter.Millis(s.now())}
	if s.photos != nil {
		ids := make([]string, len(page.Pets))
		for i, p := range page.Pets {
			ids[i] = p.ID
		}
		if d.Photos, err = s.photos.FindPrimaryPhotos(ctx, ids); err != nil {
			return views.BoardData{}, err
		}
	}
	return d, nil
}

// handlePageBulkStatus asks the orchestrator for one status for each pet
// selected on the board, each pet on its own (its own decision, its own
// transaction), and shows the board again with a summary of those moved
// and those refused, with why.
func (s *Server) handlePageBulkStatus(c echo.Context) error {
	o, err := origin(c, dashboardNamespace)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return shelter.Errorf(shelter.EINVALID, "Invalid form")
	}
	to := shelter.Status(form.Get("status"))
	if !to.Valid() {
		return shelter.Errorf(shelter.EINVALID, "Unknown status %q", to)
	}
	ids := form["id"]
	if len(ids) == 0 {
		return shelter.Errorf(shelter.EINVALID, "No pet selected: tick the pets to move first")
	}
	if len(ids) > boardPageSize {
		return shelter.Errorf(shelter.EINVALID, "Too many pets at once: at most %d", boardPageSize)
	}
	note := strings.TrimSpace(form.Get("note"))
	if to == shelter.StatusIll && note == "" {
		return shelter.Errorf(shelter.EINVALID, "A diagnosis is needed to mark pets ill: write it in the note")
	}
	sum := &views.BulkSummary{Requested: to}
	ctx := c.Request().Context()
	for _, id := range ids {
		st := to
		p, dec, err := s.pets.UpdatePetWith(ctx, o, id, shelter.PetUpdate{Status: &st, Note: note})
		switch {
		case shelter.ErrorCode(err) == shelter.ENOTFOUND:
			sum.Refused = append(sum.Refused, shelter.Refusal{PetID: id, Reason: "is not in the records any more."})
		case shelter.ErrorCode(err) == shelter.ECONFLICT:
			// Deleted since the board was shown: the others still move.
			r := shelter.Refusal{PetID: id, Reason: "is deleted: restore it first."}
			if gone, err := s.pets.FindPetByID(ctx, id); err == nil {
				r.Name = gone.Name
			}
			sum.Refused = append(sum.Refused, r)
		case err != nil:
			return err
		case dec.Rejected:
			sum.Refused = append(sum.Refused, shelter.Refusal{PetID: p.ID, Name: p.Name, Reason: views.RefusalText(*dec)})
		default:
			sum.Moved = append(sum.Moved, p.Name)
		}
	}
	// Back to the board as it was (its filters and page).
	back, _ := url.Parse(form.Get("back"))
	if back == nil || back.Path != "/pets" {
		back = &url.URL{Path: "/pets"}
	}
	c.Request().URL.RawQuery = back.RawQuery
	q, err := boardQuery(c)
	if err != nil {
		return err
	}
	d, err := s.boardData(c, q)
	if err != nil {
		return err
	}
	d.Summary = sum
	return Render(c, http.StatusOK, views.BoardPage(s.layout("Pets", views.NavBoard), d))
}

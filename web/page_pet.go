package web

import (
	"context"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/views"
)

// petData reads everything a pet's page shows. The last event id is read
// first, so the live stream resumes with nothing missed.
func (s *Server) petData(c echo.Context, id string) (views.PetData, error) {
	ctx := c.Request().Context()
	last, err := s.lastEventID(ctx)
	if err != nil {
		return views.PetData{}, err
	}
	p, err := s.pets.FindPetByID(ctx, id)
	if err != nil {
		return views.PetData{}, err
	}
	events, err := s.events.FindEvents(ctx, shelter.EventFilter{PetID: id, Limit: shelter.MaxLimit})
	if err != nil {
		return views.PetData{}, err
	}
	slices.Reverse(events) // newest first
	var photos []*shelter.Photo
	if s.photos != nil {
		if photos, err = s.photos.FindPhotos(ctx, id); err != nil {
			return views.PetData{}, err
		}
	}
	var inquiries []*shelter.Inquiry
	if s.inquiries != nil {
		if inquiries, err = s.inquiries.FindInquiries(ctx, shelter.InquiryFilter{PetID: id, Limit: 50}); err != nil {
			return views.PetData{}, err
		}
	}
	return views.PetData{Photos: photos, Inquiries: inquiries,
		Pet: p, Events: events, Edit: views.FormFromPet(p),
		Now: shelter.Millis(s.now()), PurgeAfter: s.purgeAfter, LastEventID: last,
		CanRegenerate: s.profiles != nil,
	}, nil
}

// handlePagePet is one pet's page. Right after a delete (?deleted=1) it
// carries a toast with Undo.
func (s *Server) handlePagePet(c echo.Context) error {
	d, err := s.petData(c, c.Param("id"))
	if err != nil {
		return err
	}
	o := s.layout(d.Pet.Name, views.NavNone)
	if c.QueryParam("deleted") == "1" && d.Pet.Deleted() {
		o.Toasts = []views.ToastMsg{{Text: d.Pet.Name + ": deleted", OK: true, UndoURL: views.PetURL(d.Pet.ID) + "/restore"}}
	}
	return Render(c, http.StatusOK, views.PetPage(o, d))
}

// handlePagePetLive is the live part of a pet's page, for the stream's
// refresh.
func (s *Server) handlePagePetLive(c echo.Context) error {
	d, err := s.petData(c, c.Param("id"))
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, views.PetLive(d))
}

// afterPetAction answers a successful action on a pet: htmx gets the
// fresh live fragment, a plain form a redirect to the pet's page.
func (s *Server) afterPetAction(c echo.Context, id string) error {
	if !isHTMX(c) {
		return c.Redirect(http.StatusSeeOther, views.PetURL(id))
	}
	d, err := s.petData(c, id)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, views.PetLive(d))
}

// handlePagePetStatus asks the orchestrator for the status a button
// names, with the record the dashboard asks for (note, applicant). A
// rejected request is ECONFLICT with the orchestrator's reason. htmx gets
// the fragment it targets (the pet's live part, or the Today page's) and
// a toast naming the pet and the outcome.
func (s *Server) handlePagePetStatus(c echo.Context) error {
	o, err := origin(c, dashboardNamespace)
	if err != nil {
		return err
	}
	id := c.Param("id")
	to := shelter.Status(c.FormValue("status"))
	if !to.Valid() {
		return shelter.Errorf(shelter.EINVALID, "Unknown status %q", to)
	}
	u := shelter.PetUpdate{Status: &to, Note: c.FormValue("note")}
	if name, email, phone := c.FormValue("adopter_name"), c.FormValue("adopter_email"), c.FormValue("adopter_phone"); name != "" || email != "" || phone != "" {
		u.Adopter = &shelter.Adopter{Name: name, Email: email, Phone: phone}
	}
	p, dec, err := s.pets.UpdatePetWith(c.Request().Context(), o, id, u)
	if err != nil {
		return err
	}
	if dec != nil && dec.Rejected {
		return shelter.Errorf(shelter.ECONFLICT, "%s: %s", p.Name, dec.Reason)
	}
	toast := views.ToastMsg{Text: views.OutcomeText(p.Name, *dec), OK: true}
	if !isHTMX(c) {
		return c.Redirect(http.StatusSeeOther, views.PetURL(id))
	}
	if htmxTarget(c) == "today-live" {
		d, err := s.todayData(c)
		if err != nil {
			return err
		}
		return Render(c, http.StatusOK, views.WithToasts(views.TodayLive(d), toast))
	}
	d, err := s.petData(c, id)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, views.WithToasts(views.PetLive(d), toast))
}

// handlePagePetFed records a feeding of the pet now, from its page.
func (s *Server) handlePagePetFed(c echo.Context) error {
	o, err := origin(c, dashboardNamespace)
	if err != nil {
		return err
	}
	id := c.Param("id")
	res, err := s.feedings.RecordFeedings(c.Request().Context(), o, []string{id}, shelter.FeedingRequest{})
	if err != nil {
		return err
	}
	if len(res.Fed) == 0 {
		if res.Refused[0].Reason == "Not found" {
			return shelter.ErrNotFound()
		}
		return shelter.Errorf(shelter.ECONFLICT, "%s", res.Refused[0].Reason)
	}
	if !isHTMX(c) {
		return c.Redirect(http.StatusSeeOther, views.PetURL(id))
	}
	d, err := s.petData(c, id)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, views.WithToasts(views.PetLive(d), fedToasts(res)...))
}

// handlePagePetEdit saves the edit form; with problems it shows the form
// again with them.
func (s *Server) handlePagePetEdit(c echo.Context) error {
	o, err := origin(c, dashboardNamespace)
	if err != nil {
		return err
	}
	id := c.Param("id")
	ctx := c.Request().Context()
	form, fields, bad := petForm(c, true)
	var problems []shelter.FieldError
	status := http.StatusBadRequest
	if len(bad) > 0 {
		problems = append(bad, checkForm(fields, true)...)
	} else {
		p, _, err := s.pets.UpdatePet(ctx, o, id, fields, nil)
		if err == nil {
			if isHTMX(c) {
				return Render(c, http.StatusOK, views.Saved(p.ID, views.FormFromPet(p)))
			}
			return c.Redirect(http.StatusSeeOther, views.PetURL(p.ID))
		}
		if problems = shelter.ErrorFields(err); !formProblem(err) || len(problems) == 0 {
			return err
		}
		status = codeStatus(err)
	}
	form = withErrors(form, problems)
	if isHTMX(c) {
		return Render(c, status, views.EditForm(id, form))
	}
	d, err := s.petData(c, id)
	if err != nil {
		return err
	}
	d.Edit = form
	return Render(c, status, views.PetPage(s.layout(d.Pet.Name, views.NavNone), d))
}

// handlePagePetDelete soft-deletes a pet with the reason the page asked
// for, then shows the deleted record with a toast offering Undo.
func (s *Server) handlePagePetDelete(c echo.Context) error {
	o, err := origin(c, dashboardNamespace)
	if err != nil {
		return err
	}
	p, err := s.pets.DeletePetWith(c.Request().Context(), o, c.Param("id"), shelter.PetDelete{Reason: c.FormValue("reason")})
	if err != nil {
		return err
	}
	return seeOther(c, views.PetURL(p.ID)+"?deleted=1")
}

// handlePagePetRestore restores a deleted pet, then returns to the
// Deleted page when it came from there, else to the pet.
func (s *Server) handlePagePetRestore(c echo.Context) error {
	o, err := origin(c, dashboardNamespace)
	if err != nil {
		return err
	}
	p, err := s.pets.RestorePet(c.Request().Context(), o, c.Param("id"))
	if err != nil {
		return err
	}
	if c.FormValue("next") == "/deleted" {
		return seeOther(c, "/deleted")
	}
	return seeOther(c, views.PetURL(p.ID))
}

// ProfileRequester queues a fresh AI profile for a pet (the enrichment
// job); created is false when one was already queued. The store has it.
type ProfileRequester interface {
	EnqueueEnrichment(ctx context.Context, o shelter.Origin, petID string) (jobID int64, created bool, err error)
}

// handlePagePetProfile asks for a new AI profile; the live stream shows
// it when it arrives.
func (s *Server) handlePagePetProfile(c echo.Context) error {
	o, err := origin(c, dashboardNamespace)
	if err != nil {
		return err
	}
	if s.profiles == nil {
		return shelter.Errorf(shelter.ENOTIMPLEMENTED, "AI profiles are switched off")
	}
	id := c.Param("id")
	if _, _, err := s.profiles.EnqueueEnrichment(c.Request().Context(), o, id); err != nil {
		return err
	}
	return s.afterPetAction(c, id)
}

// handlePagePetCard is a pet's printable kennel card.
func (s *Server) handlePagePetCard(c echo.Context) error {
	d, err := s.petData(c, c.Param("id"))
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, views.KennelCard(d))
}

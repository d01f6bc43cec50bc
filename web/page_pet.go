package web

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strings"

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
	switch {
	case c.QueryParam("deleted") == "1" && d.Pet.Deleted():
		o.Toasts = []views.ToastMsg{{Text: d.Pet.Name + ": deleted", OK: true, UndoURL: views.PetURL(d.Pet.ID) + "/restore"}}
	case c.QueryParam("restored") == "1" && !d.Pet.Deleted():
		o.Toasts = []views.ToastMsg{{Text: d.Pet.Name + ": restored → now " + strings.ToLower(d.Pet.Status.Label()), OK: true}}
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
		msg := p.Name + " " + views.RefusalText(*dec)
		if !isHTMX(c) {
			return shelter.Errorf(shelter.ECONFLICT, "%s", msg)
		}
		// The page was behind (someone else moved the pet): it shows the
		// pet as it is now, and the buttons it has now, beside the refusal.
		return s.renderStatusLive(c, id, http.StatusConflict, views.ToastMsg{Text: msg})
	}
	if !isHTMX(c) {
		return c.Redirect(http.StatusSeeOther, views.PetURL(id))
	}
	return s.renderStatusLive(c, id, http.StatusOK, views.ToastMsg{Text: views.OutcomeText(p.Name, *dec), OK: true})
}

// renderStatusLive answers a status request from a pet's page or Today
// with the part of the page that changed, and toast.
func (s *Server) renderStatusLive(c echo.Context, id string, status int, toast views.ToastMsg) error {
	if htmxTarget(c) == "today-live" {
		d, err := s.todayData(c)
		if err != nil {
			return err
		}
		return Render(c, status, views.WithToasts(views.TodayLive(d), toast))
	}
	d, err := s.petData(c, id)
	if err != nil {
		return err
	}
	return Render(c, status, views.WithToasts(views.PetLive(d), toast))
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
// again with them. The form carries the values it was opened with (its
// base): a field the user left alone takes the pet's current value (a
// colleague's change, a profile or a feeding merges in), a field only the
// user changed is written, and a field both changed since is a conflict the
// user resolves in a panel showing both values. The write is made against
// the version read (If-Match inside), so a change landing in between is
// merged again rather than overwritten.
func (s *Server) handlePagePetEdit(c echo.Context) error {
	o, err := origin(c, dashboardNamespace)
	if err != nil {
		return err
	}
	id := c.Param("id")
	ctx := c.Request().Context()
	mine, _, _ := petForm(c, true)
	mineVals := mine.Values()
	for attempt := 0; ; attempt++ {
		cur, err := s.pets.FindPetByID(ctx, id)
		if err != nil {
			return err
		}
		theirs := views.FormFromPet(cur)
		merged, conflicts := mergeEdit(c, mineVals, theirs.Values())
		if len(conflicts) > 0 {
			// The form shows the user's value where they clash, the merged
			// one elsewhere, over the pet as it now is.
			shown := maps.Clone(merged)
			for _, cf := range conflicts {
				shown[cf.Field] = cf.Mine
			}
			form, _, _ := petFormFrom(func(k string) string { return shown[k] }, true)
			form.Base, form.Conflicts = theirs.Base, conflicts
			return s.renderEditForm(c, id, http.StatusConflict, form)
		}
		form, fields, bad := petFormFrom(func(k string) string { return merged[k] }, true)
		form.Base = theirs.Base
		if len(bad) > 0 {
			return s.renderEditForm(c, id, http.StatusBadRequest, withErrors(form, append(bad, checkForm(fields, true)...)))
		}
		p, _, err := s.pets.UpdatePetWith(ctx, o, id, shelter.PetUpdate{Fields: fields, IfVersion: cur.Version})
		if shelter.ErrorCode(err) == shelter.EPRECONDITION && attempt < 3 {
			continue // changed between the read and the write: merge again
		}
		if err == nil {
			if isHTMX(c) {
				return Render(c, http.StatusOK, views.Saved(p.ID, views.FormFromPet(p), p.Name))
			}
			return c.Redirect(http.StatusSeeOther, views.PetURL(p.ID))
		}
		problems := shelter.ErrorFields(err)
		if !formProblem(err) || len(problems) == 0 {
			return err
		}
		return s.renderEditForm(c, id, codeStatus(err), withErrors(form, problems))
	}
}

// sameValue compares two values of a form field as a person would: line
// endings and surrounding space do not count.
func sameValue(a, b string) bool {
	norm := func(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }
	return norm(a) == norm(b)
}

// mergeEdit merges the user's form (mine) with the pet as it is (theirs)
// over the values the form was opened with (orig_*). A choice made in a
// conflict panel (choice_*) settles its field.
func mergeEdit(c echo.Context, mine, theirs map[string]string) (map[string]string, []views.Conflict) {
	merged := map[string]string{}
	var conflicts []views.Conflict
	for _, f := range views.EditFields {
		k := f.Name
		base, hasBase := c.Request().PostForm["orig_"+k]
		b := theirs[k]
		if hasBase {
			b = base[0]
		}
		switch {
		case c.FormValue("choice_"+k) == "theirs":
			merged[k] = theirs[k]
		case c.FormValue("choice_"+k) == "mine":
			merged[k] = mine[k]
		case sameValue(mine[k], b): // left alone: whatever it is now
			merged[k] = theirs[k]
		case sameValue(theirs[k], b), sameValue(theirs[k], mine[k]): // only mine changed
			merged[k] = mine[k]
		default:
			conflicts = append(conflicts, views.Conflict{Field: k, Label: f.Label, Mine: mine[k], Theirs: theirs[k]})
		}
	}
	return merged, conflicts
}

// renderEditForm answers an edit that was not saved: the form again (a
// fragment to htmx, the whole page otherwise).
func (s *Server) renderEditForm(c echo.Context, id string, status int, form views.PetForm) error {
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

// handlePagePetEditForm is the edit form alone, fresh, for the live
// refresh of an untouched form.
func (s *Server) handlePagePetEditForm(c echo.Context) error {
	p, err := s.pets.FindPetByID(c.Request().Context(), c.Param("id"))
	if err != nil {
		return err
	}
	if p.Deleted() {
		return c.NoContent(http.StatusNoContent)
	}
	return Render(c, http.StatusOK, views.EditLive(p.ID, views.FormFromPet(p)))
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
	return seeOther(c, views.PetURL(p.ID)+"?restored=1")
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
	if !isHTMX(c) {
		return c.Redirect(http.StatusSeeOther, views.PetURL(id))
	}
	d, err := s.petData(c, id)
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, views.WithToasts(views.PetLive(d), views.ToastMsg{Text: d.Pet.Name + ": a new AI profile is on its way", OK: true}))
}

// handlePagePetCard is a pet's printable kennel card.
func (s *Server) handlePagePetCard(c echo.Context) error {
	d, err := s.petData(c, c.Param("id"))
	if err != nil {
		return err
	}
	return Render(c, http.StatusOK, views.KennelCard(d))
}

package web

import (
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/views"
)

// fieldLabels name a pet's fields as the forms label them.
var fieldLabels = map[string]string{"name": "Name", "species": "Species", "ageMonths": "Age in months", "notes": "Notes", "status": "Status",
	"sex": "Sex", "breed": "Breed", "color": "Colour", "microchip": "Microchip", "location": "Location", "intakeType": "Intake type"}

// formProblem reports whether err is one a form shows next to its fields:
// invalid input, or a conflict over one field (a microchip in use).
func formProblem(err error) bool {
	code := shelter.ErrorCode(err)
	return code == shelter.EINVALID || code == shelter.ECONFLICT
}

// codeStatus is the HTTP status of a form's problem.
func codeStatus(err error) int {
	if shelter.ErrorCode(err) == shelter.ECONFLICT {
		return http.StatusConflict
	}
	return http.StatusBadRequest
}

func fieldLabel(f string) string {
	if l, ok := fieldLabels[f]; ok {
		return l
	}
	return f
}

// petForm reads the add or edit form. It returns what was typed, the
// fields to store, and the problems found before the domain's validation
// (an age that is not a number; on edit, a species left unchosen).
func petForm(c echo.Context, edit bool) (views.PetForm, shelter.PetFields, []shelter.FieldError) {
	return petFormFrom(c.FormValue, edit)
}

// petFormFrom reads the add or edit form's fields through get.
func petFormFrom(get func(string) string, edit bool) (views.PetForm, shelter.PetFields, []shelter.FieldError) {
	form := views.PetForm{
		Name:         get("name"),
		Species:      get("species"),
		AgeMonths:    strings.TrimSpace(get("ageMonths")),
		Notes:        get("notes"),
		FeedingHours: strings.TrimSpace(get("feedingHours")),
		Intake: views.IntakeForm{
			Sex: get("sex"), Breed: get("breed"), Color: get("color"),
			Microchip: get("microchip"), Location: get("location"), IntakeType: get("intakeType"),
		},
	}
	var (
		f    shelter.PetFields
		bad  []shelter.FieldError
		name = form.Name
	)
	f.Name = &name
	if form.Species != "" {
		sp := shelter.Species(form.Species)
		f.Species = &sp
	} else if edit {
		bad = append(bad, shelter.FieldError{Field: "species", Message: "is required"})
	}
	if form.AgeMonths != "" {
		n, err := strconv.Atoi(form.AgeMonths)
		if err != nil {
			bad = append(bad, shelter.FieldError{Field: "ageMonths", Message: shelter.AgeMessage})
		} else {
			f.AgeMonths = &n
		}
	} else if edit {
		bad = append(bad, shelter.FieldError{Field: "ageMonths", Message: "is required"})
	}
	notes := strings.ReplaceAll(form.Notes, "\r\n", "\n")
	f.Notes = &notes
	if form.FeedingHours != "" {
		h, err := strconv.ParseFloat(strings.Replace(form.FeedingHours, ",", ".", 1), 64)
		if m := int(math.Round(h * 60)); err != nil || math.IsNaN(h) || (m != 0 && (m < shelter.MinFeedingIntervalMinutes || m > shelter.MaxFeedingIntervalMinutes)) {
			bad = append(bad, shelter.FieldError{Field: "feedingIntervalMinutes", Message: "must be a number of hours from 0.5 to 168, or empty for the shelter's default"})
		} else {
			f.FeedingIntervalMinutes = &m
		}
	} else if edit {
		zero := 0
		f.FeedingIntervalMinutes = &zero
	}
	in := form.Intake
	sex, it := shelter.Sex(in.Sex), shelter.IntakeType(in.IntakeType)
	f.Intake = shelter.IntakeFields{Sex: &sex, Breed: &in.Breed, Color: &in.Color, Microchip: &in.Microchip, Location: &in.Location, IntakeType: &it}
	return form, f, bad
}

// withErrors puts field problems next to their fields: the first problem
// of each field, prefixed by its label.
func withErrors(form views.PetForm, fes ...[]shelter.FieldError) views.PetForm {
	form.Errors = map[string]string{}
	for _, list := range fes {
		for _, fe := range list {
			if _, ok := form.Errors[fe.Field]; !ok {
				form.Errors[fe.Field] = fieldLabel(fe.Field) + " " + fe.Message
			}
		}
	}
	return form
}

// checkForm runs the domain's validation on fields read from a form, for
// a form that already has problems of its own, so all show at once.
func checkForm(f shelter.PetFields, edit bool) []shelter.FieldError {
	f.Normalize()
	if edit {
		return shelter.ErrorFields(f.ValidateUpdate())
	}
	return shelter.ErrorFields(f.ValidateCreate())
}

// handlePageNewPet shows the add form.
func (s *Server) handlePageNewPet(c echo.Context) error {
	return Render(c, http.StatusOK, views.NewPetPage(s.layout("Add a pet", views.NavNew), views.PetForm{}))
}

// handlePagePetCreate adds a pet from the form: the pet's page on success,
// the form again with its problems otherwise (to htmx, the form alone).
func (s *Server) handlePagePetCreate(c echo.Context) error {
	o, err := origin(c, dashboardNamespace)
	if err != nil {
		return err
	}
	form, fields, bad := petForm(c, false)
	var problems []shelter.FieldError
	status := http.StatusBadRequest
	if len(bad) > 0 {
		problems = append(bad, checkForm(fields, false)...)
	} else {
		p, err := s.pets.CreatePet(c.Request().Context(), o, fields)
		if err == nil {
			return seeOther(c, views.PetURL(p.ID))
		}
		if problems = shelter.ErrorFields(err); !formProblem(err) || len(problems) == 0 {
			return err
		}
		status = codeStatus(err)
	}
	form = withErrors(form, problems)
	if isHTMX(c) {
		return Render(c, status, views.NewPetForm(form))
	}
	return Render(c, status, views.NewPetPage(s.layout("Add a pet", views.NavNew), form))
}

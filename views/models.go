package views

import (
	"time"

	"github.com/petstore/petstore/internal/shelter"
)

// PetForm is what a staff member typed into the add or edit form, kept as
// text so a rejected form shows it again, with the problems per field.
type PetForm struct {
	Name, Species, AgeMonths, Notes string
	Intake                          IntakeForm
	// Errors maps a field ("name", "species", "ageMonths", "notes") to
	// its problem.
	Errors map[string]string
}

// Err returns the problem with field, or "".
func (f PetForm) Err(field string) string { return f.Errors[field] }

// FormFromPet fills a form with a pet's current values.
func FormFromPet(p *shelter.Pet) PetForm {
	return PetForm{Name: p.Name, Species: string(p.Species), AgeMonths: itoa(p.AgeMonths), Notes: p.Notes,
		Intake: IntakeForm{Sex: string(p.Sex), Breed: p.Breed, Color: p.Color, Microchip: p.Microchip,
			Location: p.Location, IntakeType: string(p.IntakeType)}}
}

// IntakeForm is the intake part of the add and edit forms, as typed.
type IntakeForm struct {
	Sex, Breed, Color, Microchip, Location, IntakeType string
}

// BoardData is the pets board.
type BoardData struct {
	Q      BoardQuery
	Page   *shelter.PetPage
	Counts map[shelter.Status]int
	// Photos are the primary photos of the listed pets, by pet id.
	Photos map[string]*shelter.Photo
	// Locations are the kennels and foster homes the location filter offers.
	Locations []string
	// LastEventID is the newest event when the data was read; the live
	// stream resumes after it.
	LastEventID int64
}

// PetData is one pet's page.
type PetData struct {
	Pet *shelter.Pet
	// Events is the pet's timeline, newest first.
	Events []*shelter.Event
	Edit   PetForm
	// Now is the clock reading in milliseconds (for days left).
	Now int64
	// PurgeAfter is how long a deleted pet is kept.
	PurgeAfter  time.Duration
	LastEventID int64
	// Inquiries are the public's inquiries about the pet, newest first.
	Inquiries []*shelter.Inquiry
	// Photos are the pet's photos, the primary first.
	Photos []*shelter.Photo
	// CanRegenerate shows the AI profile's "Regenerate" button.
	CanRegenerate bool
}

// DeletedData is the list of soft-deleted pets.
type DeletedData struct {
	Page        *shelter.PetPage
	Cursor      string
	Now         int64
	LastEventID int64
}

// WorkflowData is the lifecycle page.
type WorkflowData struct {
	Counts map[shelter.Status]int
	// Events are the latest events, newest first.
	Events      []*shelter.Event
	LastEventID int64
}

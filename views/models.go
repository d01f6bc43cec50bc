package views

import (
	"strconv"
	"time"

	"github.com/a-h/templ"

	"github.com/petstore/petstore/internal/shelter"
)

// PetForm is what a staff member typed into the add or edit form, kept as
// text so a rejected form shows it again, with the problems per field.
type PetForm struct {
	Name, Species, AgeMonths, Notes string
	// FeedingHours is the pet's own feeding interval in hours ("" for the
	// shelter's default).
	FeedingHours string
	Intake       IntakeForm
	// Base holds the values the edit form was opened with (field → value):
	// a save changes only what the user changed since, and a field someone
	// else changed meanwhile becomes a conflict.
	Base map[string]string
	// Conflicts are the fields both the user and someone else changed.
	Conflicts []Conflict
	// Errors maps a field ("name", "species", "ageMonths", "notes") to
	// its problem.
	Errors map[string]string
}

// Err returns the problem with field, or "".
func (f PetForm) Err(field string) string { return f.Errors[field] }

// FormFromPet fills a form with a pet's current values.
func FormFromPet(p *shelter.Pet) PetForm {
	f := PetForm{Name: p.Name, Species: string(p.Species), AgeMonths: itoa(p.AgeMonths), Notes: p.Notes,
		Intake: IntakeForm{Sex: string(p.Sex), Breed: p.Breed, Color: p.Color, Microchip: p.Microchip,
			Location: p.Location, IntakeType: string(p.IntakeType)}}
	if p.OwnFeedingInterval {
		f.FeedingHours = strconv.FormatFloat(float64(p.FeedingIntervalMinutes)/60, 'f', -1, 64)
	}
	f.Base = f.Values()
	return f
}

// EditFields are the edit form's fields, in order, with their labels.
var EditFields = []struct{ Name, Label string }{
	{"name", "Name"}, {"species", "Species"}, {"ageMonths", "Age in months"}, {"notes", "Notes"},
	{"feedingHours", "Feeding interval (hours)"},
	{"sex", "Sex"}, {"breed", "Breed"}, {"color", "Colour"}, {"microchip", "Microchip"},
	{"location", "Location"}, {"intakeType", "Intake type"},
}

// Values are the form's values by field name (EditFields).
func (f PetForm) Values() map[string]string {
	return map[string]string{
		"name": f.Name, "species": f.Species, "ageMonths": f.AgeMonths, "notes": f.Notes, "feedingHours": f.FeedingHours,
		"sex": f.Intake.Sex, "breed": f.Intake.Breed, "color": f.Intake.Color, "microchip": f.Intake.Microchip,
		"location": f.Intake.Location, "intakeType": f.Intake.IntakeType,
	}
}

// Conflict is one field of the edit form that the user and someone else
// both changed since the form was opened: the user chooses.
type Conflict struct {
	Field, Label string
	Mine, Theirs string
}

// Holding reports whether the form holds work a live refresh must not
// replace (a conflict to resolve).
func (f PetForm) Holding() bool { return len(f.Conflicts) > 0 }

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
	// Now is the clock reading (ms), for the feeding column.
	Now int64
	// Summary is the outcome of a bulk transition, shown above the list.
	Summary *BulkSummary
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
	// Names are the names of the events' pets, by id.
	Names map[string]string
}

// TodayData is the Today page: the day's lists and any section another
// part of the app adds.
type TodayData struct {
	Today *shelter.Today
	// Extra are sections shown after the built-in ones (a feature with
	// work of its own for the day adds one here).
	Extra       []TodaySection
	LastEventID int64
}

// TodaySection is one section of the Today page: a heading with its
// count, a body, and the text shown when it is empty.
type TodaySection struct {
	// ID names the section in ids and data-testid ("feeding").
	ID    string
	Title string
	Total int
	// Empty is what the section says when it has nothing.
	Empty string
	// Actions are controls beside the heading (Fed all); may be nil.
	Actions templ.Component
	Body    templ.Component
}

// Sections are the page's sections in order: the built-in ones, then
// Extra.
func (d TodayData) Sections() []TodaySection {
	t, now := d.Today, d.Today.Now
	out := []TodaySection{
		{ID: "feeding", Title: "Feeding", Total: t.Feeding.Total, Empty: "Nobody is due a feeding in the next hour.",
			Actions: fedAll(t.Feeding.Pets), Body: feedingList(t.Feeding.Pets, now)},
		{ID: "quarantine", Title: "Quarantine checks", Total: t.Quarantine.Total, Empty: "No pet is in quarantine.",
			Body: quarantineList(t.Quarantine.Pets, now)},
		{ID: "treatment", Title: "Under treatment", Total: t.Treatment.Total, Empty: "No pet is under treatment.",
			Body: treatmentList(t.Treatment.Pets, now)},
		{ID: "pending", Title: "Adoptions pending", Total: t.Pending.Total, Empty: "No adoption is pending.",
			Body: pendingList(t.Pending.Pets, now)},
		{ID: "arrived", Title: "Arrived in the last 24 hours", Total: t.Arrived.Total, Empty: "No pet arrived in the last 24 hours.",
			Body: arrivedList(t.Arrived.Pets, now)},
	}
	return append(out, d.Extra...)
}

// BulkSummary is the outcome of a bulk transition: the pets moved, and
// those the orchestrator refused, with why.
type BulkSummary struct {
	Requested shelter.Status
	Moved     []string
	Refused   []shelter.Refusal
}

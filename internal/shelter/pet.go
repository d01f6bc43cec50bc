package shelter

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on a pet's fields.
const (
	MaxNameLen   = 100
	MaxNotesLen  = 2000
	MaxAgeMonths = 600
)

// InvalidPayloadMessage is the message of every validation failure of a
// pet's fields, as the original API answered it.
const InvalidPayloadMessage = "Invalid payload: {name, species, ageMonths}"

// Pet is one animal in the shelter's care. Times are milliseconds since the
// Unix epoch, as the original API served them; zero means unset.
type Pet struct {
	ID            string   `json:"id"`
	Name          string   `json:"name"`
	Species       Species  `json:"species"`
	AgeMonths     int      `json:"ageMonths"`
	Status        Status   `json:"status"`
	CreatedAt     int64    `json:"createdAt"`
	UpdatedAt     int64    `json:"updatedAt"`
	Notes         string   `json:"notes,omitempty"`
	NextFeedingAt int64    `json:"nextFeedingAt,omitempty"`
	DeletedAt     int64    `json:"deletedAt,omitempty"`
	PurgeAt       int64    `json:"purgeAt,omitempty"`
	Profile       *Profile `json:"profile,omitempty"`
	// Intake is what staff recorded at the door (sex, breed, microchip…).
	Intake

	// FeedingIntervalMinutes is the time from one feeding to the next: the
	// pet's own, or FEEDING_INTERVAL's when staff set none.
	FeedingIntervalMinutes int `json:"feedingIntervalMinutes"`
	// LastFedAt is the newest recorded feeding (zero: none yet).
	LastFedAt int64 `json:"lastFedAt,omitempty"`
	// Feeding is FeedingDue or FeedingOverdue when a feeding is near or
	// missed; empty otherwise and for pets not in the shelter's care.
	Feeding FeedingState `json:"feeding,omitempty"`
	// Version is bumped by every change to the pet (ETag, If-Match).
	Version int64 `json:"version"`
	// StatusChangedAt is when the pet reached its status; StatusNote the
	// note given with the staff request that led there (a diagnosis).
	StatusChangedAt int64  `json:"statusChangedAt,omitempty"`
	StatusNote      string `json:"statusNote,omitempty"`
	// Adopter is the applicant while pending, the adopter once adopted.
	Adopter *Adopter `json:"adopter,omitempty"`
	// OwnFeedingInterval is true when staff set the pet's interval.
	OwnFeedingInterval bool `json:"-"`
	// OverdueFor is the due time of the newest missed feeding recorded.
	OverdueFor int64 `json:"-"`

	// StatusBeforeDelete is the status a restore brings back.
	StatusBeforeDelete Status `json:"-"`
	// DeletedNamespace is the namespace of the request that deleted the pet;
	// its purge event is recorded there.
	DeletedNamespace string `json:"-"`
}

// Deleted reports whether the pet is soft-deleted.
func (p *Pet) Deleted() bool { return p.Status == StatusDeleted }

// InCare reports whether the pet is in the shelter's care: only those are
// fed, reminded and counted on the Today page.
func (p *Pet) InCare() bool { return p.Status.InCare() }

// Profile is the adopter-facing description of a pet.
type Profile struct {
	Bio             string   `json:"bio"`
	BreedGuess      string   `json:"breedGuess"`
	TemperamentTags []string `json:"temperamentTags"`
	AdopterHints    string   `json:"adopterHints"`
	// Source is ProfileSourceAI or ProfileSourceFallback.
	Source      string `json:"source"`
	Model       string `json:"model,omitempty"`
	GeneratedAt int64  `json:"generatedAt"`
}

// Profile sources.
const (
	ProfileSourceAI       = "ai"
	ProfileSourceFallback = "fallback"
)

// PetFields are the fields of a pet that staff and scripts write. A nil
// field is absent: required on create, left unchanged on update.
type PetFields struct {
	Name      *string
	Species   *Species
	AgeMonths *int
	Notes     *string
	// Intake holds the optional intake fields.
	Intake IntakeFields
	// FeedingIntervalMinutes sets the pet's own feeding interval; 0 goes
	// back to FEEDING_INTERVAL.
	FeedingIntervalMinutes *int
}

// Empty reports whether no field is set.
func (f PetFields) Empty() bool {
	return f.Name == nil && f.Species == nil && f.AgeMonths == nil && f.Notes == nil && f.Intake.Empty() && f.FeedingIntervalMinutes == nil
}

// Normalize trims the name and the notes in place.
func (f *PetFields) Normalize() {
	if f.Name != nil {
		s := strings.TrimSpace(*f.Name)
		f.Name = &s
	}
	if f.Notes != nil {
		s := strings.TrimSpace(*f.Notes)
		f.Notes = &s
	}
	f.Intake.Normalize()
}

// ValidateCreate checks the fields of a new pet: name, species and ageMonths
// are required. It returns nil or an EINVALID *Error with one FieldError per
// problem. Call Normalize first.
func (f PetFields) ValidateCreate() error {
	return f.validate(true)
}

// ValidateUpdate checks the fields of an update: every field is optional,
// but one that is given must be valid.
func (f PetFields) ValidateUpdate() error {
	return f.validate(false)
}

func (f PetFields) validate(create bool) error {
	var fe []FieldError
	if f.Name == nil {
		if create {
			fe = append(fe, FieldError{"name", "is required"})
		}
	} else if *f.Name == "" {
		fe = append(fe, FieldError{"name", "must not be empty"})
	} else if utf8.RuneCountInString(*f.Name) > MaxNameLen {
		fe = append(fe, FieldError{"name", "must be at most 100 characters"})
	} else if msg := TextProblem(*f.Name, false); msg != "" {
		fe = append(fe, FieldError{"name", msg})
	}
	if f.Species == nil {
		if create {
			fe = append(fe, FieldError{"species", "is required"})
		}
	} else if !f.Species.Valid() {
		fe = append(fe, FieldError{"species", SpeciesMessage})
	}
	if f.AgeMonths == nil {
		if create {
			fe = append(fe, FieldError{"ageMonths", "is required"})
		}
	} else if *f.AgeMonths < 0 || *f.AgeMonths > MaxAgeMonths {
		fe = append(fe, FieldError{"ageMonths", AgeMessage})
	}
	if f.Notes != nil && utf8.RuneCountInString(*f.Notes) > MaxNotesLen {
		fe = append(fe, FieldError{"notes", "must be at most 2000 characters"})
	} else if f.Notes != nil {
		if msg := TextProblem(*f.Notes, true); msg != "" {
			fe = append(fe, FieldError{"notes", msg})
		}
	}
	fe = append(fe, f.Intake.Problems()...)
	if n := f.FeedingIntervalMinutes; n != nil && *n != 0 && (*n < MinFeedingIntervalMinutes || *n > MaxFeedingIntervalMinutes) {
		fe = append(fe, FieldError{"feedingIntervalMinutes", FeedingIntervalMessage})
	}
	if len(fe) > 0 {
		return InvalidPayload(fe...)
	}
	return nil
}

// Messages shared by every reader of pet fields (JSON and forms).
const (
	SpeciesMessage = "must be one of dog, cat, bird, other"
	AgeMessage     = "must be a whole number from 0 to 600"
	// FeedingIntervalMessage is the problem with a feeding interval.
	FeedingIntervalMessage = "must be a whole number of minutes from 30 to 10080 (a week), or 0 for the shelter's default"
)

// InvalidPayload returns the EINVALID error for the given field problems.
func InvalidPayload(fe ...FieldError) *Error {
	return &Error{Code: EINVALID, Message: InvalidPayloadMessage, Fields: fe}
}

// Millis converts t to milliseconds since the epoch.
func Millis(t time.Time) int64 { return t.UnixMilli() }

// FromMillis converts milliseconds since the epoch to a time.Time in UTC.
func FromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

package shelter

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of a feeding interval, in minutes.
const (
	MinFeedingIntervalMinutes = 30
	MaxFeedingIntervalMinutes = 7 * 24 * 60
)

// DueWindow is how long before its next feeding a pet counts as due.
const DueWindow = time.Hour

// FeedingState says whether a pet's feeding is near or missed.
type FeedingState string

// Feeding states. A pet is due when its next feeding is within DueWindow
// and overdue once that time has passed.
const (
	FeedingDue     FeedingState = "due"
	FeedingOverdue FeedingState = "overdue"
)

// FeedingStateAt is the state of a pet in status st whose next feeding is
// at next (ms), at time now (ms): empty when neither due nor overdue, or
// when the pet is not in the shelter's care.
func FeedingStateAt(st Status, next, now int64) FeedingState {
	switch {
	case !st.InCare() || next == 0:
		return ""
	case next <= now:
		return FeedingOverdue
	case next <= now+DueWindow.Milliseconds():
		return FeedingDue
	}
	return ""
}

// Feeding is one feeding staff recorded. Times are milliseconds.
type Feeding struct {
	ID        int64  `json:"id"`
	PetID     string `json:"petId"`
	FedAt     int64  `json:"fedAt"`
	Note      string `json:"note,omitempty"`
	Actor     string `json:"actor"`
	Namespace string `json:"namespace"`
	CreatedAt int64  `json:"createdAt"`
}

// MaxNoteLen bounds a feeding's note and a transition's note.
const MaxNoteLen = 2000

// FeedingRequest is a feeding to record: FedAt zero means now.
type FeedingRequest struct {
	FedAt int64
	Note  string
}

// Validate checks a feeding against the clock reading now (ms): fedAt may
// not be in the future (a minute's clock skew is forgiven).
func (r *FeedingRequest) Validate(now int64) error {
	r.Note = strings.TrimSpace(r.Note)
	var fe []FieldError
	if r.FedAt < 0 || r.FedAt > now+time.Minute.Milliseconds() {
		fe = append(fe, FieldError{"fedAt", "must be a time in milliseconds, not in the future"})
	}
	if utf8.RuneCountInString(r.Note) > MaxNoteLen || !utf8.ValidString(r.Note) {
		fe = append(fe, FieldError{"note", "must be text of at most 2000 characters"})
	} else if msg := TextProblem(r.Note, true); msg != "" {
		fe = append(fe, FieldError{"note", msg})
	}
	if len(fe) > 0 {
		return &Error{Code: EINVALID, Message: "Invalid feeding", Fields: fe}
	}
	return nil
}

// FeedingResult is the answer to a round of feedings: the feedings
// recorded, with their pets as they now are, and the pets refused with why.
type FeedingResult struct {
	Fed     []FedPet
	Refused []Refusal
}

// FedPet is one feeding recorded and its pet afterwards.
type FedPet struct {
	Feeding *Feeding
	Pet     *Pet
}

// Refusal is a pet a bulk action left alone, and why.
type Refusal struct {
	PetID  string `json:"petId"`
	Name   string `json:"name,omitempty"`
	Reason string `json:"reason"`
}

// Adopter is who applied to adopt a pet (and, once adopted, adopted it).
type Adopter struct {
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// Normalize trims the adopter's fields.
func (a *Adopter) Normalize() {
	a.Name, a.Email, a.Phone = strings.TrimSpace(a.Name), strings.TrimSpace(a.Email), strings.TrimSpace(a.Phone)
}

// Validate checks an adopter: a name, an email of the right shape when
// given, a phone of digits and punctuation when given.
func (a Adopter) Validate() []FieldError {
	var fe []FieldError
	if a.Name == "" {
		fe = append(fe, FieldError{"adopter.name", "is required"})
	} else if utf8.RuneCountInString(a.Name) > MaxNameLen || !utf8.ValidString(a.Name) {
		fe = append(fe, FieldError{"adopter.name", "must be text of at most 100 characters"})
	} else if msg := TextProblem(a.Name, false); msg != "" {
		fe = append(fe, FieldError{"adopter.name", msg})
	}
	if a.Email != "" {
		addr, err := mail.ParseAddress(a.Email)
		if err != nil || addr.Address != a.Email || len(a.Email) > 254 || !strings.Contains(a.Email[strings.LastIndexByte(a.Email, '@')+1:], ".") {
			fe = append(fe, FieldError{"adopter.email", "must be an email address like name@example.org"})
		}
	}
	if a.Phone != "" {
		ok := len(a.Phone) <= 40
		digits := 0
		for _, r := range a.Phone {
			switch {
			case r >= '0' && r <= '9':
				digits++
			case strings.ContainsRune("+-() ./", r):
			default:
				ok = false
			}
		}
		if !ok || digits < 3 {
			fe = append(fe, FieldError{"adopter.phone", "must be a phone number (digits, spaces, + - ( ) . /)"})
		}
	}
	return fe
}

// PetUpdate is a change to a pet: fields, and a status asked for with its
// note and (for pending) the applicant. IfVersion, when not zero, is the
// version the change was made against: any other is EPRECONDITION.
type PetUpdate struct {
	Fields  PetFields
	Status  *Status
	Note    string
	Adopter *Adopter
	// IfVersion is the If-Match version; 0 means any.
	IfVersion int64
}

// Validate checks what PetFields.ValidateUpdate does not: the note and
// adopter, which only go with a status (the adopter only with pending).
// Call Fields.Normalize first.
func (u *PetUpdate) Validate() error {
	u.Note = strings.TrimSpace(u.Note)
	fe := ErrorFields(u.Fields.ValidateUpdate())
	if u.Status != nil && !u.Status.Valid() {
		fe = append(fe, FieldError{"status", "is not a known status"})
	}
	if u.Note != "" && u.Status == nil {
		fe = append(fe, FieldError{"note", "goes with a status: send it with \"status\""})
	} else if utf8.RuneCountInString(u.Note) > MaxNoteLen || !utf8.ValidString(u.Note) {
		fe = append(fe, FieldError{"note", "must be text of at most 2000 characters"})
	} else if msg := TextProblem(u.Note, true); msg != "" {
		fe = append(fe, FieldError{"note", msg})
	}
	if u.Adopter != nil {
		u.Adopter.Normalize()
		if u.Status == nil || *u.Status != StatusPending {
			fe = append(fe, FieldError{"adopter", "goes with \"status\": \"pending\""})
		} else {
			fe = append(fe, u.Adopter.Validate()...)
		}
	}
	if len(fe) > 0 {
		return InvalidPayload(fe...)
	}
	return nil
}

// PetDelete is a delete with its reason; IfVersion as in PetUpdate.
type PetDelete struct {
	Reason    string
	IfVersion int64
}

// EPRECONDITION is the code of a change made against a version of a pet
// that is no longer current (If-Match).
const EPRECONDITION = "precondition_failed"

// ErrStale is the error of a change made against version had of pet id,
// which now has version now.
func ErrStale(id string, had, now int64) *Error {
	if had < 0 { // an If-Match that names no version (see the web layer's ifMatch)
		return Errorf(EPRECONDITION, "Pet %s: If-Match names no version of it; send its ETag as it came, one version in quotes (now \"%d\")", id, now)
	}
	return Errorf(EPRECONDITION, "Pet %s has changed: version %d is current, the request was made against %d", id, now, had)
}

// Today is what the shelter has to do today: the Today page and GET
// /api/today. Each list is capped; its Total counts it all.
type Today struct {
	// Feeding lists the overdue pets first (longest overdue first), then
	// the due ones (soonest first).
	Feeding Section `json:"feeding"`
	// Quarantine lists the pets in quarantine, longest first.
	Quarantine Section `json:"quarantine"`
	// Treatment lists the pets under treatment, longest first.
	Treatment Section `json:"treatment"`
	// Pending lists the adoptions pending, oldest application first.
	Pending Section `json:"pending"`
	// Arrived lists the pets created in the last 24 hours, newest first.
	Arrived Section `json:"arrived"`
	// Now is the clock reading the lists were made at (ms).
	Now int64 `json:"now"`
}

// Section is one list of the Today page.
type Section struct {
	Total int    `json:"total"`
	Pets  []*Pet `json:"pets"`
}

// Count is the number of pets that need someone today (the navigation's
// badge): to feed, to check, under treatment, pending.
func (t *Today) Count() int {
	return t.Feeding.Total + t.Quarantine.Total + t.Treatment.Total + t.Pending.Total
}

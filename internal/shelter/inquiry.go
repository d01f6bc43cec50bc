package shelter

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Inquiry events, without their namespace. An inquiry's events are
// recorded in NamespacePublic by ActorAdopter, and carry only the
// inquiry's id (the person's details stay in the inquiry).
const (
	EventInquiryReceived = "inquiry.received"
	EventInquiryClosed   = "inquiry.closed"
	NamespacePublic      = "public"
	ActorAdopter         = "adopter"
)

// InquiryState is open until staff start an adoption from it or decline it.
type InquiryState string

// Inquiry states.
const (
	InquiryOpen   InquiryState = "open"
	InquiryClosed InquiryState = "closed"
)

// Inquiry outcomes, set when it closes.
const (
	OutcomeAdoptionStarted = "adoption_started"
	OutcomeDeclined        = "declined"
)

// Limits of an inquiry and of how many may be filed.
const (
	MaxInquiryMessageLen = 2000
	MaxCloseReasonLen    = 500
	// InquiriesPerAddress is how many inquiries one address may file in
	// InquiryWindow; InquiriesPerPet how many one pet may receive.
	InquiriesPerAddress = 5
	InquiriesPerPet     = 30
	InquiryWindow       = time.Hour
)

// Inquiry is a member of the public asking to meet an available pet.
type Inquiry struct {
	ID      string       `json:"id"`
	PetID   string       `json:"petId"`
	PetName string       `json:"petName"`
	Name    string       `json:"name"`
	Email   string       `json:"email"`
	Phone   string       `json:"phone,omitempty"`
	Message string       `json:"message,omitempty"`
	State   InquiryState `json:"state"`
	// Outcome is OutcomeAdoptionStarted or OutcomeDeclined once closed;
	// Reason is what staff wrote when they declined.
	Outcome   string `json:"outcome,omitempty"`
	Reason    string `json:"reason,omitempty"`
	ClosedBy  string `json:"closedBy,omitempty"`
	ClosedAt  int64  `json:"closedAt,omitempty"`
	CreatedAt int64  `json:"createdAt"`
}

// InquiryFields are what the public form sends.
type InquiryFields struct {
	Name, Email, Phone, Message string
}

// Normalize trims the fields.
func (f *InquiryFields) Normalize() {
	f.Name, f.Email, f.Phone = strings.TrimSpace(f.Name), strings.TrimSpace(f.Email), strings.TrimSpace(f.Phone)
	f.Message = strings.TrimSpace(strings.ReplaceAll(f.Message, "\r\n", "\n"))
}

// Validate checks the fields: a name, an email address, a phone number
// when given and a message of at most 2,000 characters. Call Normalize
// first.
func (f InquiryFields) Validate() error {
	var fe []FieldError
	a := Adopter{Name: f.Name, Email: f.Email, Phone: f.Phone}
	for _, e := range a.Validate() {
		e.Field = strings.TrimPrefix(e.Field, "adopter.")
		fe = append(fe, e)
	}
	if f.Email == "" {
		fe = append(fe, FieldError{"email", "is required, so the shelter can answer"})
	}
	if utf8.RuneCountInString(f.Message) > MaxInquiryMessageLen || !utf8.ValidString(f.Message) {
		fe = append(fe, FieldError{"message", "must be text of at most 2000 characters"})
	} else if msg := TextProblem(f.Message, true); msg != "" {
		fe = append(fe, FieldError{"message", msg})
	}
	if len(fe) > 0 {
		return &Error{Code: EINVALID, Message: "Please check the form", Fields: fe}
	}
	return nil
}

// InquiryFilter selects inquiries, newest first.
type InquiryFilter struct {
	State InquiryState
	PetID string
	// Before continues the list after (older than) the inquiry with this id.
	Before int64
	// Limit is DefaultLimit when zero, at most MaxLimit.
	Limit int
}

// InquiryService is the staff's side of inquiries.
type InquiryService interface {
	FindInquiries(ctx context.Context, f InquiryFilter) ([]*Inquiry, error)
	CountOpenInquiries(ctx context.Context) (int, error)
	// CloseInquiry declines an open inquiry with a reason; ECONFLICT when
	// it is closed already.
	CloseInquiry(ctx context.Context, o Origin, id, reason string) (*Inquiry, error)
	// StartAdoption asks the orchestrator for pending with the inquiry's
	// person as the applicant, and closes the inquiry when the table
	// allows it; a rejected transition changes nothing and is ECONFLICT
	// with the orchestrator's reason.
	StartAdoption(ctx context.Context, o Origin, id string) (*Inquiry, *Pet, error)
}

// AgeGroup is the public page's age filter.
type AgeGroup string

// Age groups, the same for every species.
const (
	AgeYoung  AgeGroup = "young"  // under a year
	AgeAdult  AgeGroup = "adult"  // one to seven years
	AgeSenior AgeGroup = "senior" // eight years and older
)

// AgeGroups lists the age groups in order.
var AgeGroups = []AgeGroup{AgeYoung, AgeAdult, AgeSenior}

// Months returns the range of ages in months of g: [lo, hi).
func (g AgeGroup) Months() (lo, hi int, ok bool) {
	switch g {
	case AgeYoung:
		return 0, 12, true
	case AgeAdult:
		return 12, 96, true
	case AgeSenior:
		return 96, MaxAgeMonths + 1, true
	}
	return 0, 0, false
}

// Label names an age group for adopters.
func (g AgeGroup) Label() string {
	switch g {
	case AgeYoung:
		return "Under 1 year"
	case AgeAdult:
		return "1 to 7 years"
	case AgeSenior:
		return "8 years and older"
	}
	return ""
}

// PublicPet is what the public adoption page may show of an available
// pet, and nothing more: no notes, microchip, location, events or staff.
type PublicPet struct {
	ID        string
	Name      string
	Species   Species
	Sex       Sex
	AgeMonths int
	Profile   *Profile
	Photo     *Photo
	// Available is false for a pet that has left available since it was
	// linked (its page says it is no longer available).
	Available bool
}

// PublicFilter selects the available pets the public page lists.
type PublicFilter struct {
	Species  Species
	AgeGroup AgeGroup
}

// PublicService is the public adoption page's own, read-only view of the
// pets, plus the filing of inquiries. It never returns a pet that is not
// available.
type PublicService interface {
	FindAdoptablePets(ctx context.Context, f PublicFilter) ([]*PublicPet, error)
	// FindAdoptablePet returns an available pet; ENOTFOUND for any other,
	// except that a pet that was available and is now pending or adopted
	// comes back with Available false (and nothing else but its name).
	FindAdoptablePet(ctx context.Context, id string) (*PublicPet, error)
	// FindPublicPhotoData is FindPhotoData for the photos of available
	// pets only.
	FindPublicPhotoData(ctx context.Context, photoID, size, hash string) ([]byte, error)
	// CreateInquiry files an inquiry for an available pet from the client
	// address addr (kept only as a hash, for the limits). ETHROTTLED past
	// the limits per address and per pet.
	CreateInquiry(ctx context.Context, petID string, f InquiryFields, addr string) (*Inquiry, error)
}

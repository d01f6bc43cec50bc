package shelter

import (
	"strings"
	"unicode/utf8"
)

// Sex is a pet's sex as recorded at intake.
type Sex string

// Sexes.
const (
	SexFemale  Sex = "female"
	SexMale    Sex = "male"
	SexUnknown Sex = "unknown"
)

// Sexes lists every sex.
var Sexes = []Sex{SexFemale, SexMale, SexUnknown}

// Valid reports whether s is a known sex.
func (s Sex) Valid() bool {
	for _, v := range Sexes {
		if s == v {
			return true
		}
	}
	return false
}

// IntakeType says how a pet came to the shelter.
type IntakeType string

// Intake types.
const (
	IntakeStray      IntakeType = "stray"
	IntakeSurrender  IntakeType = "surrender"
	IntakeTransfer   IntakeType = "transfer"
	IntakeBornInCare IntakeType = "born_in_care"
	IntakeOther      IntakeType = "other"
)

// Limits of the intake fields.
const (
	MaxIntakeTextLen = 100
	MinMicrochipLen  = 9
	MaxMicrochipLen  = 15
)

// IntakeTypes lists every intake type.
var IntakeTypes = []IntakeType{IntakeStray, IntakeSurrender, IntakeTransfer, IntakeBornInCare, IntakeOther}

// Valid reports whether t is a known intake type.
func (t IntakeType) Valid() bool {
	for _, v := range IntakeTypes {
		if t == v {
			return true
		}
	}
	return false
}

// Messages of the intake fields' problems.
const (
	SexMessage        = "must be one of female, male, unknown"
	IntakeTypeMessage = "must be one of stray, surrender, transfer, born_in_care, other"
	MicrochipMessage  = "must be 9 to 15 letters and digits"
	IntakeTextMessage = "must be at most 100 characters"
)

// Intake is what staff record about a pet at the door. Every field is
// optional; empty means not recorded.
type Intake struct {
	Sex   Sex    `json:"sex,omitempty"`
	Breed string `json:"breed,omitempty"`
	Color string `json:"color,omitempty"`
	// Microchip is upper-case letters and digits, unique among the pets
	// not purged.
	Microchip string `json:"microchip,omitempty"`
	// Location is the kennel or the foster home.
	Location   string     `json:"location,omitempty"`
	IntakeType IntakeType `json:"intakeType,omitempty"`
}

// IntakeFields are the intake fields a create or an update writes; nil is
// absent (left unchanged), "" clears.
type IntakeFields struct {
	Sex        *Sex
	Breed      *string
	Color      *string
	Microchip  *string
	Location   *string
	IntakeType *IntakeType
}

// Empty reports whether no intake field is set.
func (f IntakeFields) Empty() bool {
	return f.Sex == nil && f.Breed == nil && f.Color == nil && f.Microchip == nil && f.Location == nil && f.IntakeType == nil
}

// Normalize trims the texts; a microchip loses its spaces and dashes
// (as scanners and paperwork group the digits) and is upper-cased.
func (f *IntakeFields) Normalize() {
	for _, p := range []**string{&f.Breed, &f.Color, &f.Location} {
		if *p != nil {
			s := strings.TrimSpace(**p)
			*p = &s
		}
	}
	if f.Microchip != nil {
		s := NormalizeMicrochip(*f.Microchip)
		f.Microchip = &s
	}
}

// NormalizeMicrochip returns a microchip number without spaces or dashes,
// upper-cased.
func NormalizeMicrochip(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, s)
	return strings.ToUpper(s)
}

// ValidMicrochip reports whether s (normalized) is a microchip number.
func ValidMicrochip(s string) bool {
	if len(s) < MinMicrochipLen || len(s) > MaxMicrochipLen {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return true
}

// Problems returns one FieldError per invalid intake field.
func (f IntakeFields) Problems() []FieldError {
	var fe []FieldError
	if f.Sex != nil && *f.Sex != "" && !f.Sex.Valid() {
		fe = append(fe, FieldError{"sex", SexMessage})
	}
	for _, t := range []struct {
		name string
		v    *string
	}{{"breed", f.Breed}, {"color", f.Color}} {
		if t.v != nil && (utf8.RuneCountInString(*t.v) > MaxIntakeTextLen || !utf8.ValidString(*t.v)) {
			fe = append(fe, FieldError{t.name, IntakeTextMessage})
		} else if t.v != nil {
			if msg := TextProblem(*t.v, false); msg != "" {
				fe = append(fe, FieldError{t.name, msg})
			}
		}
	}
	if f.Microchip != nil && *f.Microchip != "" && !ValidMicrochip(*f.Microchip) {
		fe = append(fe, FieldError{"microchip", MicrochipMessage})
	}
	if f.Location != nil && (utf8.RuneCountInString(*f.Location) > MaxIntakeTextLen || !utf8.ValidString(*f.Location)) {
		fe = append(fe, FieldError{"location", IntakeTextMessage})
	} else if f.Location != nil {
		if msg := TextProblem(*f.Location, false); msg != "" {
			fe = append(fe, FieldError{"location", msg})
		}
	}
	if f.IntakeType != nil && *f.IntakeType != "" && !f.IntakeType.Valid() {
		fe = append(fe, FieldError{"intakeType", IntakeTypeMessage})
	}
	return fe
}

// Apply writes the set fields to in and returns the changed ones by their
// JSON names.
func (f IntakeFields) Apply(in *Intake) map[string]any {
	changed := map[string]any{}
	if f.Sex != nil && *f.Sex != in.Sex {
		in.Sex, changed["sex"] = *f.Sex, *f.Sex
	}
	if f.Breed != nil && *f.Breed != in.Breed {
		in.Breed, changed["breed"] = *f.Breed, *f.Breed
	}
	if f.Color != nil && *f.Color != in.Color {
		in.Color, changed["color"] = *f.Color, *f.Color
	}
	if f.Microchip != nil && *f.Microchip != in.Microchip {
		in.Microchip, changed["microchip"] = *f.Microchip, *f.Microchip
	}
	if f.Location != nil && *f.Location != in.Location {
		in.Location, changed["location"] = *f.Location, *f.Location
	}
	if f.IntakeType != nil && *f.IntakeType != in.IntakeType {
		in.IntakeType, changed["intakeType"] = *f.IntakeType, *f.IntakeType
	}
	return changed
}

// Label names a sex for people.
func (s Sex) Label() string {
	switch s {
	case SexFemale:
		return "Female"
	case SexMale:
		return "Male"
	case SexUnknown:
		return "Unknown"
	}
	return ""
}

// Label names an intake type for people.
func (t IntakeType) Label() string {
	switch t {
	case IntakeStray:
		return "Stray"
	case IntakeSurrender:
		return "Owner surrender"
	case IntakeTransfer:
		return "Transfer"
	case IntakeBornInCare:
		return "Born in care"
	case IntakeOther:
		return "Other"
	}
	return ""
}

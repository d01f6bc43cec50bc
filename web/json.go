package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
)

// jsonObject is a request body read strictly: a JSON object whose members
// are kept raw, in document order, so each can be checked for its JSON type
// before anything is converted.
type jsonObject struct {
	keys   []string
	values map[string]json.RawMessage
}

// readJSONObject reads the request body as one JSON object. A body that is
// not application/json is EUNSUPPORTED; one that is not a single valid JSON
// object is EINVALID with a message starting "Invalid JSON:". A member named
// twice is a field problem reported with the others (see petFieldsFromJSON).
func readJSONObject(c echo.Context) (*jsonObject, error) {
	req := c.Request()
	ct := req.Header.Get(echo.HeaderContentType)
	mt, _, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil || mt != echo.MIMEApplicationJSON {
		return nil, shelter.Errorf(shelter.EUNSUPPORTED, "Unsupported media type: send Content-Type: application/json")
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		var he *echo.HTTPError
		if errors.As(err, &he) { // the body limit
			return nil, he
		}
		return nil, shelter.Errorf(shelter.EINVALID, "Invalid JSON: could not read the body")
	}
	// A byte order mark (some Windows tools write one) is not JSON, but
	// it says nothing either: it goes.
	return parseJSONObject(bytes.TrimPrefix(body, []byte("\xEF\xBB\xBF")))
}

// parseJSONObject parses body as a single JSON object.
func parseJSONObject(body []byte) (*jsonObject, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, invalidJSON("the body is empty")
	}
	if !utf8.Valid(body) {
		// encoding/json would replace each bad byte by U+FFFD and store it.
		return nil, invalidJSON("the body is not valid UTF-8")
	}
	if !json.Valid(body) {
		var v any
		err := json.Unmarshal(body, &v)
		return nil, invalidJSON(describeJSONError(err))
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, invalidJSON(describeJSONError(err))
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, invalidJSON("the body must be a JSON object")
	}
	o := &jsonObject{values: map[string]json.RawMessage{}}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, invalidJSON(describeJSONError(err))
		}
		key, _ := tok.(string) // json.Valid above: object keys are strings
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, invalidJSON(describeJSONError(err))
		}
		if _, dup := o.values[key]; dup {
			o.keys = append(o.keys, key) // kept to report it
			continue
		}
		o.keys = append(o.keys, key)
		o.values[key] = raw
	}
	return o, nil
}

func invalidJSON(why string) error {
	return shelter.Errorf(shelter.EINVALID, "Invalid JSON: %s", why)
}

// describeJSONError turns encoding/json's errors into a short message.
func describeJSONError(err error) string {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("%s (at byte %d)", se.Error(), se.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "unexpected end of input"
	case err == nil:
		return "malformed"
	}
	return err.Error()
}

// Field problems a JSON reader adds to the domain's validation.
const (
	msgUnknownField  = "unknown field"
	msgReadOnlyField = "is set by the shelter and cannot be written"
	msgDuplicate     = "is given more than once"
	msgString        = "must be a string"
)

// readOnlyFields are pet fields the API returns but never accepts.
var readOnlyFields = map[string]bool{
	"id": true, "createdAt": true, "updatedAt": true, "nextFeedingAt": true,
	"deletedAt": true, "purgeAt": true, "profile": true,
	"lastFedAt": true, "feeding": true, "version": true, "statusChangedAt": true, "statusNote": true,
}

// petInput is what a create or an update asks for.
type petInput struct {
	Fields shelter.PetFields
	// Status is the status asked for (updates only); nil when absent.
	Status *shelter.Status
	// Note and Adopter go with Status (updates only).
	Note    string
	Adopter *shelter.Adopter
}

// update is the input as the store's PetUpdate.
func (in petInput) update(ifVersion int64) shelter.PetUpdate {
	return shelter.PetUpdate{Fields: in.Fields, Status: in.Status, Note: in.Note, Adopter: in.Adopter, IfVersion: ifVersion}
}

// petFieldsFromJSON reads the pet fields of a create (update false) or an
// update out of o, checking each member's JSON type without coercion, and
// then the domain's rules. Every problem is collected into one EINVALID
// error with one FieldError each; nil when the input is valid.
func petFieldsFromJSON(o *jsonObject, update bool) (petInput, error) {
	var (
		in   petInput
		fe   []shelter.FieldError
		bad  = map[string]bool{} // fields with a problem found here
		seen = map[string]bool{}
	)
	add := func(field, msg string) {
		if !bad[field] {
			bad[field] = true
			fe = append(fe, shelter.FieldError{Field: field, Message: msg})
		}
	}
	for _, k := range o.keys {
		if seen[k] {
			add(k, msgDuplicate)
			continue
		}
		seen[k] = true
		raw := o.values[k]
		switch k {
		case "name":
			if s, ok := jsonString(raw); ok {
				in.Fields.Name = &s
			} else {
				add(k, msgString)
			}
		case "species":
			if s, ok := jsonString(raw); ok {
				sp := shelter.Species(s)
				in.Fields.Species = &sp
			} else {
				add(k, shelter.SpeciesMessage)
			}
		case "ageMonths":
			if n, ok := jsonWholeNumber(raw, 0, shelter.MaxAgeMonths); ok {
				in.Fields.AgeMonths = &n
			} else {
				add(k, shelter.AgeMessage)
			}
		case "notes":
			if s, ok := jsonString(raw); ok {
				in.Fields.Notes = &s
			} else {
				add(k, msgString)
			}
		case "sex":
			if v, ok := jsonString(raw); ok {
				sx := shelter.Sex(v)
				in.Fields.Intake.Sex = &sx
			} else {
				add(k, shelter.SexMessage)
			}
		case "intakeType":
			if v, ok := jsonString(raw); ok {
				it := shelter.IntakeType(v)
				in.Fields.Intake.IntakeType = &it
			} else {
				add(k, shelter.IntakeTypeMessage)
			}
		case "breed", "color", "microchip", "location":
			if v, ok := jsonString(raw); ok {
				*intakeText(&in.Fields.Intake, k) = &v
			} else {
				add(k, msgString)
			}
		case "feedingIntervalMinutes":
			if n, ok := jsonWholeNumber(raw, 0, shelter.MaxFeedingIntervalMinutes); ok {
				in.Fields.FeedingIntervalMinutes = &n
			} else {
				add(k, shelter.FeedingIntervalMessage)
			}
		case "note":
			if !update {
				add(k, msgUnknownField+" (a note goes with a status change)")
			} else if s, ok := jsonString(raw); ok {
				in.Note = s
			} else {
				add(k, msgString)
			}
		case "adopter":
			if !update {
				add(k, msgUnknownField+" (an applicant goes with \"status\": \"pending\")")
			} else if a, field, msg := jsonAdopter(raw); msg == "" {
				in.Adopter = a
			} else {
				add(field, msg)
			}
		case "status":
			if !update {
				add(k, msgReadOnlyField+" (a new pet is always new)")
				break
			}
			s, ok := jsonString(raw)
			if st := shelter.Status(s); ok && st.Valid() {
				in.Status = &st
			} else {
				add(k, statusMessage)
			}
		default:
			if readOnlyFields[k] {
				add(k, msgReadOnlyField)
			} else {
				add(k, msgUnknownField)
			}
		}
	}
	in.Fields.Normalize()
	var verr error
	if update {
		u := in.update(0)
		verr = u.Validate()
		in.Note, in.Adopter = u.Note, u.Adopter
	} else {
		verr = in.Fields.ValidateCreate()
	}
	for _, f := range shelter.ErrorFields(verr) {
		add(f.Field, f.Message) // a field already reported keeps its first problem
	}
	if len(fe) > 0 {
		sortFieldErrors(fe)
		return in, shelter.InvalidPayload(fe...)
	}
	if update && in.Fields.Empty() && in.Status == nil {
		return in, shelter.Errorf(shelter.EINVALID, "Nothing to update: send at least one of name, species, ageMonths, notes, sex, breed, color, microchip, location, intakeType, feedingIntervalMinutes, status")
	}
	return in, nil
}

// intakeText returns the field of f named by its JSON name.
func intakeText(f *shelter.IntakeFields, name string) **string {
	switch name {
	case "breed":
		return &f.Breed
	case "color":
		return &f.Color
	case "microchip":
		return &f.Microchip
	}
	return &f.Location
}

// statusMessage lists the statuses a PUT may name.
var statusMessage = func() string {
	names := make([]string, len(shelter.Statuses))
	for i, s := range shelter.Statuses {
		names[i] = string(s)
	}
	return "must be one of " + strings.Join(names, ", ")
}()

// fieldOrder is the order field problems are reported in: the pet's own
// fields first, the rest as they came.
var fieldOrder = map[string]int{"name": 1, "species": 2, "ageMonths": 3, "notes": 4,
	"sex": 5, "breed": 6, "color": 7, "microchip": 8, "location": 9, "intakeType": 10, "feedingIntervalMinutes": 11,
	"status": 12, "note": 13, "adopter": 14}

func sortFieldErrors(fe []shelter.FieldError) {
	rank := func(f string) int {
		if r, ok := fieldOrder[f]; ok {
			return r
		}
		return 100
	}
	// insertion sort: stable, and the lists are short
	for i := 1; i < len(fe); i++ {
		for j := i; j > 0 && rank(fe[j].Field) < rank(fe[j-1].Field); j-- {
			fe[j], fe[j-1] = fe[j-1], fe[j]
		}
	}
}

// jsonString returns raw's value when it is a JSON string (not null).
func jsonString(raw json.RawMessage) (string, bool) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

// jsonWholeNumber returns raw's value when it is a JSON number (not a
// string, not null) whose value is a whole number in [lo, hi]. 12, 12.0 and
// 1.2e1 are twelve; 12.5, "12", 1e400 and -1 (for lo 0) are refused.
func jsonWholeNumber(raw json.RawMessage, lo, hi int) (int, bool) {
	if len(raw) == 0 || (raw[0] != '-' && (raw[0] < '0' || raw[0] > '9')) {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f) || f < float64(lo) || f > float64(hi) {
		return 0, false
	}
	return int(f), true
}

// bindPetInput reads and validates the body of a create or an update.
func bindPetInput(c echo.Context, update bool) (petInput, error) {
	o, err := readJSONObject(c)
	if err != nil {
		return petInput{}, err
	}
	return petFieldsFromJSON(o, update)
}

// jsonAdopter reads an applicant: an object of name, email and phone
// strings. A problem is returned as its field and message.
func jsonAdopter(raw json.RawMessage) (*shelter.Adopter, string, string) {
	o, err := parseJSONObject(raw)
	if err != nil {
		return nil, "adopter", "must be an object {name, email, phone}"
	}
	a := &shelter.Adopter{}
	for _, k := range o.keys {
		v, ok := jsonString(o.values[k])
		if !ok {
			return nil, "adopter." + k, msgString
		}
		switch k {
		case "name":
			a.Name = v
		case "email":
			a.Email = v
		case "phone":
			a.Phone = v
		default:
			return nil, "adopter." + k, msgUnknownField
		}
	}
	return a, "", ""
}

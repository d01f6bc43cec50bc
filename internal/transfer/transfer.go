// Package transfer reads pets from files: the original system's
// .data/pets.json ({"seq": N, "pets": {"1": {…}}}) and this app's own JSON
// export (an array of pets, as GET /api/pets/export?format=json writes it).
package transfer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/petstore/petstore/internal/shelter"
)

// Set is the pets of one file, checked, in id order.
type Set struct {
	Pets []*shelter.Pet
	// Seq is the original's id sequence: ids up to it were handed out, so
	// the import keeps them from being handed out again (0: none given).
	Seq int64
	// Format names what was read: "original" or "export".
	Format string
}

// rawPet is one pet as a file has it; pointers tell absent from zero.
type rawPet struct {
	ID            json.RawMessage     `json:"id"`
	Name          *string             `json:"name"`
	Species       *shelter.Species    `json:"species"`
	AgeMonths     *json.Number        `json:"ageMonths"`
	Status        *shelter.Status     `json:"status"`
	CreatedAt     *json.Number        `json:"createdAt"`
	UpdatedAt     *json.Number        `json:"updatedAt"`
	Notes         *string             `json:"notes"`
	NextFeedingAt *json.Number        `json:"nextFeedingAt"`
	DeletedAt     *json.Number        `json:"deletedAt"`
	PurgeAt       *json.Number        `json:"purgeAt"`
	Profile       *shelter.Profile    `json:"profile"`
	Sex           *shelter.Sex        `json:"sex"`
	Breed         *string             `json:"breed"`
	Color         *string             `json:"color"`
	Microchip     *string             `json:"microchip"`
	Location      *string             `json:"location"`
	IntakeType    *shelter.IntakeType `json:"intakeType"`
}

// maxProblems is how many problems an error lists before "and N more".
const maxProblems = 20

// Read reads and checks a whole file. Nothing of a file with a problem is
// usable: the error (EINVALID) lists the problems, each naming its pet.
// now fills the creation time of pets that have none.
func Read(r io.Reader, now int64) (*Set, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	trimmed := bytes.TrimLeft(raw, " \t\r\n\ufeff")
	set := &Set{}
	var pets []keyed
	switch {
	case len(trimmed) > 0 && trimmed[0] == '[':
		set.Format = "export"
		var list []json.RawMessage
		if err := json.Unmarshal(trimmed, &list); err != nil {
			return nil, invalid("not a JSON array of pets: %v", err)
		}
		for _, m := range list {
			pets = append(pets, keyed{raw: m})
		}
	case len(trimmed) > 0 && trimmed[0] == '{':
		set.Format = "original"
		var file struct {
			Seq  *json.Number               `json:"seq"`
			Pets map[string]json.RawMessage `json:"pets"`
		}
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.UseNumber()
		if err := dec.Decode(&file); err != nil {
			return nil, invalid(`not the original's pets.json ({"seq": N, "pets": {"1": {…}}}): %v`, err)
		}
		if file.Pets == nil {
			return nil, invalid(`no "pets" object: not the original's pets.json`)
		}
		if file.Seq != nil {
			n, err := file.Seq.Int64()
			if err != nil || n < 0 {
				return nil, invalid("seq %s: must be a whole number", file.Seq)
			}
			set.Seq = n
		}
		for k, m := range file.Pets {
			pets = append(pets, keyed{key: k, raw: m})
		}
	default:
		return nil, invalid("not JSON: expected the original's pets.json or this app's JSON export")
	}

	var problems []string
	seen := map[string]bool{}
	for i, kp := range pets {
		p, errs := convert(kp, now)
		name := kp.key
		if p != nil && p.ID != "" {
			name = p.ID
		}
		if name == "" {
			name = "#" + strconv.Itoa(i+1)
		}
		for _, e := range errs {
			problems = append(problems, "pet "+name+": "+e)
		}
		if p == nil || len(errs) > 0 {
			continue
		}
		if seen[p.ID] {
			problems = append(problems, "pet "+p.ID+": the id appears twice")
			continue
		}
		seen[p.ID] = true
		set.Pets = append(set.Pets, p)
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		msg := strings.Join(problems[:min(len(problems), maxProblems)], "\n  ")
		if len(problems) > maxProblems {
			msg += fmt.Sprintf("\n  and %d more", len(problems)-maxProblems)
		}
		return nil, invalid("%d problem(s), nothing imported:\n  %s", len(problems), msg)
	}
	sort.Slice(set.Pets, func(i, j int) bool { return idNum(set.Pets[i].ID) < idNum(set.Pets[j].ID) })
	return set, nil
}

type keyed struct {
	key string // the original's map key
	raw json.RawMessage
}

func invalid(format string, args ...any) error {
	return shelter.Errorf(shelter.EINVALID, format, args...)
}

func idNum(id string) int64 {
	n, _ := strconv.ParseInt(id, 10, 64)
	return n
}

// convert checks one pet and turns it into a shelter.Pet.
func convert(kp keyed, now int64) (*shelter.Pet, []string) {
	var r rawPet
	dec := json.NewDecoder(bytes.NewReader(kp.raw))
	dec.UseNumber()
	if err := dec.Decode(&r); err != nil {
		return nil, []string{"not a pet object: " + err.Error()}
	}
	var errs []string
	p := &shelter.Pet{}

	// The id: a whole number, as a string ("7") or a number (7); the
	// original's map key must agree.
	id := kp.key
	if len(r.ID) > 0 && string(r.ID) != "null" {
		var s string
		if err := json.Unmarshal(r.ID, &s); err != nil {
			s = string(r.ID)
		}
		if id != "" && s != id {
			errs = append(errs, fmt.Sprintf("id %q differs from its key %q", s, id))
		}
		id = s
	}
	if n, err := strconv.ParseInt(id, 10, 64); err != nil || n <= 0 || strconv.FormatInt(n, 10) != id {
		return p, append(errs, fmt.Sprintf("id %q: must be a positive whole number (ids are kept)", id))
	}
	p.ID = id

	whole := func(field string, v *json.Number) (int64, bool) {
		if v == nil {
			return 0, true
		}
		n, err := v.Int64()
		if err != nil || n < 0 {
			errs = append(errs, fmt.Sprintf("%s %s: must be a whole number of milliseconds", field, v))
			return 0, false
		}
		return n, true
	}
	f := shelter.PetFields{Name: r.Name, Species: r.Species, Notes: r.Notes,
		Intake: shelter.IntakeFields{Sex: r.Sex, Breed: r.Breed, Color: r.Color, Microchip: r.Microchip, Location: r.Location, IntakeType: r.IntakeType}}
	if r.AgeMonths != nil {
		n, err := r.AgeMonths.Int64()
		if err != nil {
			errs = append(errs, fmt.Sprintf("ageMonths %s: must be a whole number", r.AgeMonths))
		} else {
			age := int(n)
			f.AgeMonths = &age
		}
	}
	f.Normalize()
	if err := f.ValidateCreate(); err != nil {
		if e, ok := err.(*shelter.Error); ok && len(e.Fields) > 0 {
			for _, fe := range e.Fields {
				errs = append(errs, fe.Field+" "+fe.Message)
			}
		} else {
			errs = append(errs, err.Error())
		}
	}
	if r.Status == nil {
		errs = append(errs, "status is required")
	} else if !r.Status.Valid() {
		errs = append(errs, fmt.Sprintf("unknown status %q (known: %s)", *r.Status, statusList()))
	}
	if len(errs) > 0 {
		return p, errs
	}
	p.Name, p.Species, p.AgeMonths, p.Status = *f.Name, *f.Species, *f.AgeMonths, *r.Status
	if f.Notes != nil {
		p.Notes = *f.Notes
	}
	f.Intake.Apply(&p.Intake)
	p.CreatedAt, _ = whole("createdAt", r.CreatedAt)
	p.UpdatedAt, _ = whole("updatedAt", r.UpdatedAt)
	p.NextFeedingAt, _ = whole("nextFeedingAt", r.NextFeedingAt)
	p.DeletedAt, _ = whole("deletedAt", r.DeletedAt)
	p.PurgeAt, _ = whole("purgeAt", r.PurgeAt)
	if p.CreatedAt == 0 {
		p.CreatedAt = now
	}
	p.UpdatedAt = max(p.UpdatedAt, p.CreatedAt)
	if p.Deleted() {
		if p.DeletedAt == 0 {
			p.DeletedAt = p.UpdatedAt
		}
	} else if p.DeletedAt != 0 || p.PurgeAt != 0 {
		errs = append(errs, "deletedAt or purgeAt set on a pet whose status is not deleted")
	}
	if pr := r.Profile; pr != nil {
		if pr.Source == "" {
			pr.Source = shelter.ProfileSourceAI // the original wrote its profiles with a model (or said nothing)
		}
		if pr.GeneratedAt == 0 {
			pr.GeneratedAt = p.UpdatedAt
		}
		if pr.TemperamentTags == nil {
			pr.TemperamentTags = []string{}
		}
		p.Profile = pr
	}
	return p, errs
}

func statusList() string {
	var names []string
	for _, st := range shelter.Statuses {
		names = append(names, string(st))
	}
	return strings.Join(names, ", ")
}

package store_test

import (
	"strings"
	"testing"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

func TestIntakeFields(t *testing.T) {
	s := storetest.Open(t, store.Options{})
	f := fields("Rex", shelter.SpeciesDog, 30)
	f.Intake = shelter.IntakeFields{Sex: ptr(shelter.SexMale), Breed: ptr(" Collie mix "), Color: ptr("black"),
		Microchip: ptr("985 112-345678901"), Location: ptr("Kennel 4"), IntakeType: ptr(shelter.IntakeStray)}
	rex, err := s.CreatePet(ctx, origin, f)
	if err != nil {
		t.Fatal(err)
	}
	want := shelter.Intake{Sex: shelter.SexMale, Breed: "Collie mix", Color: "black", Microchip: "985112345678901", Location: "Kennel 4", IntakeType: shelter.IntakeStray}
	got, err := s.FindPetByID(ctx, rex.ID)
	if err != nil || got.Intake != want || rex.Intake != want {
		t.Fatalf("stored %+v (%v), created %+v, want %+v", got.Intake, err, rex.Intake, want)
	}

	// A second pet may not take the microchip: 409 naming Rex; nothing written.
	g := fields("Ghost", shelter.SpeciesCat, 3)
	g.Intake.Microchip = ptr("985112345678901")
	_, err = s.CreatePet(ctx, origin, g)
	if shelter.ErrorCode(err) != shelter.ECONFLICT || !strings.Contains(shelter.ErrorMessage(err), "Rex (pet "+rex.ID+")") {
		t.Fatalf("duplicate on create: %v", err)
	}
	g.Intake.Microchip = ptr("ABC123456")
	ghost, err := s.CreatePet(ctx, origin, g)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = s.UpdatePet(ctx, origin, ghost.ID, shelter.PetFields{Intake: shelter.IntakeFields{Microchip: ptr("985112345678901")}}, nil)
	if shelter.ErrorCode(err) != shelter.ECONFLICT || len(shelter.ErrorFields(err)) != 1 {
		t.Fatalf("duplicate on update: %v", err)
	}
	// Saving Rex with his own number is no conflict; a soft-deleted pet keeps
	// its number; clearing frees it.
	if _, _, err := s.UpdatePet(ctx, origin, rex.ID, shelter.PetFields{Intake: shelter.IntakeFields{Microchip: ptr("985112345678901"), Location: ptr("Foster: Ana")}}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeletePet(ctx, origin, rex.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err = s.UpdatePet(ctx, origin, ghost.ID, shelter.PetFields{Intake: shelter.IntakeFields{Microchip: ptr("985112345678901")}}, nil)
	if shelter.ErrorCode(err) != shelter.ECONFLICT {
		t.Fatalf("a soft-deleted pet's number was taken: %v", err)
	}

	// Invalid values.
	bad := fields("Bad", shelter.SpeciesDog, 1)
	bad.Intake = shelter.IntakeFields{Sex: ptr(shelter.Sex("yes")), Microchip: ptr("12ab"), IntakeType: ptr(shelter.IntakeType("found")), Breed: ptr(strings.Repeat("x", 101))}
	_, err = s.CreatePet(ctx, origin, bad)
	var names []string
	for _, fe := range shelter.ErrorFields(err) {
		names = append(names, fe.Field)
	}
	if strings.Join(names, ",") != "sex,breed,microchip,intakeType" {
		t.Fatalf("problems %v (%v)", names, err)
	}
}

func TestSearchByMicrochipAndLocation(t *testing.T) {
	s := storetest.Open(t, store.Options{})
	mk := func(name, chip, loc string) *shelter.Pet {
		f := fields(name, shelter.SpeciesCat, 12)
		f.Intake = shelter.IntakeFields{Microchip: &chip, Location: &loc}
		p, err := s.CreatePet(ctx, origin, f)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	mk("Mia", "276098106543210", "Cattery A")
	mk("Tom", "", "cattery a")
	mk("Zed", "276098106543211", "Foster: Ben")
	names := func(f shelter.PetFilter) string {
		page, err := s.FindPets(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range page.Pets {
			out = append(out, p.Name)
		}
		return strings.Join(out, ",")
	}
	for q, want := range map[string]string{
		"276098106543210":  "Mia",
		"276-098 10654321": "", // not exact
		"mi":               "Mia",
		"2760981065":       "",
	} {
		if got := names(shelter.PetFilter{Query: q}); got != want {
			t.Errorf("q=%q: %q, want %q", q, got, want)
		}
	}
	if got := names(shelter.PetFilter{Location: "CATTERY A"}); got != "Mia,Tom" {
		t.Errorf("location: %q", got)
	}
	locs, err := s.FindPetLocations(ctx)
	if err != nil || len(locs) != 2 {
		t.Fatalf("locations %q %v", locs, err)
	}

	// Letters outside ASCII match whatever their case, as ASCII ones do;
	// the search's own characters match literally.
	mk("Émile Ørsted", "", "Kennel Ä")
	mk("Ölaf*", "", "Zwinger Ü")
	for q, want := range map[string]string{
		"émile": "Émile Ørsted", "ÉMILE": "Émile Ørsted", "ørsted": "Émile Ørsted", "emile": "",
		"ölaf*": "Ölaf*", "ÖLAF": "Ölaf*", "l*": "", "a[f": "", "?": "",
	} {
		if got := names(shelter.PetFilter{Query: q}); got != want {
			t.Errorf("q=%q: %q, want %q", q, got, want)
		}
	}
	for loc, want := range map[string]string{"kennel ä": "Émile Ørsted", "KENNEL Ä": "Émile Ørsted", "zwinger ü": "Ölaf*", "kennel": ""} {
		if got := names(shelter.PetFilter{Location: loc}); got != want {
			t.Errorf("location=%q: %q, want %q", loc, got, want)
		}
	}
}

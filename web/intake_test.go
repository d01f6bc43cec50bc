package web_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
)

func TestIntakeAPI(t *testing.T) {
	a := newAPI(t, store.Options{})
	r := a.Do(t, "POST", "/api/pets", `{"name":"Rex","species":"dog","ageMonths":30,"sex":"male","breed":"Collie mix",
		"color":"black","microchip":"985-112-345-678-901","location":"Kennel 4","intakeType":"stray"}`)
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var rex shelter.Pet
	r.JSON(t, &rex)
	if rex.Microchip != "985112345678901" || rex.Sex != shelter.SexMale || rex.IntakeType != shelter.IntakeStray || rex.Location != "Kennel 4" {
		t.Fatalf("created %+v", rex.Intake)
	}
	ghost := a.Create(t, "api", "Ghost", shelter.SpeciesCat, 2)

	tests := []struct {
		name, method, path, body string
		want                     int
		fields                   []string
		message                  string
	}{
		{"duplicate microchip on create", "POST", "/api/pets", `{"name":"X","species":"dog","ageMonths":1,"microchip":"985112345678901"}`, 409, []string{"microchip"}, "Microchip 985112345678901 already belongs to Rex (pet " + rex.ID + ")"},
		{"duplicate microchip on update", "PUT", "/api/pets/" + ghost.ID, `{"microchip":"985 112 345 678 901"}`, 409, []string{"microchip"}, "Microchip 985112345678901 already belongs to Rex"},
		{"invalid intake", "POST", "/api/pets", `{"name":"X","species":"dog","ageMonths":1,"sex":"m","microchip":"12","intakeType":"found","location":5}`, 400, []string{"sex", "microchip", "location", "intakeType"}, shelter.InvalidPayloadMessage},
		{"clear and set", "PUT", "/api/pets/" + rex.ID, `{"sex":"","location":"Foster: Ana"}`, 200, nil, ""},
		{"intake only update", "PUT", "/api/pets/" + ghost.ID, `{"intakeType":"born_in_care"}`, 200, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := a.Do(t, tt.method, tt.path, tt.body)
			if r.Status != tt.want {
				t.Fatalf("%d %s, want %d", r.Status, r.Body, tt.want)
			}
			if tt.want >= 400 {
				e := r.Err(t)
				if !strings.HasPrefix(e.Message, tt.message) || !slices.Equal(e.fields(), tt.fields) {
					t.Fatalf("error %+v, want %q %v", e, tt.message, tt.fields)
				}
			}
		})
	}
	got := a.Get(t, "api", rex.ID)
	if got.Sex != "" || got.Location != "Foster: Ana" || got.Breed != "Collie mix" {
		t.Fatalf("after update %+v", got.Intake)
	}

	list := func(q string) []string {
		r := a.Do(t, "GET", "/api/pets?"+q, nil)
		if r.Status != 200 {
			t.Fatalf("list %s: %d", q, r.Status)
		}
		var pets []shelter.Pet
		r.JSON(t, &pets)
		var names []string
		for _, p := range pets {
			names = append(names, p.Name)
		}
		return names
	}
	if got := list("q=985112345678901"); !slices.Equal(got, []string{"Rex"}) {
		t.Errorf("by microchip: %v", got)
	}
	if got := list("location=" + url.QueryEscape("foster: ana")); !slices.Equal(got, []string{"Rex"}) {
		t.Errorf("by location: %v", got)
	}
}

func TestIntakeForms(t *testing.T) {
	d := newDash(t)
	form := url.Values{"name": {"Mila"}, "species": {"cat"}, "ageMonths": {"8"}, "sex": {"female"}, "breed": {"Tabby"},
		"color": {"grey"}, "microchip": {"276098106543210"}, "location": {"Cattery A"}, "intakeType": {"surrender"}}
	r := d.do(t, "POST", "/pets/new", form, "")
	if r.Status != 303 {
		t.Fatalf("add: %d %s", r.Status, r.Body)
	}
	page := d.do(t, "GET", r.Header.Get("Location"), nil, "")
	for _, want := range []string{"Tabby", "276098106543210", "Cattery A", "Owner surrender", `data-testid="pet-sex">Female`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("pet page lacks %q", want)
		}
	}
	// The same microchip again: the form comes back, 409, the problem at the field naming Mila.
	form.Set("name", "Other")
	r = d.do(t, "POST", "/pets/new", form, "")
	if r.Status != 409 || !strings.Contains(r.Body, `data-testid="error-microchip"`) || !strings.Contains(r.Body, "already belongs to Mila") {
		t.Fatalf("duplicate: %d %s", r.Status, r.Body)
	}
	board := d.do(t, "GET", "/pets?location=cattery+a", nil, "")
	if board.Status != 200 || !strings.Contains(board.Body, `data-testid="pet-location">Cattery A`) || !strings.Contains(board.Body, `<option value="Cattery A" selected>`) {
		t.Fatalf("board: %d", board.Status)
	}
	if b := d.do(t, "GET", "/pets?q=276098106543210", nil, ""); !strings.Contains(b.Body, ">Mila<") {
		t.Fatalf("search by microchip finds nothing")
	}
}

package web_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/petstore/petstore/internal/shelter"
)

// editForm is the edit form as the page renders it for p: the values and
// the base (orig_*) they were opened with.
func editForm(p *shelter.Pet) url.Values {
	v := url.Values{"name": {p.Name}, "species": {string(p.Species)}, "ageMonths": {strconv.Itoa(p.AgeMonths)}, "notes": {p.Notes}}
	for _, k := range []string{"name", "species", "ageMonths", "notes"} {
		v.Set("orig_"+k, v.Get(k))
	}
	for _, k := range []string{"feedingHours", "sex", "breed", "color", "microchip", "location", "intakeType"} {
		v.Set(k, "")
		v.Set("orig_"+k, "")
	}
	return v
}

// TestEditNeverOverwritesAColleague: two forms opened on one pet; the
// second save merges what does not clash and shows a conflict for what
// does, and nothing is lost.
func TestEditNeverOverwritesAColleague(t *testing.T) {
	d := newDash(t)
	p := d.pet(t, "Luna")
	a, b := editForm(p), editForm(p)

	// A changes the notes and saves.
	a.Set("notes", "Shy with dogs")
	if r := d.do(t, "POST", "/pets/"+p.ID+"/edit", a, "edit-form"); r.Status != 200 || !strings.Contains(r.Body, "Luna: changes saved") {
		t.Fatalf("first save: %d %.300s", r.Status, r.Body)
	}
	// B, opened before, changes the age only: merged, A's notes kept.
	b1 := cloneValues(b)
	b1.Set("ageMonths", "14")
	if r := d.do(t, "POST", "/pets/"+p.ID+"/edit", b1, "edit-form"); r.Status != 200 {
		t.Fatalf("merge: %d %.300s", r.Status, r.Body)
	}
	got, _ := d.Store.FindPetByID(context.Background(), p.ID)
	if got.Notes != "Shy with dogs" || got.AgeMonths != 14 {
		t.Fatalf("after the merge: notes %q age %d", got.Notes, got.AgeMonths)
	}
	// B, still on its old form, changes the notes too: a conflict, with
	// both values; nothing saved.
	b2 := cloneValues(b)
	b2.Set("notes", "Loves dogs")
	r := d.do(t, "POST", "/pets/"+p.ID+"/edit", b2, "edit-form")
	if r.Status != 409 || !strings.Contains(r.Body, `data-testid="conflict-notes"`) || !strings.Contains(r.Body, "Shy with dogs") || !strings.Contains(r.Body, "Loves dogs") {
		t.Fatalf("conflict: %d %.600s", r.Status, r.Body)
	}
	if strings.Contains(r.Body, `data-testid="conflict-ageMonths"`) {
		t.Fatalf("the age (changed on one side only) is not a conflict")
	}
	if got, _ := d.Store.FindPetByID(context.Background(), p.ID); got.Notes != "Shy with dogs" {
		t.Fatalf("a conflict saved something: %q", got.Notes)
	}
	// B chooses its own value: saved against the current pet.
	b2.Set("orig_notes", "Shy with dogs")
	b2.Set("orig_ageMonths", "14")
	b2.Set("ageMonths", "14")
	b2.Set("choice_notes", "mine")
	if r := d.do(t, "POST", "/pets/"+p.ID+"/edit", b2, "edit-form"); r.Status != 200 {
		t.Fatalf("resolved: %d %.300s", r.Status, r.Body)
	}
	if got, _ := d.Store.FindPetByID(context.Background(), p.ID); got.Notes != "Loves dogs" || got.AgeMonths != 14 {
		t.Fatalf("after resolving: %+v", got)
	}
	// The form alone, for the live refresh.
	if r := d.do(t, "GET", "/pets/"+p.ID+"/edit", nil, "edit-live"); r.Status != 200 || !strings.HasPrefix(r.Body, `<div id="edit-live"`) {
		t.Fatalf("edit form fragment: %d %.100s", r.Status, r.Body)
	}
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

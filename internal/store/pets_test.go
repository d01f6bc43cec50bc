package store_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

var ctx = context.Background()

func ptr[T any](v T) *T { return &v }

func fields(name string, sp shelter.Species, age int) shelter.PetFields {
	return shelter.PetFields{Name: &name, Species: &sp, AgeMonths: &age}
}

var origin = shelter.Origin{Namespace: "js", Actor: "api"}

func TestCreateFindAndEvents(t *testing.T) {
	s := storetest.Open(t, store.Options{})
	p, err := s.CreatePet(ctx, origin, fields("  Buddy ", shelter.SpeciesDog, 24))
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != "1" || p.Name != "Buddy" || p.Status != shelter.StatusNew || p.CreatedAt == 0 || p.CreatedAt != p.UpdatedAt {
		t.Fatalf("created %+v", p)
	}
	got, err := s.FindPetByID(ctx, "1")
	if err != nil || got.Name != "Buddy" || got.AgeMonths != 24 {
		t.Fatalf("find: %+v %v", got, err)
	}
	for _, id := range []string{"2", "0", "-1", "01", "abc", ""} {
		if _, err := s.FindPetByID(ctx, id); shelter.ErrorCode(err) != shelter.ENOTFOUND {
			t.Errorf("find %q: %v, want not found", id, err)
		}
	}
	evs, err := s.FindEvents(ctx, shelter.EventFilter{PetID: "1"})
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, e := range evs {
		types = append(types, e.Type)
	}
	want := []string{"js.pet.created", "js.feeding.reminder.enqueued"}
	if len(types) != len(want) || types[0] != want[0] || types[1] != want[1] {
		t.Fatalf("events %v, want %v", types, want)
	}
}

func TestCreateInvalidWritesNothing(t *testing.T) {
	s := storetest.Open(t, store.Options{})
	_, err := s.CreatePet(ctx, origin, shelter.PetFields{Name: ptr("  ")})
	fe := shelter.ErrorFields(err)
	if shelter.ErrorCode(err) != shelter.EINVALID || len(fe) != 3 {
		t.Fatalf("err %v fields %v", err, fe)
	}
	page, err := s.FindPets(ctx, shelter.PetFilter{})
	if err != nil || page.Total != 0 {
		t.Fatalf("pets after invalid create: %+v %v", page, err)
	}
}

func TestStatusRequests(t *testing.T) {
	s := storetest.Open(t, store.Options{})
	p, _ := s.CreatePet(ctx, origin, fields("Rex", shelter.SpeciesDog, 3))
	// new -> healthy is not a staff transition.
	got, dec, err := s.UpdatePet(ctx, origin, p.ID, shelter.PetFields{Name: ptr("Renamed")}, ptr(shelter.StatusHealthy))
	if err != nil || !dec.Rejected || got.Status != shelter.StatusNew {
		t.Fatalf("rejected request: %+v %+v %v", got, dec, err)
	}
	if again, _ := s.FindPetByID(ctx, p.ID); again.Name != "Rex" {
		t.Fatalf("a rejected transition changed the name to %q", again.Name)
	}
	// Move it to quarantine as the feeding reminder would.
	if err := s.InTx(ctx, func(tx *store.Tx) error {
		pet, err := s.FindPetTx(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		return s.ApplyDecisionTx(ctx, tx, shelter.SystemOrigin, pet, shelter.DecideTrigger(pet.Status, shelter.TriggerFeedingReminderCompleted))
	}); err != nil {
		t.Fatal(err)
	}
	got, dec, err = s.UpdatePet(ctx, origin, p.ID, shelter.PetFields{}, ptr(shelter.StatusHealthy))
	if err != nil || dec.Rejected || got.Status != shelter.StatusAvailable {
		t.Fatalf("healthy: %+v %+v %v", got, dec, err)
	}
	got, _, err = s.UpdatePet(ctx, origin, p.ID, shelter.PetFields{}, ptr(shelter.StatusIll))
	if err != nil || got.Status != shelter.StatusUnderTreatment {
		t.Fatalf("ill: %+v %v", got, err)
	}
	got, _, err = s.UpdatePet(ctx, origin, p.ID, shelter.PetFields{}, ptr(shelter.StatusRecovered))
	if err != nil || got.Status != shelter.StatusAvailable {
		t.Fatalf("recovered: %+v %v", got, err)
	}
	evs, _ := s.FindEvents(ctx, shelter.EventFilter{PetID: p.ID})
	var transitions []string
	for _, e := range evs {
		if e.Type == "js.lifecycle.transition.completed" || e.Type == "system.lifecycle.transition.completed" {
			transitions = append(transitions, string(e.From)+">"+string(e.To)+"/"+e.Actor)
		}
	}
	want := []string{"new>in_quarantine/system", "in_quarantine>healthy/api", "healthy>available/system",
		"available>ill/api", "ill>under_treatment/system", "under_treatment>recovered/api", "recovered>healthy/system", "healthy>available/system"}
	if len(transitions) != len(want) {
		t.Fatalf("transitions %v, want %v", transitions, want)
	}
	for i := range want {
		if transitions[i] != want[i] {
			t.Fatalf("transitions %v, want %v", transitions, want)
		}
	}
}

func TestDeleteRestoreAndIDsNeverReused(t *testing.T) {
	now := time.UnixMilli(1_700_000_000_000)
	s := storetest.Open(t, store.Options{Now: func() time.Time { return now }, PurgeAfter: time.Hour})
	p, _ := s.CreatePet(ctx, origin, fields("Tom", shelter.SpeciesCat, 12))
	d, err := s.DeletePet(ctx, origin, p.ID)
	if err != nil || d.Status != shelter.StatusDeleted || d.PurgeAt != now.Add(time.Hour).UnixMilli() {
		t.Fatalf("delete: %+v %v", d, err)
	}
	now = now.Add(time.Minute)
	d2, err := s.DeletePet(ctx, origin, p.ID)
	if err != nil || d2.PurgeAt != d.PurgeAt {
		t.Fatalf("second delete moved purgeAt: %+v %v", d2, err)
	}
	if _, _, err := s.UpdatePet(ctx, origin, p.ID, shelter.PetFields{Name: ptr("X")}, nil); shelter.ErrorCode(err) != shelter.ECONFLICT {
		t.Fatalf("edit deleted: %v", err)
	}
	r, err := s.RestorePet(ctx, origin, p.ID)
	if err != nil || r.Status != shelter.StatusNew || r.PurgeAt != 0 {
		t.Fatalf("restore: %+v %v", r, err)
	}
	if _, err := s.RestorePet(ctx, origin, p.ID); shelter.ErrorCode(err) != shelter.ECONFLICT {
		t.Fatalf("restore twice: %v", err)
	}
	// A purged row's id is not handed out again.
	if _, err := s.DB().Write.Exec(`DELETE FROM pets WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	p2, _ := s.CreatePet(ctx, origin, fields("Jerry", shelter.SpeciesOther, 1))
	if p2.ID != "2" {
		t.Fatalf("id after purge = %s, want 2", p2.ID)
	}
}

func TestFindPetsFiltersAndPaging(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	s := storetest.OpenAt(t, path, store.Options{})
	names := []string{"Bella", "max", "Luna", "Charlie", "Lucy", "Cooper", "Maxine", "Daisy"}
	for i, n := range names {
		sp := shelter.SpeciesDog
		if i%2 == 1 {
			sp = shelter.SpeciesCat
		}
		if _, err := s.CreatePet(ctx, origin, fields(n, sp, 10-i)); err != nil {
			t.Fatal(err)
		}
	}
	page, err := s.FindPets(ctx, shelter.PetFilter{Query: "MAX"})
	if err != nil || page.Total != 2 {
		t.Fatalf("query: %+v %v", page, err)
	}
	page, _ = s.FindPets(ctx, shelter.PetFilter{Species: shelter.SpeciesCat})
	if page.Total != 4 {
		t.Fatalf("species total %d", page.Total)
	}
	for _, sort := range []shelter.PetSort{shelter.SortID, shelter.SortNewest, shelter.SortName, shelter.SortAge} {
		var seen []string
		cursor := ""
		for range 10 {
			page, err := s.FindPets(ctx, shelter.PetFilter{Sort: sort, Limit: 3, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != len(names) {
				t.Fatalf("total %d", page.Total)
			}
			for _, p := range page.Pets {
				seen = append(seen, p.Name)
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		if len(seen) != len(names) {
			t.Fatalf("sort %s paged %v", sort, seen)
		}
		if sort == shelter.SortName && (seen[0] != "Bella" || seen[len(seen)-1] != "Maxine") {
			t.Fatalf("by name: %v", seen)
		}
		if sort == shelter.SortAge && seen[0] != "Daisy" {
			t.Fatalf("by age: %v", seen)
		}
		if sort == shelter.SortNewest && seen[0] != "Daisy" {
			t.Fatalf("newest: %v", seen)
		}
	}
	if _, err := s.FindPets(ctx, shelter.PetFilter{Cursor: "!!"}); shelter.ErrorCode(err) != shelter.EINVALID {
		t.Fatalf("bad cursor: %v", err)
	}
	// Everything survives a reopen of the same file.
	s2 := storetest.OpenAt(t, path, store.Options{})
	page, _ = s2.FindPets(ctx, shelter.PetFilter{})
	if page.Total != len(names) || page.Pets[0].Name != "Bella" || page.Pets[0].ID != strconv.Itoa(1) {
		t.Fatalf("after reopen: %+v", page)
	}
}

func TestClosedDatabaseIsUnavailable(t *testing.T) {
	s := storetest.Open(t, store.Options{})
	s.DB().Close()
	if _, err := s.FindPetByID(ctx, "1"); shelter.ErrorCode(err) != shelter.EUNAVAILABLE {
		t.Fatalf("find on a closed db: %v (code %s)", err, shelter.ErrorCode(err))
	}
	if _, err := s.CreatePet(ctx, origin, fields("A", shelter.SpeciesDog, 1)); shelter.ErrorCode(err) != shelter.EUNAVAILABLE {
		t.Fatalf("create on a closed db: %v", err)
	}
}

func TestRestoreRequeuesWhatTheDeletedPetMissed(t *testing.T) {
	s := storetest.Open(t, store.Options{CreateJobs: []string{shelter.JobFeedingReminder, shelter.JobEnrichProfile}})
	p, _ := s.CreatePet(ctx, origin, fields("Nala", shelter.SpeciesCat, 4))
	if _, err := s.DeletePet(ctx, origin, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RestorePet(ctx, shelter.Origin{Namespace: "py", Actor: "api"}, p.ID); err != nil {
		t.Fatal(err)
	}
	count := func(kind string) (n int) {
		if err := s.DB().Read.QueryRow(`SELECT count(*) FROM jobs WHERE pet_id = ? AND kind = ?`, p.ID, kind).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if f, e := count(shelter.JobFeedingReminder), count(shelter.JobEnrichProfile); f != 2 || e != 2 {
		t.Fatalf("after restore: %d feeding reminders, %d enrichments; want 2 and 2", f, e)
	}
}

func TestEditingWhatTheProfileDescribesAsksForANewOne(t *testing.T) {
	s := storetest.Open(t, store.Options{CreateJobs: []string{shelter.JobFeedingReminder, shelter.JobEnrichProfile}})
	p, _ := s.CreatePet(ctx, origin, fields("Rex", shelter.SpeciesDog, 3))
	queued := func() (n int) {
		s.DB().Read.QueryRow(`SELECT count(*) FROM jobs WHERE pet_id = ? AND kind = ? AND state = 'queued'`, p.ID, shelter.JobEnrichProfile).Scan(&n)
		return n
	}
	// Notes alone do not; a rename while the create's enrichment is still
	// queued joins it rather than queueing a second.
	if _, _, err := s.UpdatePet(ctx, origin, p.ID, shelter.PetFields{Notes: ptr("shy")}, nil); err != nil || queued() != 1 {
		t.Fatalf("notes: %v, %d queued", err, queued())
	}
	if _, _, err := s.UpdatePet(ctx, origin, p.ID, shelter.PetFields{Name: ptr("Rexy")}, nil); err != nil || queued() != 1 {
		t.Fatalf("rename with one queued: %v, %d queued", err, queued())
	}
	// Once that one has run, a new age asks for another.
	if _, err := s.DB().Write.Exec(`UPDATE jobs SET state = 'done' WHERE pet_id = ?`, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.UpdatePet(ctx, origin, p.ID, shelter.PetFields{AgeMonths: ptr(40)}, nil); err != nil || queued() != 1 {
		t.Fatalf("new age: %v, %d queued", err, queued())
	}
}

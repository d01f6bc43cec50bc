package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

var importOrigin = shelter.Origin{Namespace: shelter.NamespaceImport, Actor: "import"}

func TestImportPets(t *testing.T) {
	s := storetest.Open(t, store.Options{CreateJobs: []string{shelter.JobFeedingReminder, shelter.JobEnrichProfile}})
	pets := []*shelter.Pet{
		{ID: "3", Name: "Buddy", Species: shelter.SpeciesDog, AgeMonths: 24, Status: shelter.StatusAvailable, CreatedAt: 1000, UpdatedAt: 2000,
			Notes: "Loves balls", NextFeedingAt: 3000, Profile: &shelter.Profile{Bio: "Good dog", Source: "ai", TemperamentTags: []string{"calm"}, GeneratedAt: 2000}},
		{ID: "5", Name: "Tweety", Species: shelter.SpeciesBird, AgeMonths: 2, Status: shelter.StatusNew, CreatedAt: 1500, UpdatedAt: 1500},
		{ID: "9", Name: "Ghost", Species: shelter.SpeciesCat, AgeMonths: 7, Status: shelter.StatusDeleted, CreatedAt: 1000, UpdatedAt: 4000, DeletedAt: 4000},
	}
	sum, err := s.ImportPets(ctx, importOrigin, pets, 12)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Pets != 3 || sum.ByStatus[shelter.StatusNew] != 1 || sum.MaxID != 9 || sum.NextID != 13 || sum.Jobs != 2 {
		t.Errorf("summary %+v", sum)
	}
	b, err := s.FindPetByID(ctx, "3")
	if err != nil || b.Name != "Buddy" || b.CreatedAt != 1000 || b.UpdatedAt != 2000 || b.NextFeedingAt != 3000 || b.Profile == nil || b.Profile.Bio != "Good dog" {
		t.Errorf("Buddy %+v %v", b, err)
	}
	g, _ := s.FindPetByID(ctx, "9")
	if g.PurgeAt != 4000+(720*3600*1000) {
		t.Errorf("Ghost's purge date %d", g.PurgeAt)
	}
	evs, _ := s.FindEvents(ctx, shelter.EventFilter{PetID: "5"})
	if len(evs) == 0 || evs[0].Type != "import.pet.imported" || evs[0].Namespace != "import" || evs[0].To != shelter.StatusNew {
		t.Errorf("events %+v", evs)
	}
	// The original's sequence is kept: the next new pet is 13.
	p, err := s.CreatePet(ctx, origin, fields("Newcomer", shelter.SpeciesCat, 1))
	if err != nil || p.ID != "13" {
		t.Errorf("next pet %+v %v", p, err)
	}

	// Taken ids (a pet, or a purged pet's events) are refused, naming
	// them, and nothing is written.
	again := []*shelter.Pet{
		{ID: "20", Name: "Fresh", Species: shelter.SpeciesDog, AgeMonths: 1, Status: shelter.StatusNew, CreatedAt: 1, UpdatedAt: 1},
		{ID: "5", Name: "Dup", Species: shelter.SpeciesDog, AgeMonths: 1, Status: shelter.StatusNew, CreatedAt: 1, UpdatedAt: 1},
		{ID: "13", Name: "Dup2", Species: shelter.SpeciesDog, AgeMonths: 1, Status: shelter.StatusNew, CreatedAt: 1, UpdatedAt: 1},
	}
	_, err = s.ImportPets(ctx, importOrigin, again, 0)
	if shelter.ErrorCode(err) != shelter.ECONFLICT || !strings.Contains(shelter.ErrorMessage(err), "5, 13") {
		t.Errorf("taken ids: %v", err)
	}
	if _, err := s.FindPetByID(ctx, "20"); shelter.ErrorCode(err) != shelter.ENOTFOUND {
		t.Errorf("pet 20 was written by a refused import: %v", err)
	}
}

func TestPruneJobs(t *testing.T) {
	now := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	clock := now
	s := storetest.Open(t, store.Options{Now: func() time.Time { return clock }})
	for range 3 {
		if _, err := s.CreatePet(ctx, origin, fields("Old", shelter.SpeciesDog, 1)); err != nil {
			t.Fatal(err)
		}
	}
	jobs, err := s.ClaimJobs(ctx, nil, map[string]int{shelter.JobFeedingReminder: 0}, 2, time.Minute)
	if err != nil || len(jobs) != 2 {
		t.Fatalf("claimed %d %v", len(jobs), err)
	}
	for _, j := range jobs {
		if err := s.CompleteJob(ctx, j.ID); err != nil {
			t.Fatal(err)
		}
	}
	evsBefore, _ := s.FindEvents(ctx, shelter.EventFilter{Limit: shelter.MaxLimit})
	clock = now.Add(8 * 24 * time.Hour)
	n, err := s.PruneJobs(ctx, 7*24*time.Hour)
	if err != nil || n != 2 {
		t.Fatalf("pruned %d: %v", n, err)
	}
	left, _ := s.FindJobs(ctx, shelter.JobFilter{})
	if len(left) != 1 || left[0].State != shelter.JobQueued {
		t.Errorf("left %+v", left)
	}
	evsAfter, _ := s.FindEvents(ctx, shelter.EventFilter{Limit: shelter.MaxLimit})
	if len(evsAfter) != len(evsBefore) {
		t.Errorf("events %d → %d: pruning jobs must keep them", len(evsBefore), len(evsAfter))
	}
	if n, _ := s.PruneJobs(ctx, 7*24*time.Hour); n != 0 {
		t.Errorf("second prune: %d", n)
	}
}

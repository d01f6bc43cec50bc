package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

func createPets(t *testing.T, st *store.Store, n int) []string {
	t.Helper()
	var ids []string
	for i := range n {
		name, sp, age := "Batch "+string(rune('A'+i)), shelter.Species("dog"), 3
		p, err := st.CreatePet(jctx, shelter.Origin{Namespace: "api", Actor: "tester"}, shelter.PetFields{Name: &name, Species: &sp, AgeMonths: &age})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	return ids
}

func batchEventTypes(t *testing.T, st *store.Store, petID string) string {
	t.Helper()
	evs, err := st.FindEvents(jctx, shelter.EventFilter{PetID: petID, Limit: shelter.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range evs {
		names = append(names, e.Type)
	}
	return strings.Join(names, " ")
}

func TestRunFeedingRemindersDoesABatchInOneTransaction(t *testing.T) {
	st := storetest.Open(t, store.Options{CreateJobs: []string{shelter.JobFeedingReminder, shelter.JobEnrichProfile}})
	ids := createPets(t, st, 3)
	// The batch takes at most limit jobs, oldest first, and only its kind.
	var before []int64
	jobs, err := st.RunFeedingReminders(jctx, 2, time.Hour, func(j *shelter.Job) { before = append(before, j.ID) })
	if err != nil || len(jobs) != 2 || len(before) != 2 {
		t.Fatalf("first batch: %v, %d jobs, %d before", err, len(jobs), len(before))
	}
	for _, j := range jobs {
		if j.Kind != shelter.JobFeedingReminder || j.PetID == ids[2] {
			t.Errorf("claimed %+v", j)
		}
	}
	if jobs, err = st.RunFeedingReminders(jctx, 10, time.Hour, nil); err != nil || len(jobs) != 1 {
		t.Fatalf("second batch: %v, %d jobs", err, len(jobs))
	}
	if jobs, err = st.RunFeedingReminders(jctx, 10, time.Hour, nil); err != nil || len(jobs) != 0 {
		t.Fatalf("empty queue: %v, %d jobs", err, len(jobs))
	}
	for _, id := range ids {
		p, err := st.FindPetByID(jctx, id)
		if err != nil || p.Status != shelter.StatusInQuarantine || p.NextFeedingAt != p.CreatedAt+time.Hour.Milliseconds() {
			t.Fatalf("pet %s: %+v, %v", id, p, err)
		}
		js, _ := st.FindJobs(jctx, shelter.JobFilter{PetID: id, Kind: shelter.JobFeedingReminder})
		if len(js) != 1 || js[0].State != shelter.JobDone || js[0].Attempts != 1 || js[0].FinishedAt == 0 {
			t.Fatalf("pet %s's reminder: %+v", id, js[0])
		}
		want := "api.pet.created api.feeding.reminder.enqueued api.profile_enrichment_enqueued api.feeding.reminder.completed api.lifecycle.transition.completed"
		if got := batchEventTypes(t, st, id); got != want {
			t.Errorf("pet %s's events:\n got %s\nwant %s", id, got, want)
		}
	}
}

func TestRunLocalProfilesWritesProfilesAndSkipsDeletedPets(t *testing.T) {
	st := storetest.Open(t, store.Options{CreateJobs: []string{shelter.JobEnrichProfile}})
	ids := createPets(t, st, 2)
	if _, err := st.DeletePet(jctx, shelter.Origin{Namespace: "api", Actor: "tester"}, ids[1]); err != nil {
		t.Fatal(err)
	}
	describe := func(p shelter.Pet) shelter.Profile {
		return shelter.Profile{Bio: "Hello " + p.Name, Source: shelter.ProfileSourceFallback, GeneratedAt: 1}
	}
	var written []string
	jobs, err := st.RunLocalProfiles(jctx, 10, describe, func(j *shelter.Job, p *shelter.Pet) { written = append(written, p.ID) })
	if err != nil || len(jobs) != 2 || len(written) != 1 || written[0] != ids[0] {
		t.Fatalf("%v, %d jobs, written %v", err, len(jobs), written)
	}
	p, _ := st.FindPetByID(jctx, ids[0])
	if p.Profile == nil || p.Profile.Bio != "Hello Batch A" || p.Status != shelter.StatusNew {
		t.Fatalf("pet: %+v", p)
	}
	want := "api.pet.created api.profile_enrichment_enqueued api.profile_enrichment_started api.profile_enrichment_completed"
	if got := batchEventTypes(t, st, ids[0]); got != want {
		t.Errorf("events:\n got %s\nwant %s", got, want)
	}
	if d, _ := st.FindPetByID(jctx, ids[1]); d.Profile != nil {
		t.Errorf("a deleted pet got a profile")
	}
	for _, id := range ids {
		js, _ := st.FindJobs(jctx, shelter.JobFilter{PetID: id})
		if len(js) != 1 || js[0].State != shelter.JobDone {
			t.Errorf("pet %s's job: %+v", id, js[0])
		}
	}
}

func TestAFailedBatchLeavesItsJobsQueued(t *testing.T) {
	st := storetest.Open(t, store.Options{CreateJobs: []string{shelter.JobEnrichProfile}})
	ids := createPets(t, st, 3)
	calls := 0
	_, err := st.RunLocalProfiles(jctx, 10, func(p shelter.Pet) shelter.Profile {
		if calls++; calls == 2 {
			panic("describe failed")
		}
		return shelter.Profile{Bio: "x", Source: shelter.ProfileSourceFallback}
	}, nil)
	if err == nil {
		t.Fatal("a batch whose work panicked succeeded")
	}
	for _, id := range ids {
		p, _ := st.FindPetByID(jctx, id)
		js, _ := st.FindJobs(jctx, shelter.JobFilter{PetID: id})
		if p.Profile != nil || len(js) != 1 || js[0].State != shelter.JobQueued || js[0].Attempts != 0 {
			t.Errorf("pet %s after a failed batch: profile %v, job %+v", id, p.Profile, js[0])
		}
	}
}

func TestBatchesTakeLapsedJobsButNotLiveOnes(t *testing.T) {
	st := storetest.Open(t, store.Options{})
	ids := createPets(t, st, 2)
	// Another process holds one reminder under a live lease, and held the
	// other under a lease that has lapsed.
	live := claimT(t, st, map[string]int{shelter.JobFeedingReminder: 0}, 1, time.Minute)
	claimT(t, st, map[string]int{shelter.JobFeedingReminder: 0}, 1, time.Millisecond)
	time.Sleep(5 * time.Millisecond)
	jobs, err := st.RunFeedingReminders(context.Background(), 10, time.Hour, nil)
	if err != nil || len(jobs) != 1 || jobs[0].ID == live[0].ID || jobs[0].Attempts != 2 {
		t.Fatalf("%v, %+v", err, jobs)
	}
	if p, _ := st.FindPetByID(jctx, live[0].PetID); p.Status != shelter.StatusNew {
		t.Errorf("the pet of the live job moved: %s", p.Status)
	}
	_ = ids
}

// BenchmarkRunLocalProfiles does the fallback profiles of pets in batches
// of 100, as the AI runner does with AI off; ns/op is per pet.
func BenchmarkRunLocalProfiles(b *testing.B) {
	st := storetest.Open(b, store.Options{CreateJobs: []string{shelter.JobEnrichProfile}})
	for i := 0; i < b.N; i += 100 {
		createPetsB(b, st, min(100, b.N-i))
	}
	describe := func(p shelter.Pet) shelter.Profile { return shelter.FallbackProfile(p, time.UnixMilli(1)) }
	b.ResetTimer()
	for done := 0; done < b.N; {
		jobs, err := st.RunLocalProfiles(jctx, 100, describe, nil)
		if err != nil || len(jobs) == 0 {
			b.Fatalf("%v, %d jobs", err, len(jobs))
		}
		done += len(jobs)
	}
}

func createPetsB(b *testing.B, st *store.Store, n int) {
	b.Helper()
	for range n {
		if _, err := st.CreatePet(jctx, shelter.Origin{Namespace: "api", Actor: "tester"}, fields("Bench", shelter.SpeciesDog, 3)); err != nil {
			b.Fatal(err)
		}
	}
}

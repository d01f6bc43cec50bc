package store_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

var enrichOrigin = shelter.Origin{Namespace: "ts", Actor: shelter.ActorSystem}

func testProfile(bio, source string) shelter.Profile {
	return shelter.Profile{Bio: bio, BreedGuess: "Tabby", TemperamentTags: []string{"calm", "gentle", "shy"},
		AdopterHints: "A quiet home.", Source: source, Model: "m", GeneratedAt: 1700000000000}
}

// claimEnrich claims the due enrich_profile jobs, as the runner does, and
// returns the first.
func claimEnrich(t *testing.T, s *store.Store) *shelter.Job {
	t.Helper()
	jobs, err := s.ClaimJobs(ctx, nil, map[string]int{shelter.JobEnrichProfile: 0}, 10, time.Minute)
	if err != nil || len(jobs) == 0 {
		t.Fatalf("claim: %v, %d jobs", err, len(jobs))
	}
	return jobs[0]
}

func eventTypes(t *testing.T, s *store.Store, petID string) []string {
	t.Helper()
	evs, err := s.FindEvents(ctx, shelter.EventFilter{PetID: petID})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		out = append(out, e.Type)
	}
	return out
}

func TestSetProfileWritesCompletesAndRecords(t *testing.T) {
	s := storetest.Open(t, store.Options{CreateJobs: []string{shelter.JobEnrichProfile}})
	p, err := s.CreatePet(ctx, origin, fields("Luna", shelter.SpeciesCat, 18))
	if err != nil {
		t.Fatal(err)
	}
	job := claimEnrich(t, s)
	failed := &shelter.Event{Namespace: "ts", Type: "ts.profile_enrichment_failed", PetID: p.ID, Actor: shelter.ActorSystem, Data: json.RawMessage(`{"error":"boom"}`)}
	written, err := s.SetProfile(ctx, job.ID, enrichOrigin, p.ID, testProfile("First.", shelter.ProfileSourceFallback), failed)
	if err != nil || !written {
		t.Fatalf("SetProfile: %v, written %v", err, written)
	}
	got, err := s.FindPetByID(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Profile == nil || got.Profile.Bio != "First." || got.Profile.Source != "fallback" || len(got.Profile.TemperamentTags) != 3 {
		t.Fatalf("profile = %+v", got.Profile)
	}
	if got.Status != shelter.StatusNew {
		t.Errorf("status = %s, want new", got.Status)
	}
	if j, _ := s.FindJobByID(ctx, job.ID); j.State != shelter.JobDone {
		t.Errorf("job state = %s, want done", j.State)
	}
	types := eventTypes(t, s, p.ID)
	want := "js.pet.created,js.profile_enrichment_enqueued,ts.profile_enrichment_failed,ts.profile_enrichment_completed"
	if strings.Join(types, ",") != want {
		t.Errorf("events = %v, want %s", types, want)
	}
	evs, _ := s.FindEvents(ctx, shelter.EventFilter{PetID: p.ID})
	var data struct {
		JobID   int64           `json:"jobId"`
		Source  string          `json:"source"`
		Profile shelter.Profile `json:"profile"`
	}
	// The fallback is a function of the pet's fields, which their own
	// events record: its event names the source, and the pet holds it.
	if err := json.Unmarshal(evs[len(evs)-1].Data, &data); err != nil || data.JobID != job.ID || data.Source != "fallback" || data.Profile.Bio != "" {
		t.Errorf("completed event data = %s (%v)", evs[len(evs)-1].Data, err)
	}

	// Re-enrichment overwrites.
	written, err = s.SetProfile(ctx, 0, enrichOrigin, p.ID, testProfile("Second.", shelter.ProfileSourceAI))
	if err != nil || !written {
		t.Fatalf("SetProfile again: %v, written %v", err, written)
	}
	if got, _ := s.FindPetByID(ctx, p.ID); got.Profile.Bio != "Second." || got.Profile.Source != "ai" {
		t.Errorf("profile after overwrite = %+v", got.Profile)
	}
	// A model's words are kept in the event, as the record of what it wrote.
	evs, _ = s.FindEvents(ctx, shelter.EventFilter{PetID: p.ID})
	data.Profile = shelter.Profile{}
	if err := json.Unmarshal(evs[len(evs)-1].Data, &data); err != nil || data.Source != "ai" || data.Profile.Bio != "Second." {
		t.Errorf("completed event data of a model's profile = %s (%v)", evs[len(evs)-1].Data, err)
	}
}

func TestSetProfileSkipsDeletedAndGonePets(t *testing.T) {
	s := storetest.Open(t, store.Options{CreateJobs: []string{shelter.JobEnrichProfile}})
	p, err := s.CreatePet(ctx, origin, fields("Rex", shelter.SpeciesDog, 100))
	if err != nil {
		t.Fatal(err)
	}
	job := claimEnrich(t, s)
	if _, err := s.DeletePet(ctx, origin, p.ID); err != nil {
		t.Fatal(err)
	}
	before := eventTypes(t, s, p.ID)
	written, err := s.SetProfile(ctx, job.ID, enrichOrigin, p.ID, testProfile("Bio.", shelter.ProfileSourceAI))
	if err != nil || written {
		t.Fatalf("SetProfile of a deleted pet: %v, written %v", err, written)
	}
	got, _ := s.FindPetByID(ctx, p.ID)
	if got.Profile != nil || got.Status != shelter.StatusDeleted {
		t.Errorf("deleted pet = status %s profile %+v, want deleted without profile", got.Status, got.Profile)
	}
	if after := eventTypes(t, s, p.ID); len(after) != len(before) {
		t.Errorf("events %v became %v", before, after)
	}
	if j, _ := s.FindJobByID(ctx, job.ID); j.State != shelter.JobDone {
		t.Errorf("job state = %s, want done", j.State)
	}

	written, err = s.SetProfile(ctx, 0, enrichOrigin, "999", testProfile("Bio.", shelter.ProfileSourceAI))
	if err != nil || written {
		t.Errorf("SetProfile of a pet that never was: %v, written %v", err, written)
	}
}

func TestEnqueueEnrichment(t *testing.T) {
	s := storetest.Open(t, store.Options{CreateJobs: []string{}})
	p, err := s.CreatePet(ctx, origin, fields("Kiwi", shelter.SpeciesBird, 30))
	if err != nil {
		t.Fatal(err)
	}
	id, created, err := s.EnqueueEnrichment(ctx, enrichOrigin, p.ID)
	if err != nil || !created || id == 0 {
		t.Fatalf("EnqueueEnrichment: %d %v %v", id, created, err)
	}
	j, err := s.FindJobByID(ctx, id)
	if err != nil || j.Kind != shelter.JobEnrichProfile || j.PetID != p.ID || j.State != shelter.JobQueued || j.Namespace != "ts" {
		t.Fatalf("job = %+v, %v", j, err)
	}
	if types := eventTypes(t, s, p.ID); types[len(types)-1] != "ts.profile_enrichment_enqueued" {
		t.Errorf("events = %v, want the enqueued event last", types)
	}

	// A second request while the first is still queued reuses it.
	again, created, err := s.EnqueueEnrichment(ctx, enrichOrigin, p.ID)
	if err != nil || created || again != id {
		t.Errorf("second EnqueueEnrichment = %d %v %v, want %d, not created", again, created, err, id)
	}
	// Once it has started, a request queues a fresh one.
	claimEnrich(t, s)
	fresh, created, err := s.EnqueueEnrichment(ctx, enrichOrigin, p.ID)
	if err != nil || !created || fresh == id {
		t.Errorf("EnqueueEnrichment while running = %d %v %v, want a new job", fresh, created, err)
	}

	for _, bad := range []string{"999", "abc", "0"} {
		if _, _, err := s.EnqueueEnrichment(ctx, enrichOrigin, bad); shelter.ErrorCode(err) != shelter.ENOTFOUND {
			t.Errorf("EnqueueEnrichment(%q) = %v, want not found", bad, err)
		}
	}
	if _, err := s.DeletePet(ctx, origin, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.EnqueueEnrichment(ctx, enrichOrigin, p.ID); shelter.ErrorCode(err) != shelter.ECONFLICT {
		t.Errorf("EnqueueEnrichment of a deleted pet = %v, want conflict", err)
	}
}

func TestCreateEnqueuesEnrichment(t *testing.T) {
	s := storetest.Open(t, store.Options{CreateJobs: []string{shelter.JobFeedingReminder, shelter.JobEnrichProfile}})
	p, err := s.CreatePet(ctx, origin, fields("Max", shelter.SpeciesDog, 36))
	if err != nil {
		t.Fatal(err)
	}
	jobs, err := s.FindJobs(ctx, shelter.JobFilter{PetID: p.ID})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, j := range jobs {
		kinds[j.Kind] = true
	}
	if len(jobs) != 2 || !kinds[shelter.JobEnrichProfile] || !kinds[shelter.JobFeedingReminder] {
		t.Errorf("jobs of a new pet = %+v, want a feeding reminder and an enrichment", jobs)
	}
}

// BenchmarkSetProfile is one enrichment's write: the pet read, the profile
// written, the completed event and the job's completion, in one
// transaction on a real SQLite file.
func BenchmarkSetProfile(b *testing.B) {
	s := storetest.Open(b, store.Options{CreateJobs: []string{}})
	p, err := s.CreatePet(ctx, origin, fields("Luna", shelter.SpeciesCat, 18))
	if err != nil {
		b.Fatal(err)
	}
	prof := testProfile("A graceful cat who loves windowsills. She would thrive in a quiet home.", shelter.ProfileSourceAI)
	for b.Loop() {
		if _, err := s.SetProfile(ctx, 0, enrichOrigin, p.ID, prof); err != nil {
			b.Fatal(err)
		}
	}
}

// After an AI outage, the pets whose fallback was written only because the
// model was down get an enrichment queued again, once; the others do not.
func TestRequeueOutageFallbacks(t *testing.T) {
	s := storetest.Open(t, store.Options{CreateJobs: []string{}})
	mk := func(name string) string {
		p, err := s.CreatePet(ctx, origin, fields(name, shelter.SpeciesCat, 3))
		if err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	outage, badReply, model := mk("Outage"), mk("BadReply"), mk("Model")
	failedEvent := func(id, data string) *shelter.Event {
		return &shelter.Event{Namespace: "ts", Type: "ts." + shelter.EventProfileEnrichmentFailed, PetID: id, Actor: shelter.ActorSystem, Data: json.RawMessage(data)}
	}
	for _, w := range []struct {
		id, source, data string
	}{
		{outage, shelter.ProfileSourceFallback, `{"error":"timeout","reason":"ai_outage"}`},
		{badReply, shelter.ProfileSourceFallback, `{"error":"bad reply"}`},
		{model, shelter.ProfileSourceAI, `{"error":"timeout","reason":"ai_outage"}`},
	} {
		if _, err := s.SetProfile(ctx, 0, enrichOrigin, w.id, testProfile("Bio.", w.source), failedEvent(w.id, w.data)); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.RequeueOutageFallbacks(ctx)
	if err != nil || n != 1 {
		t.Fatalf("requeued %d: %v, want 1", n, err)
	}
	js, err := s.FindJobs(ctx, shelter.JobFilter{PetID: outage, Kind: shelter.JobEnrichProfile})
	if err != nil || len(js) != 1 || !strings.Contains(string(js[0].Args), "ai_outage") {
		t.Fatalf("jobs of the outage's pet: %+v %v", js, err)
	}
	if n, err := s.RequeueOutageFallbacks(ctx); err != nil || n != 0 {
		t.Fatalf("second call requeued %d: %v, want 0 (one is queued)", n, err)
	}
}

package jobs_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/ai"
	"github.com/petstore/petstore/internal/ai/aitest"
	"github.com/petstore/petstore/internal/jobs"
	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

// enrichEnv is a store whose creates enqueue only enrich_profile, a fake
// Chat Completions server, and a runner of the enrichment worker.
type enrichEnv struct {
	st   *store.Store
	srv  *aitest.Server
	stop func() error
}

type enrichOpts struct {
	maxAttempts int
	timeout     time.Duration
	noKey       bool
	shutdown    time.Duration
}

func newEnrichEnv(t *testing.T, o enrichOpts, script ...aitest.Play) *enrichEnv {
	t.Helper()
	if o.timeout == 0 {
		o.timeout = 5 * time.Second
	}
	st := storetest.Open(t, store.Options{CreateJobs: []string{shelter.JobEnrichProfile}, MaxAttempts: o.maxAttempts})
	srv := aitest.NewServer(t, aitest.Options{}, script...)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := ai.Config{APIKey: aitest.Key, BaseURL: srv.BaseURL(), Timeout: o.timeout, Logger: quiet}
	if o.noKey {
		cfg.APIKey = ""
	}
	w := &jobs.EnrichProfile{Store: st, AI: ai.New(cfg), Photos: st, Logger: quiet}
	stop := start(t, st, jobs.Options{Poll: 20 * time.Millisecond, BackoffBase: 5 * time.Millisecond, BackoffMax: 20 * time.Millisecond,
		ShutdownTimeout: o.shutdown, Logger: quiet}, w)
	return &enrichEnv{st: st, srv: srv, stop: stop}
}

func (e *enrichEnv) create(t *testing.T, name string, sp shelter.Species, age int) *shelter.Pet {
	t.Helper()
	p, err := e.st.CreatePet(context.Background(), shelter.Origin{Namespace: "py", Actor: "api"},
		shelter.PetFields{Name: &name, Species: &sp, AgeMonths: &age})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// waitEnrich waits until the pet's newest enrichment job is done or failed.
func (e *enrichEnv) waitEnrich(t *testing.T, petID string) *shelter.Job {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		js, err := e.st.FindJobs(context.Background(), shelter.JobFilter{Kind: shelter.JobEnrichProfile, PetID: petID})
		if err != nil {
			t.Fatal(err)
		}
		if len(js) > 0 && (js[0].State == shelter.JobDone || js[0].State == shelter.JobFailed) {
			return js[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("enrichment of pet %s not finished: %+v", petID, js)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (e *enrichEnv) pet(t *testing.T, id string) *shelter.Pet {
	t.Helper()
	p, err := e.st.FindPetByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// enrichEvents returns the pet's events after its creation, without the
// namespace, and their data.
func (e *enrichEnv) enrichEvents(t *testing.T, petID string) ([]string, []map[string]any) {
	t.Helper()
	evs, err := e.st.FindEvents(context.Background(), shelter.EventFilter{PetID: petID})
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	var data []map[string]any
	for _, ev := range evs {
		if ev.Type == "py.pet.created" || ev.Type == "py.profile_enrichment_enqueued" {
			continue
		}
		if strings.Contains(ev.Type, "profile_enrichment") && (ev.Namespace != "py" || ev.Actor != shelter.ActorSystem) {
			t.Errorf("event %s has namespace %q actor %q, want py and system", ev.Type, ev.Namespace, ev.Actor)
		}
		types = append(types, strings.TrimPrefix(ev.Type, "py."))
		var d map[string]any
		json.Unmarshal(ev.Data, &d)
		data = append(data, d)
	}
	return types, data
}

const (
	started   = "profile_enrichment_started"
	failed    = "profile_enrichment_failed"
	completed = "profile_enrichment_completed"
)

func TestEnrichProfile(t *testing.T) {
	sevenTags := aitest.ValidReply()
	sevenTags["temperamentTags"] = []string{"a", "b", "c", "d", "e", "f", "g"}
	tests := []struct {
		name     string
		opts     enrichOpts
		script   []aitest.Play
		source   string
		requests int
		events   []string
		// lastFailed checks the data of the last failed event, if any.
		lastFailed map[string]any
	}{
		{
			name: "success", script: []aitest.Play{aitest.Success(aitest.ValidReply())},
			source: "ai", requests: 1, events: []string{started, completed},
		},
		{
			name: "429 then success", script: []aitest.Play{aitest.Status(429, 1), aitest.Success(aitest.ValidReply())},
			source: "ai", requests: 2, events: []string{started, failed, started, completed},
			lastFailed: map[string]any{"retryable": true, "willRetry": true, "fallback": false, "retryAfterMs": 1000.0},
		},
		{
			name: "500 until attempts run out", opts: enrichOpts{maxAttempts: 3}, script: []aitest.Play{aitest.Status(500, 0)},
			source: "fallback", requests: 3, events: []string{started, failed, started, failed, started, failed, completed},
			lastFailed: map[string]any{"retryable": true, "willRetry": false, "fallback": true, "attempt": 3.0},
		},
		{
			name: "slower than the timeout", opts: enrichOpts{timeout: 200 * time.Millisecond},
			script: []aitest.Play{aitest.Slow(10*time.Second, aitest.Success(aitest.ValidReply()))},
			source: "fallback", requests: 1, events: []string{started, failed, completed},
			lastFailed: map[string]any{"retryable": false, "willRetry": false, "fallback": true},
		},
		{
			name: "malformed JSON", script: []aitest.Play{aitest.Content(`{"bio": "Luna is`)},
			source: "fallback", requests: 1, events: []string{started, failed, completed},
			lastFailed: map[string]any{"retryable": false, "fallback": true},
		},
		{
			name: "7 tags", script: []aitest.Play{aitest.Success(sevenTags)},
			source: "fallback", requests: 1, events: []string{started, failed, completed},
			lastFailed: map[string]any{"retryable": false, "fallback": true},
		},
		{
			name: "no key", opts: enrichOpts{noKey: true},
			source: "fallback", requests: 0, events: []string{started, completed},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnrichEnv(t, tt.opts, tt.script...)
			p := env.create(t, "Luna", shelter.SpeciesCat, 18)
			job := env.waitEnrich(t, p.ID)
			if job.State != shelter.JobDone {
				t.Errorf("job = %s after %d attempts (%s), want done", job.State, job.Attempts, job.LastError)
			}
			got := env.pet(t, p.ID)
			if got.Profile == nil || got.Profile.Source != tt.source {
				t.Fatalf("profile = %+v, want source %s", got.Profile, tt.source)
			}
			if tt.source == "ai" {
				if got.Profile.Model != aitest.ResponseModel || got.Profile.Bio != aitest.ValidReply()["bio"] {
					t.Errorf("ai profile = %+v", got.Profile)
				}
			} else if want := ai.Fallback(*got, time.Now()); got.Profile.Bio != want.Bio || got.Profile.AdopterHints != want.AdopterHints {
				t.Errorf("fallback profile = %+v, want Luna's fallback %+v", got.Profile, want)
			}
			if got.Profile.GeneratedAt == 0 {
				t.Error("generatedAt is not set")
			}
			if got.Status != shelter.StatusNew {
				t.Errorf("status = %s, want new: enrichment never changes status", got.Status)
			}
			reqs := env.srv.Requests()
			if len(reqs) != tt.requests {
				t.Errorf("AI server got %d requests, want %d", len(reqs), tt.requests)
			}
			for _, r := range reqs {
				if !strings.Contains(r.Text(), `"name":"Luna"`) || !strings.Contains(r.Text(), `"species":"cat"`) {
					t.Errorf("request lacks the pet's name or species: %q", r.Text())
				}
			}
			types, data := env.enrichEvents(t, p.ID)
			if strings.Join(types, ",") != strings.Join(tt.events, ",") {
				t.Fatalf("events = %v, want %v", types, tt.events)
			}
			last := data[len(data)-1]
			// A model's profile is kept in the event; the fallback's is the
			// pet's own.
			prof, kept := last["profile"].(map[string]any)
			if last["source"] != tt.source || last["jobId"] != float64(job.ID) || kept != (tt.source == "ai") || (kept && prof["source"] != "ai") {
				t.Errorf("completed event data = %v", last)
			}
			if tt.lastFailed != nil {
				var fd map[string]any
				for i, ty := range types {
					if ty == failed {
						fd = data[i]
					}
				}
				for k, v := range tt.lastFailed {
					if fd[k] != v {
						t.Errorf("failed event %s = %v, want %v (data %v)", k, fd[k], v, fd)
					}
				}
				if e, _ := fd["error"].(string); e == "" {
					t.Errorf("failed event has no error: %v", fd)
				}
			}
		})
	}
}

func TestEnrichHonoursRetryAfter(t *testing.T) {
	env := newEnrichEnv(t, enrichOpts{}, aitest.Status(429, 1), aitest.Success(aitest.ValidReply()))
	p := env.create(t, "Rex", shelter.SpeciesDog, 100)
	env.waitEnrich(t, p.ID)
	reqs := env.srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("requests = %d, want 2", len(reqs))
	}
	// The runner's own backoff here is 5ms: only Retry-After explains a
	// second's gap.
	if gap := reqs[1].At.Sub(reqs[0].At); gap < 900*time.Millisecond {
		t.Errorf("second call came %s after the 429, want at least the Retry-After of 1s", gap)
	}
}

func TestEnrichSkipsDeletedPet(t *testing.T) {
	env := newEnrichEnv(t, enrichOpts{}, aitest.Success(aitest.ValidReply()))
	env.stop() // create and delete before the runner sees the job
	p := env.create(t, "Kiwi", shelter.SpeciesBird, 30)
	if _, err := env.st.DeletePet(context.Background(), shelter.Origin{Namespace: "py", Actor: "api"}, p.ID); err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	w := &jobs.EnrichProfile{Store: env.st, AI: ai.New(ai.Config{APIKey: aitest.Key, BaseURL: env.srv.BaseURL(), Logger: quiet}), Logger: quiet}
	start(t, env.st, jobs.Options{Poll: 20 * time.Millisecond, Logger: quiet}, w)
	job := env.waitEnrich(t, p.ID)
	if job.State != shelter.JobDone {
		t.Errorf("job = %s, want done", job.State)
	}
	if got := env.pet(t, p.ID); got.Profile != nil || got.Status != shelter.StatusDeleted {
		t.Errorf("deleted pet = %s with profile %+v", got.Status, got.Profile)
	}
	if n := len(env.srv.Requests()); n != 0 {
		t.Errorf("AI server got %d requests for a deleted pet", n)
	}
	if types, _ := env.enrichEvents(t, p.ID); len(types) != 1 || types[0] != "pet.soft.deleted" {
		t.Errorf("events = %v, want only the delete", types)
	}
}

func TestEnrichSkipsPetDeletedDuringTheCall(t *testing.T) {
	release := make(chan struct{})
	arrived := make(chan struct{}, 1)
	env := newEnrichEnv(t, enrichOpts{}, func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-release
		aitest.Success(aitest.ValidReply())(w, r)
	})
	p := env.create(t, "Mochi", shelter.SpeciesCat, 3)
	select {
	case <-arrived:
	case <-time.After(20 * time.Second):
		t.Fatal("the AI call never came")
	}
	if _, err := env.st.DeletePet(context.Background(), shelter.Origin{Namespace: "py", Actor: "api"}, p.ID); err != nil {
		t.Fatal(err)
	}
	close(release)
	job := env.waitEnrich(t, p.ID)
	if job.State != shelter.JobDone {
		t.Errorf("job = %s, want done", job.State)
	}
	if got := env.pet(t, p.ID); got.Profile != nil || got.Status != shelter.StatusDeleted {
		t.Errorf("pet = %s with profile %+v, want deleted without one", got.Status, got.Profile)
	}
	if types, _ := env.enrichEvents(t, p.ID); strings.Join(types, ",") != started+",pet.soft.deleted" {
		t.Errorf("events = %v, want started and the delete, no completed", types)
	}
}

func TestEnrichReleasedAtShutdownWritesNoFallback(t *testing.T) {
	env := newEnrichEnv(t, enrichOpts{shutdown: 50 * time.Millisecond, timeout: 30 * time.Second}, aitest.Hang())
	p := env.create(t, "Rex", shelter.SpeciesDog, 100)
	for len(env.srv.Requests()) == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	if err := env.stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	js, err := env.st.FindJobs(context.Background(), shelter.JobFilter{Kind: shelter.JobEnrichProfile, PetID: p.ID})
	if err != nil || len(js) != 1 || js[0].State != shelter.JobQueued {
		t.Fatalf("jobs = %+v, %v; want the job queued again", js, err)
	}
	if got := env.pet(t, p.ID); got.Profile != nil {
		t.Errorf("profile = %+v, want none: a shutdown is not an AI failure", got.Profile)
	}
	if types, _ := env.enrichEvents(t, p.ID); strings.Join(types, ",") != started {
		t.Errorf("events = %v, want only started", types)
	}
}

func TestRegenerateOverwrites(t *testing.T) {
	second := aitest.ValidReply()
	second["bio"] = "Luna has blossomed: she now greets every visitor at the door. She is ready for her forever home."
	env := newEnrichEnv(t, enrichOpts{}, aitest.Success(aitest.ValidReply()), aitest.Success(second))
	p := env.create(t, "Luna", shelter.SpeciesCat, 18)
	first := env.waitEnrich(t, p.ID)
	id, created, err := env.st.EnqueueEnrichment(context.Background(), shelter.Origin{Namespace: "py", Actor: "api"}, p.ID)
	if err != nil || !created || id == first.ID {
		t.Fatalf("EnqueueEnrichment: %d %v %v", id, created, err)
	}
	if job := env.waitEnrich(t, p.ID); job.ID != id || job.State != shelter.JobDone {
		t.Fatalf("regenerate job = %+v", job)
	}
	if got := env.pet(t, p.ID); got.Profile.Bio != second["bio"] {
		t.Errorf("bio after regenerate = %q", got.Profile.Bio)
	}
	if types, _ := env.enrichEvents(t, p.ID); strings.Join(types, ",") != strings.Join([]string{started, completed, started, completed}, ",") {
		t.Errorf("events = %v", types)
	}
}

// A database that fails is a failed attempt (retried by the queue), not a
// fallback: nothing is asked of the AI and no profile is written.
func TestEnrichDatabaseFailureIsAFailedAttempt(t *testing.T) {
	st := storetest.Open(t, store.Options{CreateJobs: []string{}})
	srv := aitest.NewServer(t, aitest.Options{})
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	w := &jobs.EnrichProfile{Store: st, AI: ai.New(ai.Config{APIKey: aitest.Key, BaseURL: srv.BaseURL(), Logger: quiet}), Logger: quiet}
	name, sp, age := "Luna", shelter.SpeciesCat, 18
	p, err := st.CreatePet(context.Background(), shelter.Origin{Namespace: "py", Actor: "api"}, shelter.PetFields{Name: &name, Species: &sp, AgeMonths: &age})
	if err != nil {
		t.Fatal(err)
	}
	st.DB().Read.Close()
	st.DB().Write.Close()
	job := &shelter.Job{ID: 1, Kind: shelter.JobEnrichProfile, Namespace: "py", PetID: p.ID, Attempts: 1, MaxAttempts: 5}
	if err := w.Work(context.Background(), job); err == nil {
		t.Fatal("Work on a closed database succeeded")
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("AI server got %d requests", n)
	}
}

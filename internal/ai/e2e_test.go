package ai_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/ai/aitest"
	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/testapp"
)

// These tests build and run the real binary, with OPENAI_BASE_URL pointing
// at the fake Chat Completions server.

func call(t *testing.T, app *testapp.App, method, url string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := app.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, out
}

// waitPet polls the pet until ok accepts it.
func waitPet(t *testing.T, app *testapp.App, id string, ok func(*shelter.Pet) bool) *shelter.Pet {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		status, body := call(t, app, "GET", app.URL+"/api/pets/"+id, nil)
		var p shelter.Pet
		if status == http.StatusOK && json.Unmarshal(body, &p) == nil && ok(&p) {
			return &p
		}
		if time.Now().After(deadline) {
			t.Fatalf("pet %s never got there: %d %s", id, status, body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func petEvents(t *testing.T, app *testapp.App, id string) []shelter.Event {
	t.Helper()
	status, body := call(t, app, "GET", app.URL+"/api/pets/"+id+"/events", nil)
	if status != http.StatusOK {
		t.Fatalf("events: %d %s", status, body)
	}
	var evs []shelter.Event
	if err := json.Unmarshal(body, &evs); err != nil {
		t.Fatalf("decode events %s: %v", body, err)
	}
	return evs
}

func createPet(t *testing.T, app *testapp.App, body map[string]any) *shelter.Pet {
	t.Helper()
	status, out := call(t, app, "POST", app.URL+"/api/pets", body)
	if status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, out)
	}
	var p shelter.Pet
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatal(err)
	}
	return &p
}

func TestEndToEndAIProfile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	second := aitest.ValidReply()
	second["bio"] = "Luna now purrs the moment anyone enters the room. She is ready to meet her new family."
	srv := aitest.NewServer(t, aitest.Options{}, aitest.Success(aitest.ValidReply()), aitest.Success(second))
	app := testapp.Start(t, testapp.Options{Env: []string{
		"OPENAI_API_KEY=" + aitest.Key, "OPENAI_BASE_URL=" + srv.BaseURL(), "AI_TIMEOUT=10s", "AI_CONCURRENCY=2",
	}})

	p := createPet(t, app, map[string]any{"name": "Luna", "species": "cat", "ageMonths": 18, "notes": "Loves windowsills."})
	if p.Profile != nil {
		t.Errorf("create answered with a profile already: %+v", p.Profile)
	}
	got := waitPet(t, app, p.ID, func(p *shelter.Pet) bool { return p.Profile != nil })
	if got.Profile.Source != shelter.ProfileSourceAI || got.Profile.Model != aitest.ResponseModel ||
		got.Profile.Bio != aitest.ValidReply()["bio"] || len(got.Profile.TemperamentTags) != 5 || got.Profile.GeneratedAt == 0 {
		t.Errorf("profile = %+v, want the model's", got.Profile)
	}

	// The notes may already carry the feeding reminder's welcome note.
	reqs := srv.Requests()
	if len(reqs) != 1 || !strings.Contains(reqs[0].Text(), `"name":"Luna"`) || !strings.Contains(reqs[0].Text(), `Loves windowsills.`) {
		t.Fatalf("AI requests = %+v", reqs)
	}

	// Enrichment leaves status to the lifecycle: the only transitions are
	// the feeding reminder's.
	for _, e := range petEvents(t, app, p.ID) {
		if strings.HasSuffix(e.Type, "lifecycle.transition.completed") && e.From != shelter.StatusNew {
			t.Errorf("unexpected transition %s → %s", e.From, e.To)
		}
	}
	if got.Status != shelter.StatusNew && got.Status != shelter.StatusInQuarantine {
		t.Errorf("status = %s", got.Status)
	}

	// Regenerate overwrites the profile.
	status, out := call(t, app, "POST", app.URL+"/js/pets/"+p.ID+"/profile", nil)
	if status != http.StatusAccepted {
		t.Fatalf("regenerate: %d %s", status, out)
	}
	waitPet(t, app, p.ID, func(p *shelter.Pet) bool { return p.Profile != nil && p.Profile.Bio == second["bio"] })

	var types []string
	for _, e := range petEvents(t, app, p.ID) {
		if strings.Contains(e.Type, "profile_enrichment") {
			types = append(types, e.Type)
		}
	}
	want := "api.profile_enrichment_enqueued,api.profile_enrichment_started,api.profile_enrichment_completed," +
		"js.profile_enrichment_enqueued,js.profile_enrichment_started,js.profile_enrichment_completed"
	if strings.Join(types, ",") != want {
		t.Errorf("enrichment events = %v, want %s", types, want)
	}
	var logs string
	for _, line := range []string{"AI profile enrichment is on", "🤖 AI Profile Enrichment started", "✅ AI Profile Enrichment completed"} {
		logs = app.WaitLog(t, line)
	}
	if strings.Contains(logs, aitest.Key) {
		t.Error("the logs show the API key")
	}
}

func TestEndToEndNoKeyFallsBack(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	srv := aitest.NewServer(t, aitest.Options{})
	app := testapp.Start(t, testapp.Options{Env: []string{"OPENAI_BASE_URL=" + srv.BaseURL()}})
	p := createPet(t, app, map[string]any{"name": "Rex", "species": "dog", "ageMonths": 120})
	got := waitPet(t, app, p.ID, func(p *shelter.Pet) bool { return p.Profile != nil })
	if got.Profile.Source != shelter.ProfileSourceFallback || !strings.Contains(got.Profile.Bio, "Rex is a 10-year-old senior dog") {
		t.Errorf("profile = %+v, want Rex's fallback", got.Profile)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("AI server got %d requests without a key", n)
	}
	if n := strings.Count(app.Logs(), "AI profile enrichment is off"); n != 1 {
		t.Errorf("the AI-off line appears %d times, want once:\n%s", n, app.Logs())
	}
}

package app_test

import (
	"context"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/app"
	"github.com/petstore/petstore/internal/config"
	"github.com/petstore/petstore/internal/logtest"
	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
)

// The whole app starts on port 0 with a temp database, answers, runs the
// background work, and stops in order: HTTP, then the job runners and the
// schedule, then the database.
func TestAppStartsAndStops(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "petstore.db")
	for k, v := range map[string]string{"DB_PATH": dbPath, "PORT": "0", "OPENAI_API_KEY": "", "TLS_CERT": "", "TLS_KEY": "",
		"ADMIN_EMAIL": "admin@example.org", "ADMIN_PASSWORD": "correct horse battery staple", "SHUTDOWN_TIMEOUT": "5s"} {
		t.Setenv(k, v)
	}
	cfg, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	logs := &logtest.Buffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx) }()
	select {
	case <-a.Listening():
	case err := <-served:
		t.Fatalf("serve: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("the app did not listen")
	}
	res, err := http.Get(a.BaseURL() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/healthz: %d", res.StatusCode)
	}

	// A pet created beside the running app gets its feeding reminder and
	// its (fallback) profile from the app's runners.
	other, err := store.Open(context.Background(), dbPath, store.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	name, sp, age := "Buddy", shelter.SpeciesDog, 12
	p, err := other.CreatePet(context.Background(), shelter.Origin{Namespace: "api", Actor: "test"},
		shelter.PetFields{Name: &name, Species: &sp, AgeMonths: &age})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		got, err := other.FindPetByID(context.Background(), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status == shelter.StatusInQuarantine && got.Profile != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("pet after 30s: status %s, profile %v\n%s", got.Status, got.Profile, logs)
		}
		time.Sleep(20 * time.Millisecond)
	}

	cancel()
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the app did not stop")
	}
	if _, err := http.Get(a.BaseURL() + "/healthz"); err == nil {
		t.Error("the server still answers after Serve returned")
	}
	out := logs.String()
	order := []string{"🐾 Petstore listening", "shutting down", "🛑 Job runner stopping", "✅ Job runner stopped"}
	at := 0
	for _, line := range order {
		i := strings.Index(out[at:], line)
		if i < 0 {
			t.Fatalf("logs lack %q after the previous step of %v:\n%s", line, order, out)
		}
		at += i
	}
	for _, runner := range []string{"runner=" + shelter.PoolJobs, "runner=" + shelter.PoolAI} {
		if !strings.Contains(out, "✅ Job runner stopped\" "+runner) {
			t.Errorf("runner %s did not stop:\n%s", runner, out)
		}
	}
	if !strings.Contains(out, "Deletion Reaper scheduled") {
		t.Errorf("the schedule did not start:\n%s", out)
	}
}

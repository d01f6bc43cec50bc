package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/ai"
	"github.com/petstore/petstore/internal/ai/aitest"
	"github.com/petstore/petstore/internal/jobs"
	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

// A model that hangs: after the breaker's threshold of timeouts, the other
// pets get the fallback at once (not AI_TIMEOUT each); when the model
// answers again, the pets that got a fallback because of the outage are
// enriched again, and get the model's profile.
func TestModelOutageFallsBackAtOnceAndReEnriches(t *testing.T) {
	st := storetest.Open(t, store.Options{CreateJobs: []string{shelter.JobEnrichProfile}})
	srv := aitest.NewServer(t, aitest.Options{}, aitest.Hang())
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	describer := ai.New(ai.Config{APIKey: aitest.Key, BaseURL: srv.BaseURL(), Timeout: 200 * time.Millisecond, Concurrency: 1,
		BreakerThreshold: 3, BreakerCooldown: 300 * time.Millisecond, Logger: quiet})
	b := describer.(*ai.Breaker)
	b.OnRecover(func() { st.RequeueOutageFallbacks(context.Background()) })
	w := &jobs.EnrichProfile{Store: st, AI: describer, Logger: quiet}
	start(t, st, jobs.Options{Workers: 1, Poll: 20 * time.Millisecond, BackoffBase: 5 * time.Millisecond, BackoffMax: 20 * time.Millisecond, Logger: quiet}, w)

	var ids []string
	for i := range 10 {
		name := "Pet" + string(rune('A'+i))
		sp, age := shelter.SpeciesCat, 3
		p, err := st.CreatePet(context.Background(), shelter.Origin{Namespace: "py", Actor: "api"}, shelter.PetFields{Name: &name, Species: &sp, AgeMonths: &age})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	began := time.Now()
	waitProfiles(t, st, ids, shelter.ProfileSourceFallback)
	// 3 timeouts of 200ms, then the 7 others at once: far less than the
	// 10 × 200ms the hanging model would cost without the breaker.
	t.Logf("10 fallbacks in %v", time.Since(began))
	if b.Status() == "" {
		t.Error("the Jobs page's status says nothing during the outage")
	}
	if n := srv.Requests(); len(n) > 4 {
		t.Errorf("%d calls reached the hanging model, want the threshold (3) and at most a probe", len(n))
	}

	srv.SetScript(aitest.Success(aitest.ValidReply()))
	waitProfiles(t, st, ids, shelter.ProfileSourceAI)
}

func waitProfiles(t *testing.T, st *store.Store, ids []string, source string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		n := 0
		for _, id := range ids {
			p, err := st.FindPetByID(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if p.Profile != nil && p.Profile.Source == source {
				n++
			}
		}
		if n == len(ids) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d pets have a %s profile", n, len(ids), source)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

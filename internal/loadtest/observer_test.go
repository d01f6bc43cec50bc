package loadtest

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/pgtest"
	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// The observer sees on either engine what the load tool waits for and
// counts: pets not yet done, the queue's depth, the database's size, the
// time to quarantine; and Fill copies a done pet up to a count.
func TestObserverAndFill(t *testing.T) {
	ctx := context.Background()
	path, url := filepath.Join(t.TempDir(), "petstore.db"), ""
	where := path
	if pgtest.Enabled() {
		url = pgtest.NewDatabase(t, "")
		where = url
	}
	st, err := store.Open(ctx, where, store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		CreateJobs: []string{shelter.JobFeedingReminder, shelter.JobEnrichProfile}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r := &IDRange{}
	for _, name := range []string{"Rex", "Tom", "Kiwi"} {
		sp, age := shelter.SpeciesDog, 3
		p, err := st.CreatePet(ctx, shelter.Origin{Namespace: "api", Actor: "test"}, shelter.PetFields{Name: &name, Species: &sp, AgeMonths: &age})
		if err != nil {
			t.Fatal(err)
		}
		id, _ := strconv.ParseInt(p.ID, 10, 64)
		r.add(id)
	}
	obs, err := NewObserver(path, url)
	if err != nil {
		t.Fatal(err)
	}
	defer obs.Close()
	if n, err := obs.Pending(ctx, r); err != nil || n != 3 {
		t.Fatalf("pending before the jobs ran: %d %v, want 3", n, err)
	}
	if n, err := obs.QueueDepth(ctx); err != nil || n != 6 {
		t.Fatalf("queue depth: %d %v, want 6 (two jobs a pet)", n, err)
	}
	if _, err := st.RunFeedingReminders(ctx, 10, time.Hour, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RunLocalProfiles(ctx, 10, func(p shelter.Pet) shelter.Profile { return shelter.FallbackProfile(p, time.Now()) }, nil); err != nil {
		t.Fatal(err)
	}
	if _, pending, err := obs.Drain(ctx, r, 5*time.Second); err != nil || pending != 0 {
		t.Fatalf("drain: %d pending, %v", pending, err)
	}
	if n, err := obs.QueueDepth(ctx); err != nil || n != 0 {
		t.Fatalf("queue depth once done: %d %v", n, err)
	}
	if lat, err := obs.QuarantineLatencies(ctx, r); err != nil || len(lat) != 3 {
		t.Fatalf("quarantine latencies: %v %v, want 3", lat, err)
	}
	size, err := obs.Size(ctx)
	if err != nil || size.Pets != 3 || size.Events != 21 || size.Jobs != 6 || size.DoneJobs != 6 || size.Bytes <= size.JobBytes || size.JobBytes <= 0 {
		t.Fatalf("size: %+v %v", size, err)
	}
	if added, err := Fill(ctx, path, url, 2500); err != nil || added != 2497 {
		t.Fatalf("fill: added %d, %v; want 2,497", added, err)
	}
	if size, err = obs.Size(ctx); err != nil || size.Pets != 2500 {
		t.Fatalf("size after the fill: %+v %v", size, err)
	}
	if got, err := st.CountPetsByStatus(ctx); err != nil || got[shelter.StatusInQuarantine] != 2500 {
		t.Fatalf("the server counts %v pets by status (%v), want 2,500 in quarantine", got, err)
	}
}

func TestPgPlaceholders(t *testing.T) {
	for in, want := range map[string]string{
		`SELECT count(*) FROM pets WHERE id BETWEEN ? AND ?`: `SELECT count(*) FROM pets WHERE id BETWEEN $1 AND $2`,
		`SELECT ?3 + ?1 + ?12, 'x'`:                          `SELECT $3 + $1 + $12, 'x'`,
		`SELECT 1`:                                           `SELECT 1`,
	} {
		if got := pgPlaceholders(in); got != want {
			t.Errorf("pgPlaceholders(%q) = %q, want %q", in, got, want)
		}
	}
}

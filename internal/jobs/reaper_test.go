package jobs_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // the test's time zone, wherever it runs

	"github.com/jonboulle/clockwork"

	"github.com/petstore/petstore/internal/jobs"
	"github.com/petstore/petstore/internal/logtest"
	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

// clockStore is a store whose clock the test sets.
type clockStore struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clockStore) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clockStore) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// reaperEvents returns the reaper.completed events.
func reaperEvents(t testing.TB, st *store.Store) []*shelter.Event {
	t.Helper()
	evs, err := st.FindEvents(context.Background(), shelter.EventFilter{Limit: shelter.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	var out []*shelter.Event
	for _, e := range evs {
		if e.Type == "system.reaper.completed" {
			out = append(out, e)
		}
	}
	return out
}

func reapStats(t testing.TB, e *shelter.Event) shelter.ReapStats {
	t.Helper()
	var s shelter.ReapStats
	if err := json.Unmarshal(e.Data, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

func exists(t testing.TB, st *store.Store, id string) bool {
	t.Helper()
	_, err := st.FindPetByID(context.Background(), id)
	if err != nil && shelter.ErrorCode(err) != shelter.ENOTFOUND {
		t.Fatal(err)
	}
	return err == nil
}

func TestReaperFiresAtTwoAndPurgesOnlyExpiredDeletedPets(t *testing.T) {
	zone, err := time.LoadLocation("Asia/Tokyo") // the server's TZ, not UTC
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 3, 10, 1, 59, 0, 0, zone)
	clock := clockwork.NewFakeClockAt(t0)
	logs := &logtest.Buffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	st := storetest.Open(t, store.Options{Now: clock.Now, PurgeAfter: 720 * time.Hour, Logger: log})
	ctx := context.Background()
	js := shelter.Origin{Namespace: "js", Actor: shelter.ActorAPI}
	py := shelter.Origin{Namespace: "py", Actor: shelter.ActorAPI}

	// Created and deleted 31 days ago: expired. Its feeding job is still
	// queued (no runner here).
	clock.Advance(-31 * 24 * time.Hour)
	oldJS, _ := st.CreatePet(ctx, js, fields("OldJS", shelter.SpeciesDog, ""))
	oldPY, _ := st.CreatePet(ctx, py, fields("OldPY", shelter.SpeciesCat, ""))
	alive, _ := st.CreatePet(ctx, js, fields("Alive", shelter.SpeciesBird, ""))
	for _, p := range []*shelter.Pet{oldJS, oldPY} {
		o := js
		if p == oldPY {
			o = py
		}
		if _, err := st.DeletePet(ctx, o, p.ID); err != nil {
			t.Fatal(err)
		}
	}
	// Deleted 29 days ago: kept.
	clock.Advance(2 * 24 * time.Hour)
	recent, _ := st.CreatePet(ctx, js, fields("Recent", shelter.SpeciesOther, ""))
	if _, err := st.DeletePet(ctx, js, recent.ID); err != nil {
		t.Fatal(err)
	}
	clock.Advance(29 * 24 * time.Hour)
	if !clock.Now().Equal(t0) {
		t.Fatalf("clock %s, want %s", clock.Now(), t0)
	}
	if len(petJobs(t, st, oldJS.ID)) != 1 {
		t.Fatal("the expired pet has no queued job to take with it")
	}

	reaper := &jobs.Reaper{Store: st, Now: clock.Now, Logger: log}
	sched, err := jobs.NewSchedule(jobs.ScheduleOptions{Location: zone, Clock: clock, Logger: log}, reaper.Task(""))
	if err != nil {
		t.Fatal(err)
	}
	sched.Start()
	t.Cleanup(func() { sched.Shutdown() })
	next, err := sched.NextRun(jobs.ReaperTaskName)
	if want := time.Date(2026, 3, 10, 2, 0, 0, 0, zone); err != nil || !next.Equal(want) {
		t.Fatalf("next run %s (%v), want %s", next, err, want)
	}
	if !strings.Contains(logs.String(), "Deletion Reaper scheduled") {
		t.Errorf("the next run is not logged:\n%s", logs)
	}

	// 01:59:30: not yet.
	bctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := clock.BlockUntilContext(bctx, 1); err != nil {
		t.Fatal(err)
	}
	clock.Advance(30 * time.Second)
	time.Sleep(100 * time.Millisecond)
	if n := len(reaperEvents(t, st)); n != 0 {
		t.Fatalf("the reaper ran %d times before 02:00", n)
	}
	// 02:00: it runs.
	if err := clock.BlockUntilContext(bctx, 1); err != nil {
		t.Fatal(err)
	}
	clock.Advance(30 * time.Second)
	deadline := time.Now().Add(10 * time.Second)
	for len(reaperEvents(t, st)) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the reaper did not run at 02:00:\n%s", logs)
		}
		time.Sleep(10 * time.Millisecond)
	}

	if exists(t, st, oldJS.ID) || exists(t, st, oldPY.ID) {
		t.Error("an expired deleted pet is still there")
	}
	if !exists(t, st, alive.ID) || !exists(t, st, recent.ID) {
		t.Error("the reaper removed a pet that was not due")
	}
	if js := petJobs(t, st, oldJS.ID); len(js) != 0 {
		t.Errorf("the purged pet's jobs stayed: %+v", js)
	}
	for _, c := range []struct {
		p  *shelter.Pet
		ns string
	}{{oldJS, "js"}, {oldPY, "py"}} {
		evs := petEvents(t, st, c.p.ID)
		if len(evs) < 3 || evs[0].Type != c.ns+".pet.created" || evs[len(evs)-1].Type != c.ns+".pet.purged" {
			t.Errorf("timeline of purged pet %s: %d events, last %+v", c.p.ID, len(evs), evs[len(evs)-1])
		}
	}
	rev := reaperEvents(t, st)
	if s := reapStats(t, rev[0]); s.TotalScanned != 2 || s.PurgedCount != 2 || s.FailedCount != 0 || rev[0].Namespace != "system" {
		t.Errorf("reaper.completed %s in %s", rev[0].Data, rev[0].Namespace)
	}
	for _, line := range []string{"🔄 Deletion Reaper started", "💀 Pet permanently purged", "✅ Deletion Reaper completed"} {
		if !strings.Contains(logs.String(), line) {
			t.Errorf("logs lack %q", line)
		}
	}
	// A new pet never gets a purged pet's id.
	p, _ := st.CreatePet(ctx, js, fields("New", shelter.SpeciesDog, ""))
	if n, _ := strconv.Atoi(p.ID); n <= maxID(t, oldJS, oldPY, alive, recent) {
		t.Errorf("new pet id %s reuses or precedes a purged id", p.ID)
	}
	next, _ = sched.NextRun(jobs.ReaperTaskName)
	if want := time.Date(2026, 3, 11, 2, 0, 0, 0, zone); !next.Equal(want) {
		t.Errorf("next run after the run %s, want %s", next, want)
	}
}

func TestReaperInBatchesCountsFailures(t *testing.T) {
	clock := &clockStore{now: time.Now().Add(-48 * time.Hour)}
	st := storetest.Open(t, store.Options{Now: clock.Now, PurgeAfter: time.Hour})
	ctx := context.Background()
	o := shelter.Origin{Namespace: "api", Actor: shelter.ActorAPI}
	var ids []string
	for _, name := range []string{"A", "B", "Stuck", "C", "D", "E", "F"} {
		p, err := st.CreatePet(ctx, o, fields(name, shelter.SpeciesDog, ""))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.DeletePet(ctx, o, p.ID); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	clock.Set(time.Now())
	// A purge that fails for one pet must not undo the others of its batch.
	storetest.FailDeletes(t, st, "pets", "old.name = 'Stuck'")
	r := &jobs.Reaper{Store: st, Batch: 2, Now: clock.Now}
	s, err := r.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s.TotalScanned != 7 || s.PurgedCount != 6 || s.FailedCount != 1 {
		t.Fatalf("stats %+v, want 7 scanned, 6 purged, 1 failed", s)
	}
	for i, id := range ids {
		if exists(t, st, id) != (i == 2) {
			t.Errorf("pet %s exists: %v", id, exists(t, st, id))
		}
	}
	if got := reapStats(t, reaperEvents(t, st)[0]); got.PurgedCount != 6 || got.FailedCount != 1 || got.TotalScanned != 7 {
		t.Errorf("reaper.completed %+v", got)
	}
}

func TestReaperWithNothingToDo(t *testing.T) {
	st := storetest.Open(t, store.Options{})
	s, err := (&jobs.Reaper{Store: st}).Run(context.Background())
	if err != nil || s.TotalScanned != 0 || s.PurgedCount != 0 {
		t.Fatalf("stats %+v, err %v", s, err)
	}
	if len(reaperEvents(t, st)) != 1 {
		t.Fatal("an empty run records no reaper.completed")
	}
}

func TestScheduleRejectsBadSpec(t *testing.T) {
	st := storetest.Open(t, store.Options{})
	_, err := jobs.NewSchedule(jobs.ScheduleOptions{}, (&jobs.Reaper{Store: st}).Task("every day"))
	if err == nil || !strings.Contains(err.Error(), "REAPER_SCHEDULE") {
		t.Fatalf("err %v, want one naming REAPER_SCHEDULE", err)
	}
}

func maxID(t testing.TB, ps ...*shelter.Pet) int {
	m := 0
	for _, p := range ps {
		n, err := strconv.Atoi(p.ID)
		if err != nil {
			t.Fatal(err)
		}
		m = max(m, n)
	}
	return m
}

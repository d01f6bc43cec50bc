package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/pgtest"
	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

// Two stores on one PostgreSQL database stand for two servers: what one
// writes the other reads, its commit wakes the other's live views and job
// runners (LISTEN/NOTIFY), no job is claimed by both (FOR UPDATE SKIP
// LOCKED), and a scheduled run is taken by one only.
func TestTwoServersOnePostgres(t *testing.T) {
	if !storetest.Postgres() {
		t.Skip("PostgreSQL run only: on SQLite one server owns the database file (make test runs this on PostgreSQL)")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shared.db") // the same database for both
	a := storetest.OpenAt(t, path, store.Options{})
	b := storetest.OpenAt(t, path, store.Options{})

	events, enqueued := make(chan struct{}, 100), make(chan struct{}, 100)
	b.OnEvent(func() { events <- struct{}{} })
	b.OnEnqueue(func() { enqueued <- struct{}{} })
	drain := func(c chan struct{}) {
		for len(c) > 0 {
			<-c
		}
	}
	time.Sleep(200 * time.Millisecond) // b's listener connects (and wakes once)
	drain(events)
	drain(enqueued)

	p, err := a.CreatePet(ctx, origin, fields("Rex", shelter.SpeciesDog, 3))
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]chan struct{}{"event": events, "enqueue": enqueued} {
		select {
		case <-c:
		case <-time.After(10 * time.Second):
			t.Fatalf("the other server was not woken by the %s", name)
		}
	}
	if got, err := b.FindPetByID(ctx, p.ID); err != nil || got.Name != "Rex" {
		t.Fatalf("read on the other server: %v %v", got, err)
	}

	// 200 jobs, both servers claiming at once, 10 at a time: each job once.
	var jobs []store.NewJob
	for range 200 {
		jobs = append(jobs, store.NewJob{Kind: shelter.JobFeedingReminder, PetID: p.ID})
	}
	if _, err := a.Enqueue(ctx, origin, jobs...); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for _, s := range []*store.Store{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				js, err := s.ClaimJobs(ctx, nil, map[string]int{shelter.JobFeedingReminder: 0}, 10, time.Minute)
				if err != nil {
					t.Error(err)
					return
				}
				if len(js) == 0 {
					return
				}
				mu.Lock()
				for _, j := range js {
					seen[j.ID]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for id, n := range seen {
		if n != 1 {
			t.Errorf("job %d claimed %d times", id, n)
		}
	}
	if len(seen) < 200 {
		t.Errorf("%d jobs claimed, want at least the 200 queued", len(seen))
	}

	slot := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	okA, errA := a.ClaimScheduledRun(ctx, "deletion-reaper", slot)
	okB, errB := b.ClaimScheduledRun(ctx, "deletion-reaper", slot.Add(20*time.Second))
	if errA != nil || errB != nil || !okA || okB {
		t.Fatalf("scheduled run taken by a %v (%v) and b %v (%v): want a only", okA, errA, okB, errB)
	}
	if ok, err := b.ClaimScheduledRun(ctx, "deletion-reaper", slot.Add(time.Minute)); err != nil || !ok {
		t.Fatalf("the next minute's run: %v %v", ok, err)
	}
}

// A reader that follows the event log by id (the live views' stream, a
// script polling GET /api/events?after=) must see every event, though two
// servers write at once: an event id is taken when its row is inserted, so
// a server whose transaction took id 100 and commits after another's took
// 101 would, without the commits being kept in id order, show 101 to a
// reader first, whose cursor then passes 100 for good.
func TestTwoServersEventFeedMissesNothing(t *testing.T) {
	if !storetest.Postgres() {
		t.Skip("PostgreSQL run only: on SQLite one server owns the database file (make test runs this on PostgreSQL)")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shared.db")
	a := storetest.OpenAt(t, path, store.Options{})
	b := storetest.OpenAt(t, path, store.Options{})

	stop := make(chan struct{})
	seen := map[int64]int{}
	readerDone := make(chan error, 1)
	go func() {
		var after int64
		read := func() error {
			for {
				evs, err := b.FindEvents(ctx, shelter.EventFilter{After: after, Limit: shelter.MaxLimit})
				if err != nil {
					return err
				}
				for _, e := range evs {
					seen[e.ID]++
					after = e.ID
				}
				if len(evs) < shelter.MaxLimit {
					return nil
				}
			}
		}
		for {
			select {
			case <-stop:
				readerDone <- read() // what was committed before the writers stopped
				return
			default:
			}
			if err := read(); err != nil {
				readerDone <- err
				return
			}
		}
	}()

	// a commits batches of many callers (its first event id waits for the
	// batch), b one or two at a time: b's later ids often commit first.
	var wg sync.WaitGroup
	for i := range 18 {
		s := a
		if i < 2 {
			s = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 40 {
				var err error
				if s == a {
					_, err = s.CreatePet(ctx, origin, fields("Rex", shelter.SpeciesDog, 3))
				} else { // an event that touches no pet: no row lock orders it
					err = s.InsertEvent(ctx, &shelter.Event{Namespace: "api", Type: "api.test.note", Actor: "test"})
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	if err := <-readerDone; err != nil {
		t.Fatal(err)
	}
	all, err := a.FindEvents(ctx, shelter.EventFilter{Limit: shelter.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	for after := int64(0); len(all) > 0; {
		after = all[len(all)-1].ID
		more, err := a.FindEvents(ctx, shelter.EventFilter{After: after, Limit: shelter.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		if len(more) == 0 {
			break
		}
		all = append(all, more...)
	}
	missed := 0
	for _, e := range all {
		if seen[e.ID] != 1 {
			missed++
		}
	}
	if missed > 0 || len(all) < 18*40 {
		t.Fatalf("the reader following the log missed %d of %d events (want none missed, at least %d events)", missed, len(all), 18*40)
	}
}

// Events written a few to an INSERT get their own rows' ids, in their
// order, on either engine (on PostgreSQL the ids come back from RETURNING
// in no promised order), and so do a create's two jobs.
func TestEventsOfOneInsertGetTheirOwnIDs(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t, store.Options{CreateJobs: []string{shelter.JobFeedingReminder, shelter.JobEnrichProfile}})
	for round := range 20 {
		var evs []*shelter.Event
		for i := range 7 { // two INSERTs: four rows, then three
			evs = append(evs, &shelter.Event{Namespace: "api", Type: fmt.Sprintf("api.test.%d.%d", round, i), Actor: "test"})
		}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return s.InsertEventsTx(ctx, tx, evs...) }); err != nil {
			t.Fatal(err)
		}
		for i, e := range evs {
			if i > 0 && e.ID <= evs[i-1].ID {
				t.Fatalf("event ids out of their order: %d after %d", e.ID, evs[i-1].ID)
			}
			got, err := s.FindEvents(ctx, shelter.EventFilter{After: e.ID - 1, Limit: 1})
			if err != nil || len(got) != 1 || got[0].ID != e.ID || got[0].Type != e.Type {
				t.Fatalf("event %d (%s) reads back as %+v %v", e.ID, e.Type, got, err)
			}
		}
		// A create queues its two jobs in one INSERT: each enqueued event
		// names its own kind's job.
		p, err := s.CreatePet(ctx, origin, fields("Rex", shelter.SpeciesDog, 3))
		if err != nil {
			t.Fatal(err)
		}
		pevs, err := s.FindEvents(ctx, shelter.EventFilter{PetID: p.ID})
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]string{}
		for _, e := range pevs {
			var d struct {
				JobID int64 `json:"jobId"`
			}
			if json.Unmarshal(e.Data, &d) != nil || d.JobID == 0 {
				continue
			}
			j, err := s.FindJobByID(ctx, d.JobID)
			if err != nil {
				t.Fatal(err)
			}
			kinds[e.Type] = j.Kind
		}
		want := map[string]string{
			shelter.EventType(origin.Namespace, shelter.EventFeedingReminderEnqueued):   shelter.JobFeedingReminder,
			shelter.EventType(origin.Namespace, shelter.EventProfileEnrichmentEnqueued): shelter.JobEnrichProfile,
		}
		for typ, kind := range want {
			if kinds[typ] != kind {
				t.Fatalf("round %d: %s names a job of kind %q, want %q (all: %v)", round, typ, kinds[typ], kind, kinds)
			}
		}
	}
}

// A server stopped in the middle of a write transaction (frozen, or its
// machine gone without closing the connection) holds the servers' write
// lock: PostgreSQL ends that transaction once it has sat idle for
// idle_in_transaction_session_timeout (30 s unless DATABASE_URL says
// otherwise; half a second here), the other server writes again, the
// stopped one's work is undone and it writes again once it wakes.
func TestAStalledServerDoesNotBlockTheOthers(t *testing.T) {
	if !storetest.Postgres() {
		t.Skip("PostgreSQL run only: on SQLite one server owns the database file (make test runs this on PostgreSQL)")
	}
	ctx := context.Background()
	u, err := url.Parse(pgtest.NewDatabase(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("idle_in_transaction_session_timeout", "500")
	u.RawQuery = q.Encode()
	open := func() *store.Store {
		s, err := store.Open(ctx, u.String(), store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	a, b := open(), open()

	inside := make(chan struct{})
	stalled := make(chan error, 1)
	go func() {
		stalled <- a.InTx(ctx, func(tx *store.Tx) error {
			if err := a.InsertEventsTx(ctx, tx, &shelter.Event{Namespace: "api", Type: "api.test.stalled", Actor: "test"}); err != nil {
				return err
			}
			close(inside)
			time.Sleep(3 * time.Second) // the server freezes, its transaction open
			return nil
		})
	}()
	<-inside
	if _, err := b.CreatePet(ctx, origin, fields("Rex", shelter.SpeciesDog, 3)); err != nil {
		t.Fatalf("the other server's write: %v", err)
	}
	select {
	case err := <-stalled:
		t.Fatalf("the stalled server's transaction ended (%v) before the other server could write", err)
	default: // b wrote while a was still frozen
	}
	if err := <-stalled; err == nil {
		t.Fatal("the stalled transaction was reported committed, though PostgreSQL ended it")
	}
	evs, err := b.FindEvents(ctx, shelter.EventFilter{Limit: shelter.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if e.Type == "api.test.stalled" {
			t.Fatal("the stalled transaction's event is in the log")
		}
	}
	if _, err := a.CreatePet(ctx, origin, fields("Tom", shelter.SpeciesCat, 2)); err != nil {
		t.Fatalf("the stalled server writes again: %v", err)
	}
}

package web_test

import (
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

// eventTypes lists the types of evs without their namespace, with the
// actor of automatic steps marked.
func eventTypes(evs []shelter.Event) []string {
	var out []string
	for _, e := range evs {
		_, name, _ := strings.Cut(e.Type, ".")
		if e.Actor == shelter.ActorSystem {
			name += "(system)"
		}
		if e.From != "" || e.To != "" {
			name += ":" + string(e.From) + ">" + string(e.To)
		}
		out = append(out, name)
	}
	return out
}

// TestSeedLifecycle runs the seed's "Create a Pet and Guide Through
// Lifecycle" curl sequence in every namespace.
func TestSeedLifecycle(t *testing.T) {
	a := newAPI(t, store.Options{})
	for _, ns := range shelter.Namespaces {
		t.Run(ns, func(t *testing.T) {
			// 1. Create a pet: status new.
			p := a.Create(t, ns, "Buddy", shelter.SpeciesDog, 24)
			// The feeding reminder completes (the job runner's part).
			quarantine(t, a.Store, ns, p.ID)
			// 2. Check current status.
			if got := a.Get(t, ns, p.ID); got.Status != shelter.StatusInQuarantine {
				t.Fatalf("after the reminder: %s", got.Status)
			}
			// Try to skip quarantine: rejected, 202, nothing changes.
			sc := a.Ask(t, ns, p.ID, shelter.StatusAvailable)
			if sc.Accepted || sc.Reason == nil || *sc.Reason != "Invalid transition: cannot change from in_quarantine to available" ||
				sc.Status != shelter.StatusInQuarantine || sc.PreviousStatus != shelter.StatusInQuarantine || sc.RequestedStatus != shelter.StatusAvailable || sc.PetID != p.ID {
				t.Errorf("skip quarantine: %+v", sc)
			}
			// 3. Health check: healthy, then automatically available.
			sc = a.Ask(t, ns, p.ID, shelter.StatusHealthy)
			if !sc.Accepted || sc.Reason != nil || sc.PreviousStatus != shelter.StatusInQuarantine || sc.Status != shelter.StatusAvailable {
				t.Errorf("healthy: %+v", sc)
			}
			// 4. "Marks ready for adoption": already available, idempotent.
			sc = a.Ask(t, ns, p.ID, shelter.StatusAvailable)
			if !sc.Accepted || sc.Reason != nil || sc.Status != shelter.StatusAvailable || !strings.Contains(sc.Message, "already") {
				t.Errorf("available again: %+v", sc)
			}
			// 5. Adoption application, 6. adoption.
			if sc = a.Ask(t, ns, p.ID, shelter.StatusPending); !sc.Accepted || sc.Status != shelter.StatusPending {
				t.Errorf("pending: %+v", sc)
			}
			if sc = a.Ask(t, ns, p.ID, shelter.StatusAdopted); !sc.Accepted || sc.Status != shelter.StatusAdopted {
				t.Errorf("adopted: %+v", sc)
			}
			if got := a.Get(t, ns, p.ID); got.Status != shelter.StatusAdopted {
				t.Errorf("stored status %s", got.Status)
			}
			want := []string{
				"pet.created:>new",
				"feeding.reminder.enqueued",
				"lifecycle.transition.completed(system):new>in_quarantine",
				"status.update.requested:in_quarantine>available",
				"lifecycle.transition.rejected:in_quarantine>available",
				"status.update.requested:in_quarantine>healthy",
				"lifecycle.transition.completed:in_quarantine>healthy",
				"lifecycle.transition.completed(system):healthy>available",
				"status.update.requested:available>available",
				"status.update.requested:available>pending",
				"lifecycle.transition.completed:available>pending",
				"status.update.requested:pending>adopted",
				"lifecycle.transition.completed:pending>adopted",
			}
			evs := a.Events(t, ns, p.ID)
			if got := eventTypes(evs); !slices.Equal(got, want) {
				t.Errorf("timeline\n got %q\nwant %q", got, want)
			}
			for i, e := range evs {
				if e.Namespace != ns || !strings.HasPrefix(e.Type, ns+".") || e.PetID != p.ID || (i > 0 && e.ID <= evs[i-1].ID) {
					t.Errorf("event %+v", e)
				}
			}
		})
	}
}

// TestSeedIllness runs the seed's "Illness and Treatment Workflow".
func TestSeedIllness(t *testing.T) {
	a := newAPI(t, store.Options{})
	p := a.Create(t, "py", "Whiskers", shelter.SpeciesCat, 12)
	quarantine(t, a.Store, "py", p.ID)
	a.Ask(t, "py", p.ID, shelter.StatusHealthy) // → available
	steps := []struct {
		ask      shelter.Status
		accepted bool
		status   shelter.Status
	}{
		{shelter.StatusIll, true, shelter.StatusUnderTreatment},            // mark ill: treatment starts
		{shelter.StatusUnderTreatment, true, shelter.StatusUnderTreatment}, // start treatment: already
		{shelter.StatusRecovered, true, shelter.StatusAvailable},           // recovered → healthy → available
		{shelter.StatusHealthy, false, shelter.StatusAvailable},            // "clear back to healthy": it already went past
	}
	for _, s := range steps {
		sc := a.Ask(t, "py", p.ID, s.ask)
		if sc.Accepted != s.accepted || sc.Status != s.status || (sc.Reason != nil) == s.accepted {
			t.Errorf("ask %s: %+v, want accepted=%v status=%s", s.ask, sc, s.accepted, s.status)
		}
	}
	evs := a.Events(t, "py", p.ID)
	var auto []string
	for _, e := range evs {
		if e.Actor == shelter.ActorSystem {
			auto = append(auto, string(e.From)+">"+string(e.To))
		}
	}
	want := []string{"new>in_quarantine", "healthy>available", "ill>under_treatment", "recovered>healthy", "healthy>available"}
	if !slices.Equal(auto, want) {
		t.Errorf("automatic steps %v, want %v", auto, want)
	}
}

// TestStatusWithFields checks a PUT with a status and fields is one
// transaction.
func TestStatusWithFields(t *testing.T) {
	a := newAPI(t, store.Options{})
	p := a.Create(t, "api", "Rex", shelter.SpeciesDog, 2)
	// Rejected: the fields are not applied either.
	r := a.Do(t, "PUT", "/api/pets/"+p.ID, `{"status":"adopted","name":"Max","notes":"x"}`)
	if r.Status != http.StatusAccepted {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	if got := a.Get(t, "api", p.ID); got.Name != "Rex" || got.Notes != "" || got.Status != shelter.StatusNew {
		t.Errorf("a rejected PUT changed the pet: %+v", got)
	}
	// deleted is never reachable through PUT.
	if sc := a.Ask(t, "api", p.ID, shelter.StatusDeleted); sc.Accepted || sc.Status != shelter.StatusNew {
		t.Errorf("PUT deleted: %+v", sc)
	}
	// Accepted: both apply, 202.
	quarantine(t, a.Store, "api", p.ID)
	r = a.Do(t, "PUT", "/api/pets/"+p.ID, `{"status":"healthy","name":"Max"}`)
	var sc statusChange
	r.JSON(t, &sc)
	if r.Status != http.StatusAccepted || !sc.Accepted || sc.Status != shelter.StatusAvailable {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	if got := a.Get(t, "api", p.ID); got.Name != "Max" || got.Status != shelter.StatusAvailable {
		t.Errorf("accepted PUT: %+v", got)
	}
	// Same status plus fields: the fields apply.
	r = a.Do(t, "PUT", "/api/pets/"+p.ID, `{"status":"available","ageMonths":3}`)
	if r.Status != http.StatusAccepted || a.Get(t, "api", p.ID).AgeMonths != 3 {
		t.Errorf("same status with fields: %d %s", r.Status, r.Body)
	}
}

// TestDeleteRestore covers the seed's soft delete and the recovery window.
func TestDeleteRestore(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	a := newAPI(t, store.Options{PurgeAfter: 48 * time.Hour, Now: clock})
	p := a.Create(t, "js", "Buddy", shelter.SpeciesDog, 24)
	quarantine(t, a.Store, "js", p.ID)
	a.Ask(t, "js", p.ID, shelter.StatusHealthy)

	r := a.Do(t, "DELETE", "/js/pets/"+p.ID, nil)
	var del struct {
		Message string `json:"message"`
		PetID   string `json:"petId"`
		PurgeAt int64  `json:"purgeAt"`
	}
	r.JSON(t, &del)
	wantPurge := now.Add(48 * time.Hour).UnixMilli()
	if r.Status != 202 || del.Message != "Pet scheduled for deletion" || del.PetID != p.ID || del.PurgeAt != wantPurge {
		t.Fatalf("delete: %d %+v", r.Status, del)
	}
	got := a.Get(t, "js", p.ID)
	if got.Status != shelter.StatusDeleted || got.DeletedAt != now.UnixMilli() || got.PurgeAt != wantPurge {
		t.Errorf("deleted pet %+v", got)
	}
	// Deleting again a day later keeps the purge date.
	now = now.Add(24 * time.Hour)
	r = a.Do(t, "DELETE", "/ts/pets/"+p.ID, nil)
	r.JSON(t, &del)
	if r.Status != 202 || del.PurgeAt != wantPurge {
		t.Errorf("second delete: %d %+v", r.Status, del)
	}
	// Still listed, with status deleted.
	r = a.Do(t, "GET", "/js/pets?status=deleted", nil)
	if !strings.Contains(string(r.Body), `"id":"`+p.ID+`"`) {
		t.Errorf("deleted pet not listed: %s", r.Body)
	}
	// Restore: back to available, dates cleared.
	r = a.Do(t, "POST", "/py/pets/"+p.ID+"/restore", nil)
	var back map[string]any
	r.JSON(t, &back)
	if r.Status != 200 || back["status"] != "available" || back["deletedAt"] != nil || back["purgeAt"] != nil {
		t.Errorf("restore: %d %s", r.Status, r.Body)
	}
	if r := a.Do(t, "POST", "/py/pets/"+p.ID+"/restore", nil); r.Status != http.StatusConflict {
		t.Errorf("restore again: %d", r.Status)
	}
	evs := a.Events(t, "js", p.ID)
	var names []string
	for _, e := range evs[len(evs)-2:] {
		names = append(names, e.Type+":"+string(e.From)+">"+string(e.To))
	}
	if want := []string{"js.pet.soft.deleted:available>deleted", "py.pet.restored:deleted>available"}; !slices.Equal(names, want) {
		t.Errorf("events %v, want %v", names, want)
	}
}

// TestEventFeed covers GET /api/events for pollers.
func TestEventFeed(t *testing.T) {
	a := newAPI(t, store.Options{})
	a.Create(t, "js", "A", shelter.SpeciesDog, 1)
	a.Create(t, "ts", "B", shelter.SpeciesCat, 1)
	a.Create(t, "py", "C", shelter.SpeciesBird, 1)
	var all []shelter.Event
	a.Do(t, "GET", "/api/events", nil).JSON(t, &all)
	if len(all) != 6 { // created + reminder enqueued, per pet
		t.Fatalf("%d events: %+v", len(all), all)
	}
	var got []shelter.Event
	next := "/api/events?limit=4"
	for pages := 0; next != ""; pages++ {
		r := a.Do(t, "GET", next, nil)
		var page []shelter.Event
		r.JSON(t, &page)
		got = append(got, page...)
		next = strings.TrimSuffix(strings.TrimPrefix(r.Header.Get("Link"), "<"), `>; rel="next"`)
		if pages > 3 {
			t.Fatal("paging does not end")
		}
	}
	if len(got) != 6 || got[0].ID != all[0].ID || got[5].ID != all[5].ID {
		t.Errorf("paged %d events", len(got))
	}
	var after []shelter.Event
	a.Do(t, "GET", "/api/events?after="+strconv.FormatInt(all[3].ID, 10), nil).JSON(t, &after)
	if len(after) != 2 || after[0].ID != all[4].ID {
		t.Errorf("after: %+v", after)
	}
	var none []shelter.Event
	r := a.Do(t, "GET", "/api/events?after=999999", nil)
	if r.JSON(t, &none); len(none) != 0 || strings.TrimSpace(string(r.Body)) != "[]" {
		t.Errorf("after the end: %s", r.Body)
	}
}

// TestRestartKeepsEverything closes the database and serves it again.
func TestRestartKeepsEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "petstore.db")
	st := storetest.OpenAt(t, path, store.Options{})
	a := serveStore(t, st)
	p1 := a.Create(t, "js", "Buddy", shelter.SpeciesDog, 24)
	quarantine(t, st, "js", p1.ID)
	a.Ask(t, "js", p1.ID, shelter.StatusHealthy)
	p2 := a.Create(t, "py", "Gone", shelter.SpeciesCat, 2)
	a.Do(t, "DELETE", "/py/pets/"+p2.ID, nil)
	before1, before2 := a.Get(t, "api", p1.ID), a.Get(t, "api", p2.ID)
	evs := a.Events(t, "api", p1.ID)
	a.srv.Close()
	if err := st.DB().Close(); err != nil {
		t.Fatal(err)
	}

	b := serveStore(t, storetest.OpenAt(t, path, store.Options{}))
	after1, after2 := b.Get(t, "api", p1.ID), b.Get(t, "api", p2.ID)
	if *after1 != *before1 || *after2 != *before2 {
		t.Errorf("after restart\n%+v\n%+v\nwant\n%+v\n%+v", after1, after2, before1, before2)
	}
	if got := b.Events(t, "api", p1.ID); !slices.Equal(eventTypes(got), eventTypes(evs)) || got[len(got)-1].ID != evs[len(evs)-1].ID {
		t.Errorf("timeline after restart: %v", eventTypes(got))
	}
	if p3 := b.Create(t, "ts", "Next", shelter.SpeciesBird, 1); p3.ID != "3" {
		t.Errorf("next id %s, want 3", p3.ID)
	}
}

// TestHealth answers 200, then 503 once the database is closed.
func TestHealth(t *testing.T) {
	a := newAPI(t, store.Options{})
	if r := a.Do(t, "GET", "/healthz", nil); r.Status != 200 || !strings.Contains(string(r.Body), `"ok"`) {
		t.Fatalf("healthz: %d %s", r.Status, r.Body)
	}
	if err := a.Store.DB().Close(); err != nil {
		t.Fatal(err)
	}
	if r := a.Do(t, "GET", "/healthz", nil); r.Status != http.StatusServiceUnavailable {
		t.Fatalf("healthz with the database closed: %d %s", r.Status, r.Body)
	}
}

package jobs_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/jobs"
	"github.com/petstore/petstore/internal/logtest"
	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

func fields(name string, species shelter.Species, notes string) shelter.PetFields {
	age := 12
	f := shelter.PetFields{Name: &name, Species: &species, AgeMonths: &age}
	if notes != "" {
		f.Notes = &notes
	}
	return f
}

// petJobs returns the jobs of one pet.
func petJobs(t testing.TB, st *store.Store, petID string) []*shelter.Job {
	t.Helper()
	js, err := st.FindJobs(context.Background(), shelter.JobFilter{PetID: petID})
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// petEvents returns one pet's timeline.
func petEvents(t testing.TB, st *store.Store, petID string) []*shelter.Event {
	t.Helper()
	evs, err := st.FindEvents(context.Background(), shelter.EventFilter{PetID: petID, Limit: shelter.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func countTransitions(evs []*shelter.Event, from, to shelter.Status) int {
	n := 0
	for _, e := range evs {
		if strings.HasSuffix(e.Type, "."+shelter.EventTransitionCompleted) && e.From == from && e.To == to {
			n++
		}
	}
	return n
}

func TestFeedingReminderMovesNewPetToQuarantine(t *testing.T) {
	logs := &logtest.Buffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	st := storetest.Open(t, store.Options{Logger: log})
	interval := 2 * time.Hour
	start(t, st, jobs.Options{Poll: time.Hour, Logger: log}, &jobs.FeedingReminder{Store: st, Interval: interval, Logger: log})

	p, err := st.CreatePet(context.Background(), shelter.Origin{Namespace: "js", Actor: shelter.ActorAPI}, fields("Buddy", shelter.SpeciesDog, "Shy with cats"))
	if err != nil {
		t.Fatal(err)
	}
	js := petJobs(t, st, p.ID)
	if len(js) != 1 || js[0].Kind != shelter.JobFeedingReminder || js[0].Namespace != "js" {
		t.Fatalf("jobs of a new pet: %+v", js)
	}
	waitJob(t, st, js[0].ID, shelter.JobDone)

	got, err := st.FindPetByID(context.Background(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != shelter.StatusInQuarantine {
		t.Errorf("status %s, want in_quarantine", got.Status)
	}
	if want := jobs.WelcomeNote + "\n\nShy with cats"; got.Notes != want {
		t.Errorf("notes %q, want %q", got.Notes, want)
	}
	if want := p.CreatedAt + interval.Milliseconds(); got.NextFeedingAt != want {
		t.Errorf("nextFeedingAt %d, want createdAt+2h = %d", got.NextFeedingAt, want)
	}
	evs := petEvents(t, st, p.ID)
	var types []string
	for _, e := range evs {
		types = append(types, e.Type)
	}
	want := []string{"js.pet.created", "js.feeding.reminder.enqueued", "js.feeding.reminder.completed", "js.lifecycle.transition.completed"}
	if strings.Join(types, " ") != strings.Join(want, " ") {
		t.Fatalf("events %v, want %v", types, want)
	}
	var data map[string]any
	if err := json.Unmarshal(evs[2].Data, &data); err != nil {
		t.Fatal(err)
	}
	if _, ok := data["processingTimeMs"]; !ok || evs[2].Actor != shelter.ActorSystem {
		t.Errorf("feeding.reminder.completed: actor %s, data %s", evs[2].Actor, evs[2].Data)
	}
	tr := evs[3]
	if tr.From != shelter.StatusNew || tr.To != shelter.StatusInQuarantine || tr.Actor != shelter.ActorSystem || tr.Namespace != "js" {
		t.Errorf("transition %+v", tr)
	}
	for _, line := range []string{"🔄 Setting next feeding reminder", "✅ Next feeding reminder set"} {
		logs.WaitFor(t, line)
	}
}

func TestFeedingReminderWithoutStaffNotes(t *testing.T) {
	st := storetest.Open(t, store.Options{})
	start(t, st, jobs.Options{Poll: time.Hour}, &jobs.FeedingReminder{Store: st})
	p, err := st.CreatePet(context.Background(), shelter.Origin{Namespace: "api", Actor: shelter.ActorAPI}, fields("Tom", shelter.SpeciesCat, ""))
	if err != nil {
		t.Fatal(err)
	}
	waitJob(t, st, petJobs(t, st, p.ID)[0].ID, shelter.JobDone)
	got, _ := st.FindPetByID(context.Background(), p.ID)
	if got.Notes != jobs.WelcomeNote || got.NextFeedingAt != p.CreatedAt+24*time.Hour.Milliseconds() {
		t.Fatalf("notes %q, nextFeedingAt %d (created %d)", got.Notes, got.NextFeedingAt, p.CreatedAt)
	}
}

func TestFeedingReminderLeavesDeletedPetAlone(t *testing.T) {
	logs := &logtest.Buffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	st := storetest.Open(t, store.Options{Logger: log})
	o := shelter.Origin{Namespace: "ts", Actor: shelter.ActorAPI}
	p, err := st.CreatePet(context.Background(), o, fields("Gone", shelter.SpeciesBird, ""))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DeletePet(context.Background(), o, p.ID); err != nil {
		t.Fatal(err)
	}
	start(t, st, jobs.Options{Poll: time.Hour, Logger: log}, &jobs.FeedingReminder{Store: st, Logger: log})
	waitJob(t, st, petJobs(t, st, p.ID)[0].ID, shelter.JobDone)
	got, _ := st.FindPetByID(context.Background(), p.ID)
	if got.Status != shelter.StatusDeleted || got.Notes != "" || got.NextFeedingAt != 0 {
		t.Fatalf("deleted pet changed: %+v", got)
	}
	if countTransitions(petEvents(t, st, p.ID), shelter.StatusNew, shelter.StatusInQuarantine) != 0 {
		t.Fatal("a deleted pet was moved to quarantine")
	}
	logs.WaitFor(t, "the pet is deleted") // the line that says why
}

// A job delivered again (its lease lapsed after it committed) changes
// nothing the second time.
func TestFeedingReminderDeliveredTwiceMovesOnce(t *testing.T) {
	st := storetest.Open(t, store.Options{})
	p, err := st.CreatePet(context.Background(), shelter.Origin{Namespace: "py", Actor: shelter.ActorAPI}, fields("Twice", shelter.SpeciesOther, "note"))
	if err != nil {
		t.Fatal(err)
	}
	j := petJobs(t, st, p.ID)[0]
	w := &jobs.FeedingReminder{Store: st}
	for range 2 {
		if err := w.Work(context.Background(), j); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := st.FindPetByID(context.Background(), p.ID)
	if strings.Count(got.Notes, jobs.WelcomeNote) != 1 || got.Status != shelter.StatusInQuarantine {
		t.Fatalf("pet after two deliveries: status %s, notes %q", got.Status, got.Notes)
	}
	if n := countTransitions(petEvents(t, st, p.ID), shelter.StatusNew, shelter.StatusInQuarantine); n != 1 {
		t.Fatalf("%d new→in_quarantine transitions, want 1", n)
	}
}

func TestFeedingReminderOfAPetThatNoLongerExists(t *testing.T) {
	st := storetest.Open(t, store.Options{})
	w := &jobs.FeedingReminder{Store: st}
	if err := w.Work(context.Background(), &shelter.Job{ID: 1, Kind: shelter.JobFeedingReminder, PetID: "424242", Namespace: "api"}); err != nil {
		t.Fatalf("reminder of a purged pet: %v, want nil (nothing to do)", err)
	}
}

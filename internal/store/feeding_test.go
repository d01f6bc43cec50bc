package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

func newClockStore(t *testing.T) (*store.Store, *clock) {
	t.Helper()
	c := &clock{t: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)}
	return storetest.Open(t, store.Options{Now: c.Now, FeedingInterval: 8 * time.Hour}), c
}

// remind runs the pet's feeding reminder job through the store, as the
// job runner does.
func remind(t *testing.T, s *store.Store, p *shelter.Pet) *shelter.Pet {
	t.Helper()
	jobs, err := s.FindJobs(ctx, shelter.JobFilter{PetID: p.ID, Kind: shelter.JobFeedingReminder})
	if err != nil || len(jobs) != 1 {
		t.Fatalf("feeding reminder job of %s: %v %v", p.ID, jobs, err)
	}
	if err := s.CompleteFeedingReminder(ctx, jobs[0], 8*time.Hour); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindPetByID(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestFeedingsMoveTheNextFeeding(t *testing.T) {
	s, clk := newClockStore(t)
	p, err := s.CreatePet(ctx, origin, fields("Luna", shelter.SpeciesCat, 2))
	if err != nil {
		t.Fatal(err)
	}
	if p.FeedingIntervalMinutes != 480 || p.NextFeedingAt != 0 || p.Feeding != "" {
		t.Fatalf("new pet %+v", p)
	}
	p = remind(t, s, p)
	created := p.CreatedAt
	if p.NextFeedingAt != created+8*3600*1000 || p.Status != shelter.StatusInQuarantine {
		t.Fatalf("after reminder %+v", p)
	}
	clk.Advance(7*time.Hour + 30*time.Minute)
	if p, _ = s.FindPetByID(ctx, p.ID); p.Feeding != shelter.FeedingDue {
		t.Fatalf("feeding state %q, want due", p.Feeding)
	}
	clk.Advance(time.Hour)
	if p, _ = s.FindPetByID(ctx, p.ID); p.Feeding != shelter.FeedingOverdue {
		t.Fatalf("feeding state %q, want overdue", p.Feeding)
	}
	for _, f := range []shelter.FeedingState{shelter.FeedingOverdue, shelter.FeedingDue} {
		page, err := s.FindPets(ctx, shelter.PetFilter{Feeding: f})
		if err != nil {
			t.Fatal(err)
		}
		if want := map[shelter.FeedingState]int{shelter.FeedingOverdue: 1}[f]; page.Total != want {
			t.Errorf("feeding=%s: %d pets, want %d", f, page.Total, want)
		}
	}

	fedAt := clk.Now().Add(-10 * time.Minute).UnixMilli()
	res, err := s.RecordFeedings(ctx, origin, []string{p.ID}, shelter.FeedingRequest{FedAt: fedAt, Note: " half a tin "})
	if err != nil || len(res.Fed) != 1 || len(res.Refused) != 0 {
		t.Fatalf("record: %+v %v", res, err)
	}
	got := res.Fed[0].Pet
	if got.LastFedAt != fedAt || got.NextFeedingAt != fedAt+8*3600*1000 || got.Feeding != "" || res.Fed[0].Feeding.Note != "half a tin" {
		t.Fatalf("after feeding %+v %+v", got, res.Fed[0].Feeding)
	}
	// An older feeding is recorded but moves nothing.
	if _, err := s.RecordFeedings(ctx, origin, []string{p.ID}, shelter.FeedingRequest{FedAt: fedAt - 3600*1000}); err != nil {
		t.Fatal(err)
	}
	fs, err := s.FindFeedings(ctx, p.ID, 0, 0)
	if err != nil || len(fs) != 2 || fs[0].FedAt != fedAt || fs[0].Actor != "api" {
		t.Fatalf("feedings %+v %v", fs, err)
	}
	if p, _ = s.FindPetByID(ctx, p.ID); p.LastFedAt != fedAt {
		t.Fatalf("an older feeding moved lastFedAt: %+v", p)
	}
	// The kitten's own interval: 3 hours from the last feeding.
	if p, _, err = s.UpdatePet(ctx, origin, p.ID, shelter.PetFields{FeedingIntervalMinutes: ptr(180)}, nil); err != nil {
		t.Fatal(err)
	}
	if p.FeedingIntervalMinutes != 180 || p.NextFeedingAt != fedAt+3*3600*1000 {
		t.Fatalf("own interval %+v", p)
	}
	// A future feeding is refused.
	if _, err := s.RecordFeedings(ctx, origin, []string{p.ID}, shelter.FeedingRequest{FedAt: clk.Now().Add(time.Hour).UnixMilli()}); shelter.ErrorCode(err) != shelter.EINVALID {
		t.Fatalf("future feeding: %v", err)
	}
	evs, _ := s.FindEvents(ctx, shelter.EventFilter{PetID: p.ID, Limit: 1000})
	fed := 0
	for _, e := range evs {
		if e.Type == "js.pet.fed" && e.Actor == "api" {
			fed++
		}
	}
	if fed != 2 {
		t.Fatalf("%d pet.fed events, want 2", fed)
	}
}

func TestFeedingsRefuseAdoptedAndDeletedPets(t *testing.T) {
	s, _ := newClockStore(t)
	a, _ := s.CreatePet(ctx, origin, fields("Ada", shelter.SpeciesDog, 20))
	b, _ := s.CreatePet(ctx, origin, fields("Bo", shelter.SpeciesDog, 20))
	c, _ := s.CreatePet(ctx, origin, fields("Cy", shelter.SpeciesDog, 20))
	remind(t, s, a)
	for _, st := range []shelter.Status{shelter.StatusHealthy, shelter.StatusPending, shelter.StatusAdopted} {
		if _, d, err := s.UpdatePet(ctx, origin, a.ID, shelter.PetFields{}, &st); err != nil || d.Rejected {
			t.Fatalf("%s: %v %+v", st, err, d)
		}
	}
	if _, err := s.DeletePet(ctx, origin, b.ID); err != nil {
		t.Fatal(err)
	}
	res, err := s.RecordFeedings(ctx, origin, []string{a.ID, b.ID, c.ID, "999"}, shelter.FeedingRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Fed) != 1 || res.Fed[0].Pet.ID != c.ID || len(res.Refused) != 3 {
		t.Fatalf("fed %+v refused %+v", res.Fed, res.Refused)
	}
	if !strings.Contains(res.Refused[0].Reason, "Ada is adopted") {
		t.Errorf("reason %q", res.Refused[0].Reason)
	}
	got, _ := s.FindPetByID(ctx, a.ID)
	if got.NextFeedingAt != 0 || got.Feeding != "" {
		t.Fatalf("adopted pet shows a feeding: %+v", got)
	}
}

func TestOverdueSweepRecordsEachMissedFeedingOnce(t *testing.T) {
	s, clk := newClockStore(t)
	p, _ := s.CreatePet(ctx, origin, fields("Luna", shelter.SpeciesCat, 2))
	p = remind(t, s, p)
	version := p.Version
	count := func() int {
		n, err := s.RecordOverdueFeedings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != 0 {
		t.Fatalf("before due: %d", n)
	}
	clk.Advance(8*time.Hour + time.Minute)
	if n := count(); n != 1 {
		t.Fatalf("first missed feeding: %d events", n)
	}
	if n := count(); n != 0 {
		t.Fatalf("again in the same minute: %d events", n)
	}
	clk.Advance(4 * time.Hour)
	if n := count(); n != 0 {
		t.Fatalf("before the next interval: %d events", n)
	}
	clk.Advance(4 * time.Hour)
	if n := count(); n != 1 {
		t.Fatalf("second missed feeding: %d events", n)
	}
	if got, _ := s.FindPetByID(ctx, p.ID); got.Version != version {
		t.Fatalf("the sweep changed the version %d → %d", version, got.Version)
	}
	if _, err := s.RecordFeedings(ctx, origin, []string{p.ID}, shelter.FeedingRequest{}); err != nil {
		t.Fatal(err)
	}
	clk.Advance(8*time.Hour + time.Minute)
	if n := count(); n != 1 {
		t.Fatalf("missed after a feeding: %d events", n)
	}
	evs, _ := s.FindEvents(ctx, shelter.EventFilter{PetID: p.ID, Limit: 1000})
	n := 0
	for _, e := range evs {
		if e.Type == "system.feeding.overdue" {
			n++
		}
	}
	if n != 3 {
		t.Fatalf("%d feeding.overdue events, want 3", n)
	}
}

// TestVersionBumpsOnEveryWrite checks every path that changes a pet,
// background work included.
func TestVersionBumpsOnEveryWrite(t *testing.T) {
	s, _ := newClockStore(t)
	p, err := s.CreatePet(ctx, origin, fields("Luna", shelter.SpeciesCat, 2))
	if err != nil || p.Version != 1 {
		t.Fatalf("create: version %d %v", p.Version, err)
	}
	v := int64(1)
	step := func(name string, f func() error) {
		t.Helper()
		if err := f(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := s.FindPetByID(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version <= v {
			t.Fatalf("%s: version %d, want more than %d", name, got.Version, v)
		}
		v = got.Version
	}
	step("feeding reminder job", func() error { remind(t, s, p); return nil })
	step("profile enrichment job", func() error {
		_, err := s.SetProfile(ctx, 0, origin, p.ID, shelter.Profile{Bio: "Calm.", Source: shelter.ProfileSourceFallback})
		return err
	})
	step("fields", func() error {
		_, _, err := s.UpdatePet(ctx, origin, p.ID, shelter.PetFields{Notes: ptr("shy")}, nil)
		return err
	})
	step("status", func() error {
		_, _, err := s.UpdatePet(ctx, origin, p.ID, shelter.PetFields{}, ptr(shelter.StatusHealthy))
		return err
	})
	step("feeding", func() error {
		_, err := s.RecordFeedings(ctx, origin, []string{p.ID}, shelter.FeedingRequest{})
		return err
	})
	step("delete", func() error { _, err := s.DeletePet(ctx, origin, p.ID); return err })
	step("restore", func() error { _, err := s.RestorePet(ctx, origin, p.ID); return err })

	// A stale version changes nothing.
	_, _, err = s.UpdatePetWith(ctx, origin, p.ID, shelter.PetUpdate{Fields: shelter.PetFields{Notes: ptr("old form")}, IfVersion: v - 1})
	if shelter.ErrorCode(err) != shelter.EPRECONDITION {
		t.Fatalf("stale update: %v", err)
	}
	if _, err := s.DeletePetWith(ctx, origin, p.ID, shelter.PetDelete{IfVersion: v - 1}); shelter.ErrorCode(err) != shelter.EPRECONDITION {
		t.Fatalf("stale delete: %v", err)
	}
	got, _ := s.FindPetByID(ctx, p.ID)
	if got.Version != v || got.Notes != "shy" || got.Deleted() {
		t.Fatalf("a stale change changed the pet: %+v", got)
	}
	if _, _, err := s.UpdatePetWith(ctx, origin, p.ID, shelter.PetUpdate{Fields: shelter.PetFields{Notes: ptr("fresh")}, IfVersion: v}); err != nil {
		t.Fatalf("current version: %v", err)
	}
}

func TestTransitionNotesAndAdopter(t *testing.T) {
	s, _ := newClockStore(t)
	p, _ := s.CreatePet(ctx, origin, fields("Luna", shelter.SpeciesCat, 2))
	remind(t, s, p)
	ill := shelter.StatusIll
	p, d, err := s.UpdatePetWith(ctx, origin, p.ID, shelter.PetUpdate{Status: &ill, Note: "Ear mites"})
	if err != nil || d.Final() != shelter.StatusUnderTreatment || p.StatusNote != "Ear mites" {
		t.Fatalf("ill: %+v %+v %v", p, d, err)
	}
	today, err := s.FindToday(ctx)
	if err != nil || today.Treatment.Total != 1 || today.Treatment.Pets[0].StatusNote != "Ear mites" {
		t.Fatalf("today %+v %v", today, err)
	}
	for _, st := range []shelter.Status{shelter.StatusRecovered, shelter.StatusPending} {
		if _, _, err := s.UpdatePet(ctx, origin, p.ID, shelter.PetFields{}, &st); err != nil {
			t.Fatal(err)
		}
	}
	// An adopter only goes with pending; a name is required; emails are checked.
	bad := []shelter.PetUpdate{
		{Status: ptr(shelter.StatusAvailable), Adopter: &shelter.Adopter{Name: "Ada"}},
		{Status: ptr(shelter.StatusPending), Adopter: &shelter.Adopter{Email: "ada@example.org"}},
		{Status: ptr(shelter.StatusPending), Adopter: &shelter.Adopter{Name: "Ada", Email: "not an email"}},
		{Note: "a note without a status"},
		{Status: ptr(shelter.StatusPending), Note: strings.Repeat("x", 2001)},
	}
	for i, u := range bad {
		if _, _, err := s.UpdatePetWith(ctx, origin, p.ID, u); shelter.ErrorCode(err) != shelter.EINVALID {
			t.Errorf("bad %d: %v", i, err)
		}
	}
	// Back to available (pending needs available first).
	if _, _, err := s.UpdatePet(ctx, origin, p.ID, shelter.PetFields{}, ptr(shelter.StatusAvailable)); err == nil {
		t.Log("pet was pending already")
	}
	got, _ := s.FindPetByID(ctx, p.ID)
	if got.Status != shelter.StatusAvailable {
		t.Fatalf("status %s", got.Status)
	}
	ada := &shelter.Adopter{Name: " Ada ", Email: "ada@example.org", Phone: "+44 20 7946 0000"}
	p, _, err = s.UpdatePetWith(ctx, origin, p.ID, shelter.PetUpdate{Status: ptr(shelter.StatusPending), Adopter: ada})
	if err != nil || p.Adopter == nil || p.Adopter.Name != "Ada" {
		t.Fatalf("pending: %+v %v", p, err)
	}
	p, _, err = s.UpdatePetWith(ctx, origin, p.ID, shelter.PetUpdate{Status: ptr(shelter.StatusAvailable), Note: "Moved abroad"})
	if err != nil || p.Adopter != nil || p.StatusNote != "Moved abroad" {
		t.Fatalf("withdrawn: %+v %v", p, err)
	}
	p, _, _ = s.UpdatePetWith(ctx, origin, p.ID, shelter.PetUpdate{Status: ptr(shelter.StatusPending), Adopter: &shelter.Adopter{Name: "Bo"}})
	p, _, err = s.UpdatePet(ctx, origin, p.ID, shelter.PetFields{}, ptr(shelter.StatusAdopted))
	if err != nil || p.Adopter == nil || p.Adopter.Name != "Bo" {
		t.Fatalf("adopted: %+v %v", p, err)
	}
	if _, err := s.DeletePetWith(ctx, origin, p.ID, shelter.PetDelete{Reason: "Duplicate record"}); err != nil {
		t.Fatal(err)
	}
	evs, _ := s.FindEvents(ctx, shelter.EventFilter{PetID: p.ID, Limit: 1000})
	var notes []string
	for _, e := range evs {
		if strings.Contains(string(e.Data), `"note"`) || strings.Contains(string(e.Data), `"reason":"Duplicate`) || strings.Contains(string(e.Data), `"adopter"`) {
			notes = append(notes, e.Type)
		}
	}
	// requested+completed for ill, pending(Ada), available(note), pending(Bo);
	// the adoption's completion names Bo; the delete's reason.
	if len(notes) != 10 {
		t.Fatalf("events with records: %v", notes)
	}
}

// TestVersionBumpsInBatchedJobs: the batched job paths (the feeding
// reminders and the local profiles run many jobs in one transaction)
// bump each pet's version too.
func TestVersionBumpsInBatchedJobs(t *testing.T) {
	c := &clock{t: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)}
	s := storetest.Open(t, store.Options{Now: c.Now, CreateJobs: []string{shelter.JobFeedingReminder, shelter.JobEnrichProfile}})
	p, err := s.CreatePet(ctx, origin, fields("Luna", shelter.SpeciesCat, 2))
	if err != nil {
		t.Fatal(err)
	}
	v := p.Version
	check := func(name string) {
		t.Helper()
		got, err := s.FindPetByID(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version <= v {
			t.Fatalf("%s: version %d, want more than %d", name, got.Version, v)
		}
		v = got.Version
	}
	if jobs, err := s.RunFeedingReminders(ctx, 10, 8*time.Hour, nil); err != nil || len(jobs) != 1 {
		t.Fatalf("feeding reminders: %v %v", jobs, err)
	}
	check("batched feeding reminder")
	// The note, the next feeding and the move to quarantine are one change
	// of the pet: one new version, one write.
	got, _ := s.FindPetByID(ctx, p.ID)
	if got.Version != p.Version+1 || got.Status != shelter.StatusInQuarantine || got.NextFeedingAt != p.CreatedAt+(8*time.Hour).Milliseconds() ||
		got.Notes != shelter.WithWelcome(p.Notes) || got.StatusChangedAt != c.Now().UnixMilli() {
		t.Fatalf("after the feeding reminder: version %d (created %d), status %s, next feeding %d, notes %q, status changed %d",
			got.Version, p.Version, got.Status, got.NextFeedingAt, got.Notes, got.StatusChangedAt)
	}
	describe := func(shelter.Pet) shelter.Profile {
		return shelter.Profile{Bio: "Calm.", Source: shelter.ProfileSourceFallback}
	}
	if jobs, err := s.RunLocalProfiles(ctx, 10, describe, nil); err != nil || len(jobs) != 1 {
		t.Fatalf("local profiles: %v %v", jobs, err)
	}
	check("batched local profile")
}

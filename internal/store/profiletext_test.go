package store_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

// storedProfile is the pets.profile column of pet id as it is stored.
func storedProfile(t *testing.T, s *store.Store, id string) string {
	t.Helper()
	var text string
	if err := s.DB().Read.QueryRow(`SELECT profile FROM pets WHERE id = ?`, id).Scan(&text); err != nil {
		t.Fatal(err)
	}
	return text
}

func findPet(t *testing.T, s *store.Store, id string) *shelter.Pet {
	t.Helper()
	p, err := s.FindPetByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// A fallback profile is stored as a marker of its source and time (not its
// ~520 bytes of text) and reads back as the fallback of the pet as it is:
// an edit of the name shows in it. A model's profile, and a fallback that
// is not the pet's own (an old row, another text), are stored and read
// whole.
func TestFallbackProfileIsStoredAsAMarker(t *testing.T) {
	s := storetest.Open(t, store.Options{CreateJobs: []string{shelter.JobEnrichProfile}})
	at := time.UnixMilli(1_796_000_000_123)
	p, err := s.CreatePet(ctx, origin, fields("Mochi", shelter.SpeciesCat, 3))
	if err != nil {
		t.Fatal(err)
	}
	// The batched path (AI off) and the one-job path store the same marker.
	var written *shelter.Pet
	if _, err := s.RunLocalProfiles(ctx, 10, func(p shelter.Pet) shelter.Profile { return shelter.FallbackProfile(p, at) },
		func(_ *shelter.Job, p *shelter.Pet) { written = p }); err != nil {
		t.Fatal(err)
	}
	const marker = `{"source":"fallback","generatedAt":1796000000123}`
	if text := storedProfile(t, s, p.ID); text != marker {
		t.Fatalf("stored profile = %q (%d bytes), want the marker %s", text, len(text), marker)
	}
	want := shelter.FallbackProfile(*p, at)
	if written == nil || !reflect.DeepEqual(*written.Profile, want) {
		t.Errorf("RunLocalProfiles handed on %+v, want %+v", written, want)
	}
	got := findPet(t, s, p.ID)
	if !reflect.DeepEqual(*got.Profile, want) {
		t.Errorf("read back %+v, want %+v", *got.Profile, want)
	}
	full, _ := json.Marshal(want)
	if len(full) < 8*len(marker) {
		t.Errorf("the fallback's text is %d bytes, the marker %d: hardly worth it", len(full), len(marker))
	}
	if _, err := s.SetProfile(ctx, 0, enrichOrigin, p.ID, want); err != nil {
		t.Fatal(err)
	}
	if text := storedProfile(t, s, p.ID); text != marker {
		t.Errorf("SetProfile stored %q, want the marker", text)
	}

	// The outage requeue still reads the source from the marker.
	var source string
	if err := s.DB().Read.QueryRow(`SELECT json_extract(profile, '$.source') FROM pets WHERE id = ?`, p.ID).Scan(&source); err != nil || source != "fallback" {
		t.Errorf("json_extract(profile, '$.source') = %q, %v", source, err)
	}

	// An edit of the name (and age) shows in the fallback at once.
	name, age := "Mochi the Elder", 140
	upd, _, err := s.UpdatePet(ctx, origin, p.ID, shelter.PetFields{Name: &name, AgeMonths: &age}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got = findPet(t, s, p.ID)
	if want := shelter.FallbackProfile(*got, at); !reflect.DeepEqual(*got.Profile, want) || got.Profile.Bio[:len(name)] != name {
		t.Errorf("after the edit the profile is %+v, want %+v", *got.Profile, want)
	}
	// The edit's own answer already shows what the next read does.
	if !reflect.DeepEqual(upd.Profile, got.Profile) {
		t.Errorf("the edit answered with profile %+v, a read then gives %+v", upd.Profile, got.Profile)
	}
	// Lists and the public page write it out too.
	if _, err := s.DB().Write.Exec(`UPDATE pets SET status = 'available' WHERE id = ?`, p.ID); err != nil {
		t.Fatal(err)
	}
	s.Forget() // written around the store
	page, err := s.FindPets(ctx, shelter.PetFilter{})
	if err != nil || len(page.Pets) != 1 || !reflect.DeepEqual(page.Pets[0].Profile, got.Profile) {
		t.Errorf("FindPets: %v, %+v", err, page)
	}
	pub, err := s.FindAdoptablePet(ctx, p.ID)
	if err != nil || !reflect.DeepEqual(pub.Profile, got.Profile) {
		t.Errorf("public page's profile = %+v (%v), want %+v", pub.Profile, err, got.Profile)
	}

	// An old row holding a fallback's whole text (written before markers,
	// or for the pet's former name) reads unchanged.
	old := shelter.FallbackProfile(shelter.Pet{Name: "Mochi", Species: shelter.SpeciesCat, AgeMonths: 3}, at)
	oldText, _ := json.Marshal(old)
	if _, err := s.DB().Write.Exec(`UPDATE pets SET profile = ? WHERE id = ?`, string(oldText), p.ID); err != nil {
		t.Fatal(err)
	}
	s.Forget() // written around the store
	if got := findPet(t, s, p.ID); !reflect.DeepEqual(*got.Profile, old) {
		t.Errorf("old whole fallback read as %+v, want %+v", *got.Profile, old)
	}
	// A fallback written for the pet before an edit (the job read the old
	// name) is not the pet's own now: it is stored whole.
	if _, err := s.SetProfile(ctx, 0, enrichOrigin, p.ID, old); err != nil {
		t.Fatal(err)
	}
	if text := storedProfile(t, s, p.ID); text != string(oldText) {
		t.Errorf("another pet's fallback stored as %q", text)
	}
	// A marker in another JSON spelling is written out all the same.
	if _, err := s.DB().Write.Exec(`UPDATE pets SET profile = ? WHERE id = ?`, `{"generatedAt": 1796000000123, "source": "fallback"}`, p.ID); err != nil {
		t.Fatal(err)
	}
	s.Forget() // written around the store
	if got := findPet(t, s, p.ID); !reflect.DeepEqual(*got.Profile, shelter.FallbackProfile(*got, at)) {
		t.Errorf("respelled marker read as %+v", *got.Profile)
	}

	// A model's profile is stored whole and reads back as written.
	ai := testProfile("Written by a model.", shelter.ProfileSourceAI)
	if _, err := s.SetProfile(ctx, 0, enrichOrigin, p.ID, ai); err != nil {
		t.Fatal(err)
	}
	aiText, _ := json.Marshal(ai)
	if text := storedProfile(t, s, p.ID); text != string(aiText) {
		t.Errorf("a model's profile stored as %q, want %s", text, aiText)
	}
	if got := findPet(t, s, p.ID); !reflect.DeepEqual(*got.Profile, ai) {
		t.Errorf("a model's profile read as %+v, want %+v", *got.Profile, ai)
	}
}

// An import (of an export made before markers, with whole fallback texts)
// stores a pet's own fallback as a marker and any other profile whole;
// each reads back as it was exported.
func TestImportStoresOwnFallbacksAsMarkers(t *testing.T) {
	s := storetest.Open(t, store.Options{CreateJobs: []string{}})
	at := time.UnixMilli(1_700_000_000_000)
	own := &shelter.Pet{ID: "7", Name: "Rex", Species: shelter.SpeciesDog, AgeMonths: 100, Status: shelter.StatusAvailable, CreatedAt: 1, UpdatedAt: 1}
	fp := shelter.FallbackProfile(*own, at)
	own.Profile = &fp
	stale := &shelter.Pet{ID: "8", Name: "Rexette", Species: shelter.SpeciesDog, AgeMonths: 100, Status: shelter.StatusAvailable, CreatedAt: 1, UpdatedAt: 1}
	sp := shelter.FallbackProfile(shelter.Pet{Name: "Rex", Species: shelter.SpeciesDog, AgeMonths: 100}, at)
	stale.Profile = &sp
	if _, err := s.ImportPets(ctx, origin, []*shelter.Pet{own, stale}, 0); err != nil {
		t.Fatal(err)
	}
	if text := storedProfile(t, s, "7"); len(text) > 60 {
		t.Errorf("an imported fallback of the pet itself is stored as %d bytes: %s", len(text), text)
	}
	for _, p := range []*shelter.Pet{own, stale} {
		if got := findPet(t, s, p.ID); !reflect.DeepEqual(got.Profile, p.Profile) {
			t.Errorf("pet %s: imported profile reads %+v, want %+v", p.ID, got.Profile, p.Profile)
		}
	}
}

// copy-db copies the marker as it is, and PostgreSQL writes it out from
// the copied pet the same way.
func TestCopiedFallbackMarkerReadsTheSame(t *testing.T) {
	if !storetest.Postgres() {
		t.Skip("PostgreSQL run only: copies into PostgreSQL (make test runs this on PostgreSQL)")
	}
	src, err := store.Open(ctx, filepath.Join(t.TempDir(), "old.db"), store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		CreateJobs: []string{shelter.JobEnrichProfile}})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var ids []string
	for i := range 3 {
		p, err := src.CreatePet(ctx, origin, fields(fmt.Sprintf("Copy %d", i), shelter.SpeciesBird, 20*i))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	if _, err := src.RunLocalProfiles(ctx, 10, func(p shelter.Pet) shelter.Profile { return shelter.FallbackProfile(p, time.UnixMilli(5)) }, nil); err != nil {
		t.Fatal(err)
	}
	dst := storetest.Open(t, store.Options{})
	if _, err := src.CopyTo(ctx, dst); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		a, b := findPet(t, src, id), findPet(t, dst, id)
		if a.Profile == nil || a.Profile.Bio == "" || !reflect.DeepEqual(a.Profile, b.Profile) {
			t.Errorf("pet %s: %+v vs copied %+v", id, a.Profile, b.Profile)
		}
		if text := storedProfile(t, dst, id); len(text) > 60 {
			t.Errorf("copied profile %q", text)
		}
	}
}

package store_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

func TestPetsByIDAreRememberedUntilAnyCommit(t *testing.T) {
	if storetest.Postgres() {
		t.Skip("no pet cache on PostgreSQL")
	}
	clk := newClock()
	path := filepath.Join(t.TempDir(), "petstore.db")
	s := storetest.OpenAt(t, path, store.Options{Now: clk.Now, FeedingInterval: 8 * time.Hour})
	cli := storetest.OpenAt(t, path, store.Options{Now: clk.Now}) // the command line, another process
	p, err := s.CreatePet(ctx, origin, fields("Luna", shelter.SpeciesCat, 2))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetProfile(ctx, 0, origin, p.ID, shelter.Profile{Bio: "Calm.", TemperamentTags: []string{"calm"}, Source: shelter.ProfileSourceFallback}); err != nil {
		t.Fatal(err)
	}
	find := func(st *store.Store) *shelter.Pet {
		t.Helper()
		got, err := st.FindPetByID(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}

	// The feeding state follows the clock on a remembered pet.
	p = remind(t, s, p)
	if p.NextFeedingAt == 0 || p.Feeding != "" {
		t.Fatalf("after the reminder: %+v", p)
	}
	find(s)
	clk.Advance(9 * time.Hour)
	if got := find(s); got.Feeding != shelter.FeedingOverdue || got.FeedingIntervalMinutes != 480 || got.OwnFeedingInterval {
		t.Fatalf("remembered pet 9 h later: feeding %q, interval %d (own %v)", got.Feeding, got.FeedingIntervalMinutes, got.OwnFeedingInterval)
	}

	// Remembered: a write around the store (direct SQL) is not seen until
	// Forget.
	find(s)
	if _, err := s.DB().Write.Exec(`UPDATE pets SET name = 'Around' WHERE id = ?`, p.ID); err != nil {
		t.Fatal(err)
	}
	if got := find(s); got.Name != "Luna" {
		t.Fatalf("name %q: the pet was not remembered", got.Name)
	}
	s.Forget()
	if got := find(s); got.Name != "Around" {
		t.Fatalf("name %q after Forget", got.Name)
	}

	// What is handed out is a copy.
	got := find(s)
	got.Name, got.Profile.Bio, got.Profile.TemperamentTags[0] = "Changed", "Changed", "changed"
	if got := find(s); got.Name != "Around" || got.Profile.Bio != "Calm." || got.Profile.TemperamentTags[0] != "calm" {
		t.Fatalf("the remembered pet was changed through a returned copy: %+v %+v", got, got.Profile)
	}

	// A write through this store is seen at once, and so is one through
	// another Store on the file (another process).
	if _, _, err := s.UpdatePet(ctx, origin, p.ID, shelter.PetFields{Name: ptr("Mine")}, nil); err != nil {
		t.Fatal(err)
	}
	if got := find(s); got.Name != "Mine" {
		t.Fatalf("name %q after this store's update", got.Name)
	}
	find(s)
	if _, _, err := cli.UpdatePet(ctx, origin, p.ID, shelter.PetFields{Name: ptr("Theirs")}, nil); err != nil {
		t.Fatal(err)
	}
	if got := find(s); got.Name != "Theirs" {
		t.Fatalf("name %q after another process's update", got.Name)
	}
	find(s)
	if _, err := cli.DeletePet(ctx, origin, p.ID); err != nil {
		t.Fatal(err)
	}
	if got := find(s); got.Status != shelter.StatusDeleted {
		t.Fatalf("status %q after another process's delete", got.Status)
	}
	if _, err := cli.RestorePet(ctx, origin, p.ID); err != nil {
		t.Fatal(err)
	}

}

// The job runners claim (and find nothing) every second on an idle server:
// those commits leave the pets kept.
func TestAClaimOfTheQueueLeavesThePetsKept(t *testing.T) {
	if storetest.Postgres() {
		t.Skip("no pet cache on PostgreSQL")
	}
	s := storetest.Open(t, store.Options{})
	p, err := s.CreatePet(ctx, origin, fields("Luna", shelter.SpeciesCat, 2))
	if err != nil {
		t.Fatal(err)
	}
	s.FindPetByID(ctx, p.ID)
	if _, err := s.DB().Write.Exec(`UPDATE pets SET name = 'Around' WHERE id = ?`, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimJobs(ctx, nil, map[string]int{shelter.JobEnrichProfile: 0}, 10, time.Minute); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.FindPetByID(ctx, p.ID); got.Name != "Luna" {
		t.Fatalf("name %q: the claim's commit forgot the pets", got.Name)
	}
	// A job's completion that writes the pet does forget them.
	jobs, err := s.ClaimJobs(ctx, nil, map[string]int{shelter.JobFeedingReminder: 0}, 10, time.Minute)
	if err != nil || len(jobs) != 1 {
		t.Fatalf("claim: %v %v", jobs, err)
	}
	if err := s.CompleteFeedingReminder(ctx, jobs[0], time.Hour); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.FindPetByID(ctx, p.ID); got.Name != "Around" || got.Status != shelter.StatusInQuarantine {
		t.Fatalf("after the reminder: %q %q", got.Name, got.Status)
	}
}

// The batch runners find no job due several times a second: those commits
// leave the pets kept too.
func TestAnEmptyJobBatchLeavesThePetsKept(t *testing.T) {
	if storetest.Postgres() {
		t.Skip("no pet cache on PostgreSQL")
	}
	s := storetest.Open(t, store.Options{CreateJobs: []string{}})
	p, err := s.CreatePet(ctx, origin, fields("Luna", shelter.SpeciesCat, 2))
	if err != nil {
		t.Fatal(err)
	}
	s.FindPetByID(ctx, p.ID)
	if _, err := s.DB().Write.Exec(`UPDATE pets SET name = 'Around' WHERE id = ?`, p.ID); err != nil {
		t.Fatal(err)
	}
	if jobs, err := s.RunFeedingReminders(ctx, 10, time.Hour, nil); err != nil || len(jobs) != 0 {
		t.Fatalf("batch: %v %v", jobs, err)
	}
	if got, _ := s.FindPetByID(ctx, p.ID); got.Name != "Luna" {
		t.Fatalf("name %q: an empty batch's commit forgot the pets", got.Name)
	}
}

// SQLite keeps a database's -wal and -shm beside the file a symbolic link
// points to; the shared counters are there too, so a Store opened through
// a link sees the other's writes at once.
func TestStoresThroughASymbolicLinkShareTheirCounters(t *testing.T) {
	if storetest.Postgres() {
		t.Skip("no pet cache on PostgreSQL")
	}
	dir := t.TempDir()
	real := filepath.Join(dir, "data", "petstore.db")
	if err := os.MkdirAll(filepath.Dir(real), 0o700); err != nil {
		t.Fatal(err)
	}
	s := storetest.OpenAt(t, real, store.Options{})
	link := filepath.Join(dir, "link.db")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	cli := storetest.OpenAt(t, link, store.Options{})
	p, err := s.CreatePet(ctx, origin, fields("Luna", shelter.SpeciesCat, 2))
	if err != nil {
		t.Fatal(err)
	}
	s.FindPetByID(ctx, p.ID)
	if _, _, err := cli.UpdatePet(ctx, origin, p.ID, shelter.PetFields{Name: ptr("Theirs")}, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.FindPetByID(ctx, p.ID); got.Name != "Theirs" {
		t.Fatalf("name %q after an update through a symbolic link", got.Name)
	}
	if _, err := os.Stat(link + "-auth"); !os.IsNotExist(err) {
		t.Errorf("a counters file beside the link: %v", err)
	}
}

// ViewPetByID lends what FindPetByID gives, cached or not, fallback
// profile, the feeding state at the clock's time and other processes'
// writes included, and refuses the same ids.
func TestViewPetByIDLendsWhatFindPetByIDGives(t *testing.T) {
	if storetest.Postgres() {
		t.Skip("no pet cache on PostgreSQL: ViewPetByID is FindPetByID")
	}
	clk := newClock()
	path := filepath.Join(t.TempDir(), "petstore.db")
	s := storetest.OpenAt(t, path, store.Options{Now: clk.Now, FeedingInterval: 8 * time.Hour})
	var ids []string
	for i, sp := range []shelter.Species{shelter.SpeciesDog, shelter.SpeciesCat, shelter.SpeciesBird} {
		p, err := s.CreatePet(ctx, origin, fields("Pet "+string(sp), sp, 3+40*i))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	// A fallback profile of its own (kept as a marker), a model's, none.
	if _, err := s.SetProfile(ctx, 0, origin, ids[0], shelter.FallbackProfile(shelter.Pet{Name: "Pet dog", Species: shelter.SpeciesDog, AgeMonths: 3}, clk.Now())); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetProfile(ctx, 0, origin, ids[1], shelter.Profile{Bio: "Calm.", TemperamentTags: []string{"calm", "shy"}, Source: shelter.ProfileSourceAI, Model: "m", GeneratedAt: 5}); err != nil {
		t.Fatal(err)
	}
	remind(t, s, mustFind(t, s, ids[2]))
	same := func(when string) {
		t.Helper()
		for _, id := range ids {
			want, err := s.FindPetByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			var got shelter.Pet
			err = s.ViewPetByID(ctx, id, func(p *shelter.Pet) error {
				got = *p // a deep copy: the lent pet is not ours to keep
				if p.Profile != nil {
					pr := *p.Profile
					pr.Bio, pr.AdopterHints = strings.Clone(pr.Bio), strings.Clone(pr.AdopterHints)
					pr.TemperamentTags = append([]string(nil), pr.TemperamentTags...)
					got.Profile = &pr
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(&got, want) {
				t.Fatalf("%s, pet %s:\nview %+v %+v\nfind %+v %+v", when, id, got, got.Profile, want, want.Profile)
			}
		}
	}
	same("first read") // from the database
	same("kept")
	clk.Advance(9 * time.Hour)
	same("9 h later")
	cli := storetest.OpenAt(t, path, store.Options{Now: clk.Now})
	if _, _, err := cli.UpdatePet(ctx, origin, ids[0], shelter.PetFields{Name: ptr("Theirs")}, nil); err != nil {
		t.Fatal(err)
	}
	same("after another process's update")
	if err := s.ViewPetByID(ctx, ids[0], func(p *shelter.Pet) error {
		if p.Name != "Theirs" || p.Profile == nil || !strings.HasPrefix(p.Profile.Bio, "Theirs is a 3-month-old") {
			t.Errorf("view after the update: %+v %+v", p, p.Profile)
		}
		return errors.New("from fn")
	}); err == nil || err.Error() != "from fn" {
		t.Errorf("fn's error: %v", err)
	}
	for _, id := range []string{"", "0", "01", "+1", "-1", "1a", " 1", "99999999999999999999", "999"} {
		_, ferr := s.FindPetByID(ctx, id)
		verr := s.ViewPetByID(ctx, id, func(*shelter.Pet) error { t.Fatalf("fn called for %q", id); return nil })
		if shelter.ErrorCode(ferr) != shelter.ENOTFOUND || shelter.ErrorCode(verr) != shelter.ENOTFOUND {
			t.Errorf("id %q: find %v, view %v", id, ferr, verr)
		}
	}
}

func mustFind(t *testing.T, s *store.Store, id string) *shelter.Pet {
	t.Helper()
	p, err := s.FindPetByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Lent pets read from many goroutines at once each stay whole until their
// fn returns (the views, and their texts' buffers, are reused).
func TestViewPetByIDConcurrent(t *testing.T) {
	if storetest.Postgres() {
		t.Skip("no pet cache on PostgreSQL")
	}
	s := storetest.OpenAt(t, filepath.Join(t.TempDir(), "petstore.db"), store.Options{})
	var ids []string
	for i := range 20 {
		name := "Pet " + strings.Repeat("x", i)
		p, err := s.CreatePet(ctx, origin, fields(name, shelter.SpeciesCat, 2+i))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetProfile(ctx, 0, origin, p.ID, shelter.FallbackProfile(*p, time.Now())); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 300 {
				id := ids[(g+i)%len(ids)]
				err := s.ViewPetByID(ctx, id, func(p *shelter.Pet) error {
					want := shelter.FallbackProfile(*p, time.UnixMilli(p.Profile.GeneratedAt))
					if p.Profile.Bio != want.Bio || p.Profile.AdopterHints != want.AdopterHints {
						return fmt.Errorf("pet %s: bio %q", id, p.Profile.Bio)
					}
					return nil
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

package store_test

import (
	"testing"
	"time"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

func newPhoto(hash string) shelter.NewPhoto {
	return shelter.NewPhoto{Format: "jpeg", Bytes: 10,
		Thumb: shelter.PhotoCopy{Data: []byte("thumb" + hash), Width: 32, Height: 24, Hash: "t" + hash},
		Large: shelter.PhotoCopy{Data: []byte("large" + hash), Width: 160, Height: 120, Hash: "l" + hash}}
}

func TestPurgeRemovesPhotos(t *testing.T) {
	s := storetest.Open(t, store.Options{})
	p, err := s.CreatePet(ctx, origin, fields("Pip", shelter.SpeciesBird, 4))
	if err != nil {
		t.Fatal(err)
	}
	ph, err := s.AddPhoto(ctx, origin, p.ID, newPhoto("1"))
	if err != nil || !ph.Primary {
		t.Fatalf("add: %+v %v", ph, err)
	}
	if _, err := s.AddPhoto(ctx, origin, p.ID, newPhoto("2")); err != nil {
		t.Fatal(err)
	}
	if data, err := s.FindPhotoData(ctx, ph.ID, shelter.PhotoLarge, "l1"); err != nil || string(data) != "large1" {
		t.Fatalf("data %q %v", data, err)
	}
	if _, err := s.DeletePet(ctx, origin, p.ID); err != nil {
		t.Fatal(err)
	}
	// A soft-deleted pet keeps its photos (a restore brings them back) but
	// takes no new ones.
	if _, err := s.AddPhoto(ctx, origin, p.ID, newPhoto("3")); shelter.ErrorCode(err) != shelter.ECONFLICT {
		t.Fatalf("add to a deleted pet: %v", err)
	}
	if list, err := s.FindPhotos(ctx, p.ID); err != nil || len(list) != 2 {
		t.Fatalf("photos of a deleted pet: %d %v", len(list), err)
	}
	if _, err := s.PurgeExpiredPets(ctx, time.Now().Add(10000*time.Hour), 0, 100); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.DB().Read.QueryRow(`SELECT count(*) FROM photos`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("photos after purge: %d %v", n, err)
	}
	if _, err := s.FindPhotoData(ctx, ph.ID, shelter.PhotoLarge, "l1"); shelter.ErrorCode(err) != shelter.ENOTFOUND {
		t.Fatalf("data after purge: %v", err)
	}
}

func TestPhotoLimitAndPrimaryQueuesProfile(t *testing.T) {
	s := storetest.Open(t, store.Options{CreateJobs: []string{shelter.JobEnrichProfile}})
	p, err := s.CreatePet(ctx, origin, fields("Pip", shelter.SpeciesBird, 4))
	if err != nil {
		t.Fatal(err)
	}
	// The create queued one enrichment; the first photo joins it.
	if _, err := s.AddPhoto(ctx, origin, p.ID, newPhoto("a")); err != nil {
		t.Fatal(err)
	}
	queued := func() int {
		var n int
		if err := s.DB().Read.QueryRow(`SELECT count(*) FROM jobs WHERE kind = ? AND state = 'queued'`, shelter.JobEnrichProfile).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := queued(); n != 1 {
		t.Fatalf("enrichments queued: %d, want 1 (joined)", n)
	}
	for i := 1; i < shelter.MaxPhotosPerPet; i++ {
		if _, err := s.AddPhoto(ctx, origin, p.ID, newPhoto(string(rune('a'+i)))); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.AddPhoto(ctx, origin, p.ID, newPhoto("z")); shelter.ErrorCode(err) != shelter.ECONFLICT {
		t.Fatalf("photo over the limit: %v", err)
	}
}

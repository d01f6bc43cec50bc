package store_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

// TestEachPetWalksEveryPetInOrder checks the export's walk against paging
// the list to its end, for every sort and a few filters, over more pets
// than one batch (with names and ages that repeat, so the keyset's id
// tie-break matters).
func TestEachPetWalksEveryPetInOrder(t *testing.T) {
	s := storetest.Open(t, store.Options{})
	species := []shelter.Species{shelter.SpeciesDog, shelter.SpeciesCat, shelter.SpeciesBird}
	for i := range 1234 {
		p, err := s.CreatePet(ctx, origin, fields(fmt.Sprintf("Pet %d", i%97), species[i%3], i%50))
		if err != nil {
			t.Fatal(err)
		}
		if i%10 == 0 {
			if _, err := s.DeletePet(ctx, origin, p.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	filters := []shelter.PetFilter{
		{},
		{ExcludeDeleted: true},
		{Species: shelter.SpeciesCat},
		{Status: shelter.StatusDeleted},
		{Query: "pet 1"},
	}
	for _, sort := range []shelter.PetSort{shelter.SortID, shelter.SortNewest, shelter.SortName, shelter.SortAge} {
		for _, f := range filters {
			f.Sort = sort
			var want []string
			page := &shelter.PetPage{}
			for first := true; first || page.NextCursor != ""; first = false {
				f.Cursor, f.Limit = page.NextCursor, shelter.MaxLimit
				var err error
				if page, err = s.FindPets(ctx, f); err != nil {
					t.Fatal(err)
				}
				for _, p := range page.Pets {
					want = append(want, p.ID)
				}
			}
			var got []string
			if err := s.EachPet(ctx, f, func(p *shelter.Pet) error { got = append(got, p.ID); return nil }); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) || len(got) == 0 {
				t.Errorf("sort %s filter %+v: EachPet gave %d pets, the list %d (or another order)", sort, f, len(got), len(want))
			}
		}
	}
	stop := errors.New("stop")
	n := 0
	if err := s.EachPet(ctx, shelter.PetFilter{}, func(*shelter.Pet) error { n++; return stop }); err != stop || n != 1 {
		t.Errorf("an error from fn: %v after %d pets", err, n)
	}
}

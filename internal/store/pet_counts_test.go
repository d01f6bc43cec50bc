package store_test

import (
	"testing"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

// The list's X-Total-Count and the board's counts come from the
// trigger-kept pet_status_counts; they must match a count of the rows
// through creates, status changes, deletes, restores and purges.
func TestStatusCountsFollowEveryChange(t *testing.T) {
	st := storetest.Open(t, store.Options{CreateJobs: []string{}})
	ids := createPets(t, st, 4)
	o := shelter.Origin{Namespace: "api", Actor: "tester"}
	if _, _, err := st.ApplyTrigger(jctx, o, ids[0], shelter.TriggerFeedingReminderCompleted); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DeletePet(jctx, o, ids[1]); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DeletePet(jctx, o, ids[2]); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RestorePet(jctx, o, ids[2]); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Write.Exec(`DELETE FROM pets WHERE id = ?`, ids[3]); err != nil { // as the reaper's purge does
		t.Fatal(err)
	}
	check := func(f shelter.PetFilter, want int) {
		t.Helper()
		page, err := st.FindPets(jctx, f)
		if err != nil || page.Total != want {
			t.Errorf("FindPets(%+v).Total = %v (%v), want %d", f, page.Total, err, want)
		}
	}
	check(shelter.PetFilter{}, 3)
	check(shelter.PetFilter{ExcludeDeleted: true}, 2)
	check(shelter.PetFilter{Status: shelter.StatusNew}, 1)
	check(shelter.PetFilter{Status: shelter.StatusInQuarantine}, 1)
	check(shelter.PetFilter{Status: shelter.StatusDeleted}, 1)
	check(shelter.PetFilter{Status: shelter.StatusDeleted, ExcludeDeleted: true}, 0)
	check(shelter.PetFilter{Species: "dog"}, 3) // counted from the rows
	counts, err := st.CountPetsByStatus(jctx)
	if err != nil {
		t.Fatal(err)
	}
	var rows int
	st.DB().Read.QueryRow(`SELECT count(*) FROM pets`).Scan(&rows)
	sum := 0
	for s, n := range counts {
		var want int
		st.DB().Read.QueryRow(`SELECT count(*) FROM pets WHERE status = ?`, s).Scan(&want)
		if n != want {
			t.Errorf("count of %s = %d, rows %d", s, n, want)
		}
		sum += n
	}
	if sum != rows || counts[shelter.StatusAdopted] != 0 {
		t.Errorf("counts %v sum to %d, rows %d", counts, sum, rows)
	}
}

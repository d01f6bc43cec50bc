package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

// Many callers at once share commits; each caller's failure or panic undoes
// only its own work, and After runs only for the work that committed.
func TestGroupCommitIsolatesCallers(t *testing.T) {
	s := storetest.Open(t, store.Options{})
	const n = 200
	var (
		wg       sync.WaitGroup
		afterRan atomic.Int64
		errs     = make([]error, n)
	)
	boom := errors.New("boom")
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.InTx(ctx, func(tx *store.Tx) error {
				if _, err := tx.ExecContext(ctx, `INSERT INTO pets (name, species, age_months, status, created_at, updated_at)
					VALUES (?, 'dog', 1, 'new', 1, 1)`, fmt.Sprint("pet-", i)); err != nil {
					return err
				}
				tx.After(func() { afterRan.Add(1) })
				switch i % 10 {
				case 3:
					return boom
				case 7:
					panic("handler bug")
				}
				return nil
			})
		}()
	}
	wg.Wait()
	want := 0
	for i, err := range errs {
		switch i % 10 {
		case 3:
			if !errors.Is(err, boom) {
				t.Errorf("caller %d: %v, want boom", i, err)
			}
		case 7:
			if err == nil {
				t.Errorf("caller %d: a panic returned nil", i)
			}
		default:
			want++
			if err != nil {
				t.Errorf("caller %d: %v", i, err)
			}
		}
	}
	var got int
	if err := s.DB().Read.QueryRow(`SELECT count(*) FROM pets`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != want || afterRan.Load() != int64(want) {
		t.Fatalf("%d rows and %d After calls, want %d of each", got, afterRan.Load(), want)
	}
	var leaked int
	s.DB().Read.QueryRow(`SELECT count(*) FROM pets WHERE name IN ('pet-3', 'pet-7', 'pet-13')`).Scan(&leaked)
	if leaked != 0 {
		t.Fatalf("%d rows of failed callers were committed", leaked)
	}
}

// A caller whose context has ended is not run, and its ending mid-batch
// does not undo the others.
func TestGroupCommitCancelledCaller(t *testing.T) {
	s := storetest.Open(t, store.Options{})
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	ran := false
	if err := s.InTx(cctx, func(tx *store.Tx) error { ran = true; return nil }); !errors.Is(err, context.Canceled) || ran {
		t.Fatalf("cancelled caller: err %v, ran %v", err, ran)
	}
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, cancel := context.WithCancel(ctx)
			defer cancel()
			if i%5 == 0 {
				cancel() // may end before or after its turn
			}
			s.CreatePet(c, origin, fields(fmt.Sprint("p", i), shelter.SpeciesCat, 1))
		}()
	}
	wg.Wait()
	page, err := s.FindPets(ctx, shelter.PetFilter{})
	if err != nil || page.Total < 40 {
		t.Fatalf("only %d of the 40 uncancelled creates committed: %v", page.Total, err)
	}
}

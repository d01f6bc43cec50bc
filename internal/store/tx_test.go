package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

// Many callers at once share commits; each caller's failure or panic undoes
// only its own work, and After runs only for the work that committed.
func TestGroupCommitIsolatesCallers(t *testing.T) {
	t.Run("savepoints", func(t *testing.T) { testGroupCommitIsolatesCallers(t, (*store.Store).InTx, 1) })
	// Pure callers share a commit without savepoints; when one fails the
	// batch runs again under savepoints, so each runs at most twice.
	t.Run("pure", func(t *testing.T) { testGroupCommitIsolatesCallers(t, (*store.Store).InTxPure, 2) })
}

func testGroupCommitIsolatesCallers(t *testing.T, inTx func(*store.Store, context.Context, func(*store.Tx) error) error, mostRuns int64) {
	s := storetest.Open(t, store.Options{})
	const n = 200
	var (
		wg       sync.WaitGroup
		afterRan atomic.Int64
		errs     = make([]error, n)
		runs     = make([]atomic.Int64, n)
	)
	boom := errors.New("boom")
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = inTx(s, ctx, func(tx *store.Tx) error {
				runs[i].Add(1)
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
	for i := range runs {
		if r := runs[i].Load(); r < 1 || r > mostRuns {
			t.Errorf("caller %d ran %d times, want 1 to %d", i, r, mostRuns)
		}
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

// A job batch that arrives while a commit is under way, and finds only
// itself left when that commit is done, waits for the next request's
// commit instead of costing one of its own: the two then share a commit.
// Its wait over, it commits alone.
func TestJoinerWaitsForTheNextCommit(t *testing.T) {
	var mu sync.Mutex
	var batches []int
	s := storetest.Open(t, store.Options{OnBatch: func(n int) { mu.Lock(); batches = append(batches, n); mu.Unlock() }})
	insert := func(tx *store.Tx, name string) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO pets (name, species, age_months, status, created_at, updated_at)
			VALUES (?, 'dog', 1, 'new', 1, 1)`, name)
		return err
	}
	inFirst, release := make(chan struct{}), make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- s.InTx(ctx, func(tx *store.Tx) error { close(inFirst); <-release; return insert(tx, "first") })
	}()
	<-inFirst // the first caller's commit is under way
	joined := make(chan error, 1)
	go func() { joined <- s.InTxJoin(ctx, time.Hour, func(tx *store.Tx) error { return insert(tx, "batch") }) }()
	time.Sleep(50 * time.Millisecond) // the joiner queues behind the commit under way
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-joined:
		t.Fatalf("the batch committed on its own (%v) instead of waiting for the next request", err)
	case <-time.After(200 * time.Millisecond):
	}
	if err := s.InTx(ctx, func(tx *store.Tx) error { return insert(tx, "next") }); err != nil {
		t.Fatal(err)
	}
	if err := <-joined; err != nil {
		t.Fatal(err)
	}
	if err := s.InTxJoin(ctx, 10*time.Millisecond, func(tx *store.Tx) error { return insert(tx, "alone") }); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(batches) != "[1 2 1]" {
		t.Fatalf("commits of %v callers, want [1 2 1]: the first alone, the batch with the next request, the last batch alone", batches)
	}
}

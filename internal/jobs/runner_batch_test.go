package jobs_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/jobs"
	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
)

// batchWorker is a funcWorker that also does batches with batch.
type batchWorker struct {
	funcWorker
	batching bool
	batch    func(ctx context.Context, limit int) (int, error)
}

func (w *batchWorker) Batching() bool { return w.batching }
func (w *batchWorker) WorkBatch(ctx context.Context, limit int) (int, error) {
	return w.batch(ctx, limit)
}

var _ jobs.BatchWorker = (*batchWorker)(nil)

func TestAFailedBatchFallsBackToOneByOne(t *testing.T) {
	st := openStore(t)
	var batches, works atomic.Int32
	w := &batchWorker{
		funcWorker: funcWorker{fn: func(context.Context, *shelter.Job) error { works.Add(1); return nil }},
		batching:   true,
		batch: func(context.Context, int) (int, error) {
			batches.Add(1)
			return 0, errors.New("the batch broke")
		},
	}
	ids := enqueue(t, st, testKind, 3)
	start(t, st, jobs.Options{}, w)
	for _, id := range ids {
		if j := waitJob(t, st, id, shelter.JobDone); j.Attempts != 1 {
			t.Errorf("job %d: %d attempts", id, j.Attempts)
		}
	}
	if batches.Load() == 0 || works.Load() != 3 {
		t.Errorf("%d batches, %d jobs worked one by one; want at least 1 and 3", batches.Load(), works.Load())
	}
}

func TestAWorkerNotBatchingWorksOneByOne(t *testing.T) {
	st := openStore(t)
	var works atomic.Int32
	w := &batchWorker{
		funcWorker: funcWorker{fn: func(context.Context, *shelter.Job) error { works.Add(1); return nil }},
		batch: func(context.Context, int) (int, error) {
			t.Error("WorkBatch called on a worker that is not batching")
			return 0, nil
		},
	}
	id := enqueue(t, st, testKind, 1)[0]
	start(t, st, jobs.Options{}, w)
	waitJob(t, st, id, shelter.JobDone)
	if works.Load() != 1 {
		t.Errorf("worked %d times", works.Load())
	}
}

// claimBatch is a WorkBatch of kind over st's queue: it claims up to limit
// due jobs and records them done, and sends the count to sizes.
func claimBatch(st *store.Store, kind string, sizes chan<- int) func(ctx context.Context, limit int) (int, error) {
	return func(ctx context.Context, limit int) (int, error) {
		js, err := st.ClaimJobs(ctx, nil, map[string]int{kind: 0}, limit, time.Minute)
		if err != nil {
			return 0, err
		}
		outs := make([]shelter.JobOutcome, len(js))
		for i, j := range js {
			outs[i] = shelter.JobOutcome{ID: j.ID, Attempt: j.Attempts}
		}
		if err := st.RecordJobOutcomes(ctx, outs); err != nil {
			return 0, err
		}
		sizes <- len(js)
		return len(js), nil
	}
}

func TestWakeUpsLingerIntoOneBatch(t *testing.T) {
	st := openStore(t)
	sizes := make(chan int, 100)
	w := &batchWorker{
		funcWorker: funcWorker{fn: func(context.Context, *shelter.Job) error { return errors.New("worked one by one") }},
		batching:   true,
		batch:      claimBatch(st, testKind, sizes),
	}
	start(t, st, jobs.Options{Poll: time.Hour, Linger: 2 * time.Second}, w)
	if n := <-sizes; n != 0 { // the runner's first look, before any job
		t.Fatalf("first batch: %d jobs", n)
	}
	// Five commits, each waking the runner: the first wake-up lingers two
	// seconds, long past the five, so one batch takes them all.
	var ids []int64
	for range 5 {
		ids = append(ids, enqueue(t, st, testKind, 1)...)
	}
	for _, id := range ids {
		waitJob(t, st, id, shelter.JobDone)
	}
	if n := <-sizes; n != 5 {
		t.Errorf("the batch after the wake-ups took %d jobs, want all 5", n)
	}
	for {
		select {
		case n := <-sizes:
			if n != 0 {
				t.Errorf("another batch of %d jobs", n)
			}
			continue
		default:
		}
		break
	}
}

// countingQueue counts the claims of a store's queue.
type countingQueue struct {
	*store.Store
	claims atomic.Int32
}

func (q *countingQueue) ClaimJobs(ctx context.Context, outcomes []shelter.JobOutcome, maxAttempts map[string]int, limit int, lease time.Duration) ([]*shelter.Job, error) {
	q.claims.Add(1)
	return q.Store.ClaimJobs(ctx, outcomes, maxAttempts, limit, lease)
}

func TestWakeUpsForBatchedJobsClaimNothingElse(t *testing.T) {
	st := openStore(t)
	q := &countingQueue{Store: st}
	sizes := make(chan int, 100)
	const batchKind = "batch_job"
	batched := &batchWorker{
		funcWorker: funcWorker{kind: batchKind, fn: func(context.Context, *shelter.Job) error { return errors.New("worked one by one") }},
		batching:   true,
		batch:      claimBatch(st, batchKind, sizes),
	}
	var ran atomic.Int32
	other := &funcWorker{fn: func(context.Context, *shelter.Job) error { ran.Add(1); return nil }}
	start(t, q, jobs.Options{Poll: time.Hour, Linger: -1}, batched, other)
	<-sizes // the runner's first look: its batches, then its first claim
	for deadline := time.Now().Add(10 * time.Second); q.claims.Load() == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the runner made no first claim")
		}
	}
	first := q.claims.Load()
	// Each commit wakes the runner; only the batch kind is queued, so
	// the wake-ups cost no claim of the other kinds (a turn of the
	// single writer each).
	for range 10 {
		waitJob(t, st, enqueue(t, st, batchKind, 1)[0], shelter.JobDone)
	}
	if n := q.claims.Load() - first; n != 0 {
		t.Errorf("%d claims for 10 wake-ups by batched jobs, want none", n)
	}
	// A job of the other kind is still claimed at its wake-up (the poll
	// is an hour).
	waitJob(t, st, enqueue(t, st, testKind, 1)[0], shelter.JobDone)
	if ran.Load() != 1 || q.claims.Load() == first {
		t.Errorf("the other kind's job ran %d times after %d claims", ran.Load(), q.claims.Load()-first)
	}
}

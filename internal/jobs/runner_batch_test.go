package jobs_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/petstore/petstore/internal/jobs"
	"github.com/petstore/petstore/internal/shelter"
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

// Package jobs runs the durable background work: the queue runner, the job
// workers and the cron schedule.
package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/petstore/petstore/internal/shelter"
)

// Worker does the work of one kind of job. Work runs with the job claimed
// under a lease. It returns nil when the job is done: a worker whose writes
// must commit with the job's completion calls one store method that does
// both in one transaction (CompleteFeedingReminder, SetProfile); otherwise
// the runner marks the job done. An error
// is a failed attempt, retried with backoff until the kind's attempts run
// out. Work must respect ctx.
type Worker interface {
	Kind() string
	Work(ctx context.Context, job *shelter.Job) error
}

// BatchWorker is a Worker whose work is only writes to the database, so
// that one store transaction can claim many due jobs of its kind, do each
// one's work and complete it: one round trip to the single writer for the
// lot, and no lease. The runner calls WorkBatch instead of claiming the
// kind's jobs while Batching says yes (and no PETSTORE_TEST_JOB_DELAY is
// set). An error must leave every job of the batch as it was (queued): the
// runner then claims and works the kind's jobs one by one, where a job that
// keeps failing gets its attempts and backoff, until a batch succeeds.
type BatchWorker interface {
	Worker
	// Batching reports whether WorkBatch can do this worker's jobs.
	Batching() bool
	// WorkBatch does up to limit due jobs and returns how many it did.
	WorkBatch(ctx context.Context, limit int) (int, error)
}

// MaxAttempter is implemented by a Worker whose kind allows a number of
// attempts other than the default (5). The runner sets it on the jobs of
// the kind it claims, so LastAttempt sees it.
type MaxAttempter interface {
	MaxAttempts() int
}

// RetryAfterError asks the runner to retry no sooner than Delay (an
// upstream's Retry-After).
type RetryAfterError struct {
	Delay time.Duration
	Err   error
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("retry after %s: %v", e.Delay, e.Err)
}

func (e *RetryAfterError) Unwrap() error { return e.Err }

// LastAttempt reports whether the job's current attempt is its last, so a
// worker can fall back instead of failing.
func LastAttempt(job *shelter.Job) bool { return job.Attempts >= job.MaxAttempts }

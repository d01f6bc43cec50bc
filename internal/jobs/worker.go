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

package shelter

import "time"

// JobOutcome is the result of one attempt of a claimed job, as the job
// runner records it.
type JobOutcome struct {
	ID int64
	// Attempt is the job's attempt count when it was claimed: it fences
	// the record, so an attempt whose lease lapsed and was claimed again
	// does not overwrite the newer attempt.
	Attempt int
	// Err is empty on success. On failure the job is queued again at
	// RetryAt, or kept as failed when it was its last attempt.
	Err     string
	RetryAt time.Time
	// Uncounted says the attempt failed for a reason outside the job (the
	// database was unavailable: a full disk, a read-only file): it is
	// queued again at RetryAt without using one of its attempts, so a long
	// storage fault does not fail jobs for good.
	Uncounted bool
}

// PurgeBatch is what one batch of the deletion reaper did.
type PurgeBatch struct {
	// Purged are the pets removed, as they were.
	Purged []*Pet
	// Failed maps the id of each pet that could not be removed to why.
	Failed map[string]error
	// Scanned counts the expired pets the batch looked at.
	Scanned int
	// LastID is the highest pet id the batch looked at: the next batch
	// starts after it, so a pet that failed is not scanned again.
	LastID int64
}

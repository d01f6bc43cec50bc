package shelter

import (
	"context"
	"encoding/json"
)

// JobState is where a background job stands.
type JobState string

// Job states.
const (
	JobQueued  JobState = "queued"
	JobRunning JobState = "running"
	JobDone    JobState = "done"
	JobFailed  JobState = "failed"
)

// JobStates lists every job state.
var JobStates = []JobState{JobQueued, JobRunning, JobFailed, JobDone}

// Valid reports whether s is a known job state.
func (s JobState) Valid() bool {
	for _, v := range JobStates {
		if s == v {
			return true
		}
	}
	return false
}

// Job kinds.
const (
	JobFeedingReminder = "feeding_reminder"
	JobEnrichProfile   = "enrich_profile"
)

// Job is one unit of durable background work. Times are milliseconds since
// the epoch; zero means unset.
type Job struct {
	ID        int64           `json:"id"`
	Kind      string          `json:"kind"`
	Namespace string          `json:"namespace"`
	PetID     string          `json:"petId,omitempty"`
	Args      json.RawMessage `json:"args,omitempty"`
	State     JobState        `json:"state"`
	// Attempts counts the attempts started, the running one included.
	Attempts    int    `json:"attempts"`
	MaxAttempts int    `json:"maxAttempts"`
	RunAt       int64  `json:"runAt"`
	LeaseUntil  int64  `json:"leaseUntil,omitempty"`
	LastError   string `json:"lastError,omitempty"`
	CreatedAt   int64  `json:"createdAt"`
	UpdatedAt   int64  `json:"updatedAt"`
	FinishedAt  int64  `json:"finishedAt,omitempty"`
}

// JobFilter selects jobs, newest first. Zero values select everything.
type JobFilter struct {
	// State must be empty or a valid JobState.
	State JobState
	Kind  string
	PetID string
	// Before continues a list after (older than) the job with this id.
	Before int64
	// Limit is DefaultLimit when zero, at most MaxLimit.
	Limit int
}

// JobService reads the durable job queue and retries failed jobs by hand.
type JobService interface {
	// FindJobs returns the jobs the filter selects; EINVALID for an
	// unknown state.
	FindJobs(ctx context.Context, f JobFilter) ([]*Job, error)
	// RetryJob queues a failed job again with a fresh set of attempts;
	// ENOTFOUND for an unknown job, ECONFLICT for one that is not failed.
	RetryJob(ctx context.Context, id int64) (*Job, error)
}

// ReapStats is what one run of the deletion reaper did.
type ReapStats struct {
	TotalScanned int   `json:"totalScanned"`
	PurgedCount  int   `json:"purgedCount"`
	FailedCount  int   `json:"failedCount"`
	DurationMs   int64 `json:"durationMs"`
}

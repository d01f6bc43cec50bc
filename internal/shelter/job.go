package shelter

import "encoding/json"

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
	ID          int64           `json:"id"`
	Kind        string          `json:"kind"`
	Namespace   string          `json:"namespace"`
	PetID       string          `json:"petId,omitempty"`
	Args        json.RawMessage `json:"args,omitempty"`
	State       JobState        `json:"state"`
	// Attempts counts the attempts started, the running one included.
	Attempts    int             `json:"attempts"`
	MaxAttempts int             `json:"maxAttempts"`
	RunAt       int64           `json:"runAt"`
	LeaseUntil  int64           `json:"leaseUntil,omitempty"`
	LastError   string          `json:"lastError,omitempty"`
	CreatedAt   int64           `json:"createdAt"`
	UpdatedAt   int64           `json:"updatedAt"`
	FinishedAt  int64           `json:"finishedAt,omitempty"`
}

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

// Job kinds. What each one is lives in JobKinds.
const (
	JobFeedingReminder = "feeding_reminder"
	JobEnrichProfile   = "enrich_profile"
	JobBackup          = "backup"
)

// Runner pools. Each pool is a job runner of its own, so that slow work
// (model calls) never holds up quick work (feeding reminders).
const (
	PoolJobs = "jobs" // JOB_WORKERS jobs at once
	PoolAI   = "ai"   // AI_CONCURRENCY jobs at once
)

// JobKind says what one kind of background job is. JobKinds is the only
// list of kinds: the store, the views and the wiring read it, and the
// queue's core knows no kind.
type JobKind struct {
	// Name is the kind as the jobs table stores it.
	Name string
	// Label is what the dashboard calls a job of the kind.
	Label string
	// Enqueued is the event recorded (in the job's namespace, with its
	// pet) when a job of the kind is queued; empty for none.
	Enqueued string
	// Completed is the event its work records when it completes.
	Completed string
	// Events labels, for the timeline, every event the kind records.
	Events map[string]string
	// MaxAttempts is how often a job of the kind may be tried (0: the
	// store's default, 5).
	MaxAttempts int
	// OnCreate: every create of a pet enqueues it (with the create).
	OnCreate bool
	// Rerun says whether a restore queues the job again for p, the pet as
	// restored: a deleted pet's jobs skip it, so a restore gives back what
	// it missed. Nil: never.
	Rerun func(p *Pet) bool
	// Pool is the runner pool that runs it (PoolJobs, PoolAI).
	Pool string
}

// JobKinds is every kind of background job.
var JobKinds = []JobKind{
	{
		Name: JobFeedingReminder, Label: "Feeding reminder",
		Enqueued: EventFeedingReminderEnqueued, Completed: EventFeedingReminderCompleted,
		Events: map[string]string{
			EventFeedingReminderEnqueued:  "Feeding reminder queued",
			EventFeedingReminderCompleted: "Feeding reminder set",
		},
		MaxAttempts: 5, OnCreate: true, Pool: PoolJobs,
		Rerun: func(p *Pet) bool { return p.Status == StatusNew },
	},
	{
		Name: JobEnrichProfile, Label: "AI profile",
		Enqueued: EventProfileEnrichmentEnqueued, Completed: EventProfileEnrichmentCompleted,
		Events: map[string]string{
			EventProfileEnrichmentEnqueued:  "AI profile queued",
			EventProfileEnrichmentStarted:   "AI profile started",
			EventProfileEnrichmentCompleted: "AI profile written",
			EventProfileEnrichmentFailed:    "AI profile failed",
		},
		MaxAttempts: 5, OnCreate: true, Pool: PoolAI,
		Rerun: func(p *Pet) bool { return p.Profile == nil },
	},
	{
		// A scheduled copy of the database into BACKUP_DIR (no pet, no
		// events): as a job it shows on the Jobs page, and a failure stays
		// there, retryable, with its error.
		Name: JobBackup, Label: "Database backup",
		MaxAttempts: 3, Pool: PoolJobs,
	},
}

// FindJobKind returns the kind named name, and false for an unknown one.
func FindJobKind(name string) (JobKind, bool) {
	for _, k := range JobKinds {
		if k.Name == name {
			return k, true
		}
	}
	return JobKind{}, false
}

// CreateJobKinds names the kinds every create enqueues, in table order.
func CreateJobKinds() []string {
	var out []string
	for _, k := range JobKinds {
		if k.OnCreate {
			out = append(out, k.Name)
		}
	}
	return out
}

// JobEventLabel is the timeline label of an event a job kind records
// (name without its namespace), and false when no kind records it.
func JobEventLabel(name string) (string, bool) {
	for _, k := range JobKinds {
		if l, ok := k.Events[name]; ok {
			return l, true
		}
	}
	return "", false
}

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

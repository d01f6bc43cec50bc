package shelter

import "time"

// QueueStat is the state of the job queue for one kind of job.
type QueueStat struct {
	Kind string
	// Queued counts the jobs waiting, due or not (retries wait for their
	// backoff).
	Queued int
	// OldestDue is how long the oldest due job has been waiting past its
	// run time; zero when none is due.
	OldestDue time.Duration
}

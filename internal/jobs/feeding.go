package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/petstore/petstore/internal/shelter"
)

// WelcomeNote is the text the feeding reminder adds to a new pet's notes.
const WelcomeNote = shelter.WelcomeNote

// DefaultFeedingInterval is the time from a pet's creation to its next
// feeding.
const DefaultFeedingInterval = 24 * time.Hour

// FeedingStore is what the feeding reminder needs of the store.
type FeedingStore interface {
	// CompleteFeedingReminder writes the welcome note and the next feeding
	// time (creation + interval), records the completed event, moves the
	// pet new → in_quarantine and completes the job, in one transaction.
	CompleteFeedingReminder(ctx context.Context, job *shelter.Job, interval time.Duration) error
	// RunFeedingReminders does the same for up to limit due jobs, claimed
	// and completed in the same one transaction; before runs after the
	// commit for each, ahead of its other log lines.
	RunFeedingReminders(ctx context.Context, limit int, interval time.Duration, before func(*shelter.Job)) ([]*shelter.Job, error)
}

// FeedingReminder is the worker of the SetNextFeedingReminder job that
// every create enqueues. In one transaction it writes the welcome note and
// the next feeding time, records {ns}.feeding.reminder.completed, applies
// the orchestrator's new → in_quarantine and completes its job, so however
// often the job is delivered, the pet moves once.
type FeedingReminder struct {
	Store FeedingStore
	// Interval is added to the pet's creation time (default 24h).
	Interval time.Duration
	// Logger receives the console lines (default slog.Default()).
	Logger *slog.Logger
}

// Kind is shelter.JobFeedingReminder.
func (w *FeedingReminder) Kind() string { return shelter.JobFeedingReminder }

// Work sets the reminder of the job's pet: the store does the whole of it
// in one transaction (and completes the job). A pet deleted, purged or
// moved on since the create is left as it is, and the job completes.
func (w *FeedingReminder) Work(ctx context.Context, job *shelter.Job) error {
	log := w.Logger
	if log == nil {
		log = slog.Default()
	}
	interval := w.Interval
	if interval <= 0 {
		interval = DefaultFeedingInterval
	}
	log.Info("🔄 Setting next feeding reminder", "petId", job.PetID, "jobId", job.ID, "enqueuedAt", job.CreatedAt, "namespace", job.Namespace)
	return w.Store.CompleteFeedingReminder(ctx, job, interval)
}

// Batching is true: the reminder is only writes to the database.
func (w *FeedingReminder) Batching() bool { return true }

// WorkBatch sets the reminders of up to limit due jobs in one transaction.
func (w *FeedingReminder) WorkBatch(ctx context.Context, limit int) (int, error) {
	log := w.Logger
	if log == nil {
		log = slog.Default()
	}
	interval := w.Interval
	if interval <= 0 {
		interval = DefaultFeedingInterval
	}
	jobs, err := w.Store.RunFeedingReminders(ctx, limit, interval, func(job *shelter.Job) {
		log.Info("🔄 Setting next feeding reminder", "petId", job.PetID, "jobId", job.ID, "enqueuedAt", job.CreatedAt, "namespace", job.Namespace)
	})
	return len(jobs), err
}

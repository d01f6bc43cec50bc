package jobs

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
)

// WelcomeNote is the text the feeding reminder adds to a new pet's notes.
const WelcomeNote = "Welcome to our pet store! We'll take great care of this pet."

// DefaultFeedingInterval is the time from a pet's creation to its next
// feeding.
const DefaultFeedingInterval = 24 * time.Hour

// FeedingReminder is the worker of the SetNextFeedingReminder job that
// every create enqueues. In one transaction it writes the welcome note and
// the next feeding time, records {ns}.feeding.reminder.completed, applies
// the orchestrator's new → in_quarantine and completes its job, so however
// often the job is delivered, the pet moves once.
type FeedingReminder struct {
	Store *store.Store
	// Interval is added to the pet's creation time (default 24h).
	Interval time.Duration
	// Logger receives the console lines (default slog.Default()).
	Logger *slog.Logger
}

// Kind is shelter.JobFeedingReminder.
func (w *FeedingReminder) Kind() string { return shelter.JobFeedingReminder }

// Work sets the reminder of the job's pet. A pet deleted, purged or moved
// on since the create is left as it is, and the job completes.
func (w *FeedingReminder) Work(ctx context.Context, job *shelter.Job) error {
	start := time.Now()
	log := w.Logger
	if log == nil {
		log = slog.Default()
	}
	interval := w.Interval
	if interval <= 0 {
		interval = DefaultFeedingInterval
	}
	log.Info("🔄 Setting next feeding reminder", "petId", job.PetID, "jobId", job.ID, "enqueuedAt", job.CreatedAt, "namespace", job.Namespace)
	st := w.Store
	return st.InTx(ctx, func(tx *store.Tx) error {
		p, err := st.FindPetTx(ctx, tx, job.PetID)
		if shelter.ErrorCode(err) == shelter.ENOTFOUND {
			tx.After(func() {
				log.Warn("⚠️ Feeding reminder skipped: the pet no longer exists", "petId", job.PetID, "jobId", job.ID)
			})
			return st.CompleteJobTx(ctx, tx, job.ID)
		} else if err != nil {
			return err
		}
		if p.Deleted() {
			tx.After(func() {
				log.Info("⚠️ Feeding reminder skipped: the pet is deleted", "petId", p.ID, "jobId", job.ID)
			})
			return st.CompleteJobTx(ctx, tx, job.ID)
		}
		if p.Status != shelter.StatusNew {
			tx.After(func() {
				log.Info("⚠️ Feeding reminder skipped: the pet has moved on", "petId", p.ID, "jobId", job.ID, "status", p.Status)
			})
			return st.CompleteJobTx(ctx, tx, job.ID)
		}
		next := p.CreatedAt + interval.Milliseconds()
		if err := st.SetFeedingTx(ctx, tx, p, withWelcome(p.Notes), next); err != nil {
			return err
		}
		o := shelter.Origin{Namespace: job.Namespace, Actor: shelter.ActorSystem}
		ms := time.Since(start).Milliseconds()
		if err := st.InsertEventTx(ctx, tx, &shelter.Event{Namespace: o.Namespace, Type: shelter.EventType(o.Namespace, shelter.EventFeedingReminderCompleted),
			PetID: p.ID, Actor: o.Actor, Data: jsonObject(map[string]any{"jobId": job.ID, "processingTimeMs": ms, "nextFeedingAt": next})}); err != nil {
			return err
		}
		tx.After(func() {
			log.Info("✅ Next feeding reminder set", "petId", p.ID, "notes", p.Notes, "nextFeedingAt", shelter.FromMillis(next), "processingTimeMs", ms)
			log.Info("🔄 Lifecycle orchestrator processing", "petId", p.ID, "eventType", shelter.TriggerFeedingReminderCompleted)
		})
		d := shelter.DecideTrigger(p.Status, shelter.TriggerFeedingReminderCompleted)
		if err := st.ApplyDecisionTx(ctx, tx, o, p, d); err != nil {
			return err
		}
		return st.CompleteJobTx(ctx, tx, job.ID)
	})
}

// withWelcome puts the welcome note before the notes staff already wrote,
// once.
func withWelcome(notes string) string {
	switch {
	case strings.Contains(notes, WelcomeNote):
		return notes
	case strings.TrimSpace(notes) == "":
		return WelcomeNote
	}
	return WelcomeNote + "\n\n" + notes
}

package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/petstore/petstore/internal/shelter"
)

// DefaultPurgeBatch is how many pets the reaper removes per transaction.
const DefaultPurgeBatch = 500

// DefaultLoginWindow is how long failed sign-ins are kept when the reaper
// is not told the throttle's window: longer than any window in use, so
// pruning never forgives a failure that still counts.
const DefaultLoginWindow = 24 * time.Hour

// ReaperStore is what the deletion reaper needs of the store. Each method
// owns its transaction.
type ReaperStore interface {
	// PurgeExpiredPets removes, in one transaction, up to limit deleted
	// pets whose purge date is at or before now and whose id is above
	// afterID, oldest id first.
	PurgeExpiredPets(ctx context.Context, now time.Time, afterID int64, limit int) (*shelter.PurgeBatch, error)
	InsertEvent(ctx context.Context, e *shelter.Event) error
	// DeleteExpiredSessions and DeleteLoginAttemptsBefore prune the
	// account tables and return how many rows went.
	DeleteExpiredSessions(ctx context.Context) (int, error)
	DeleteLoginAttemptsBefore(ctx context.Context, before time.Time) (int, error)
	// PruneJobs deletes the finished jobs older than retention and
	// returns how many went.
	PruneJobs(ctx context.Context, retention time.Duration) (int, error)
}

// DefaultJobRetention is how long finished jobs are kept (JOB_RETENTION).
const DefaultJobRetention = 7 * 24 * time.Hour

// Reaper is the deletion reaper: it permanently removes the soft-deleted
// pets whose purge date has passed, then prunes expired sessions and old
// failed sign-ins. Use one Reaper per process, by pointer: its runs never
// overlap (the schedule's and the manual ones share its guard).
type Reaper struct {
	Store ReaperStore
	// Batch is the number of pets per transaction (default 500), so the
	// API keeps answering while the reaper runs.
	Batch int
	// LoginWindow is the sign-in throttle's window: failed sign-ins older
	// than it are pruned (default DefaultLoginWindow).
	LoginWindow time.Duration
	// JobRetention is how long finished jobs (done or failed) are kept
	// before a run deletes them (default DefaultJobRetention). Their
	// events stay.
	JobRetention time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Logger receives the console lines (default slog.Default()).
	Logger *slog.Logger

	running sync.Mutex
}

// DefaultReaperSchedule runs the reaper daily at 02:00.
const DefaultReaperSchedule = "0 2 * * *"

// ReaperTaskName names the reaper's task on the schedule.
const ReaperTaskName = "deletion-reaper"

// Task is the reaper's entry on the schedule, at spec (five-field cron;
// default DefaultReaperSchedule). A scheduled run that finds a run in
// progress is skipped.
func (r *Reaper) Task(spec string) Task {
	if spec == "" {
		spec = DefaultReaperSchedule
	}
	return Task{Name: ReaperTaskName, Label: "Deletion Reaper", Spec: spec, Setting: "REAPER_SCHEDULE",
		Run: func(ctx context.Context) error {
			_, err := r.Run(ctx)
			return err
		}}
}

// ErrReaperBusy (ECONFLICT) is the error of a run asked for while another
// is in progress.
var ErrReaperBusy error = shelter.Errorf(shelter.ECONFLICT, "The deletion reaper is already running: try again when it has finished.")

// Run removes every expired deleted pet, batch by batch, and records
// reaper.completed (namespace system, actor system) with its counts. A pet
// that fails to purge is counted and left for the next run. While another
// run is in progress it does nothing and returns ErrReaperBusy (ECONFLICT).
func (r *Reaper) Run(ctx context.Context) (shelter.ReapStats, error) {
	return r.RunAs(ctx, shelter.ActorSystem)
}

// RunAs is Run started by actor (an admin's email, a token's name), who is
// recorded as the actor of reaper.completed.
func (r *Reaper) RunAs(ctx context.Context, actor string) (shelter.ReapStats, error) {
	if !r.running.TryLock() {
		return shelter.ReapStats{}, ErrReaperBusy
	}
	defer r.running.Unlock()
	if actor == "" {
		actor = shelter.ActorSystem
	}
	log := r.Logger
	if log == nil {
		log = slog.Default()
	}
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	batch := r.Batch
	if batch <= 0 {
		batch = DefaultPurgeBatch
	}
	start := time.Now()
	cutoff := now()
	log.Info("🔄 Deletion Reaper started - scanning for pets to purge", "purgeAtBefore", cutoff.UTC())
	var st shelter.ReapStats
	var after int64
	for {
		if err := ctx.Err(); err != nil {
			return st, fmt.Errorf("reaper stopped: %w", err)
		}
		b, err := r.Store.PurgeExpiredPets(ctx, cutoff, after, batch)
		if err != nil {
			log.Error("❌ Deletion Reaper failed", "err", err, "purgedCount", st.PurgedCount)
			return st, fmt.Errorf("reaper: %w", err)
		}
		st.TotalScanned += b.Scanned
		st.PurgedCount += len(b.Purged)
		st.FailedCount += len(b.Failed)
		for _, p := range b.Purged {
			log.Info("💀 Pet permanently purged", "petId", p.ID, "name", p.Name,
				"deletedAt", shelter.FromMillis(p.DeletedAt), "purgeAt", shelter.FromMillis(p.PurgeAt), "namespace", p.DeletedNamespace)
		}
		for id, err := range b.Failed {
			log.Error("❌ Pet purge failed", "petId", id, "err", err)
		}
		after = b.LastID
		if b.Scanned < batch {
			break
		}
	}
	st.DurationMs = time.Since(start).Milliseconds()
	if err := r.Store.InsertEvent(ctx, &shelter.Event{Namespace: shelter.NamespaceSystem,
		Type: shelter.EventType(shelter.NamespaceSystem, shelter.EventReaperCompleted), Actor: actor,
		Data: jsonObject(map[string]any{"totalScanned": st.TotalScanned, "purgedCount": st.PurgedCount,
			"failedCount": st.FailedCount, "durationMs": st.DurationMs})}); err != nil {
		return st, fmt.Errorf("reaper: record completion: %w", err)
	}
	log.Info("✅ Deletion Reaper completed", "totalScanned", st.TotalScanned, "purgedCount", st.PurgedCount,
		"failedCount", st.FailedCount, "durationMs", st.DurationMs)
	if err := r.pruneAccounts(ctx, log, cutoff); err != nil {
		return st, err
	}
	if err := r.pruneJobs(ctx, log); err != nil {
		return st, err
	}
	return st, nil
}

// pruneJobs deletes the finished jobs older than JobRetention, so that
// the queue's table does not grow for ever; the events stay.
func (r *Reaper) pruneJobs(ctx context.Context, log *slog.Logger) error {
	retention := r.JobRetention
	if retention <= 0 {
		retention = DefaultJobRetention
	}
	n, err := r.Store.PruneJobs(ctx, retention)
	if err != nil {
		log.Error("❌ Pruning finished jobs failed", "err", err)
		return fmt.Errorf("reaper: prune jobs: %w", err)
	}
	log.Info("🧹 Pruned finished jobs", "jobs", n, "olderThan", retention.String())
	return nil
}

// pruneAccounts deletes the expired sessions (refused anyway) and the
// failed sign-ins older than the throttle's window (they count for
// nothing), so that neither table grows for ever.
func (r *Reaper) pruneAccounts(ctx context.Context, log *slog.Logger, now time.Time) error {
	window := r.LoginWindow
	if window <= 0 {
		window = DefaultLoginWindow
	}
	sessions, err := r.Store.DeleteExpiredSessions(ctx)
	if err != nil {
		log.Error("❌ Pruning expired sessions failed", "err", err)
		return fmt.Errorf("reaper: prune sessions: %w", err)
	}
	attempts, err := r.Store.DeleteLoginAttemptsBefore(ctx, now.Add(-window))
	if err != nil {
		log.Error("❌ Pruning old sign-in attempts failed", "err", err)
		return fmt.Errorf("reaper: prune sign-in attempts: %w", err)
	}
	log.Info("🧹 Pruned expired sessions and old sign-in attempts", "sessions", sessions, "signInAttempts", attempts,
		"attemptsBefore", now.Add(-window).UTC())
	return nil
}

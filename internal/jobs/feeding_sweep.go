package jobs

import (
	"context"
	"log/slog"
	"time"
)

// FeedingSweepTaskName names the feeding sweep on the schedule.
const FeedingSweepTaskName = "feeding-sweep"

// DefaultFeedingSweepSchedule runs the sweep every minute.
const DefaultFeedingSweepSchedule = "* * * * *"

// FeedingSweepStore is what the feeding sweep needs from storage: one
// method that records the missed feedings found, in one transaction.
type FeedingSweepStore interface {
	RecordOverdueFeedings(ctx context.Context) (int, error)
}

// FeedingSweep is the reminder that really reminds: each run records one
// feeding.overdue event per pet per missed feeding (the store decides
// which are new), and the live stream pushes them to open dashboards.
type FeedingSweep struct {
	Store FeedingSweepStore
	// Logger receives the console lines (default slog.Default()).
	Logger *slog.Logger
}

// Task is the sweep's entry on the schedule: every minute, never
// overlapping itself (the schedule's singleton mode).
func (w *FeedingSweep) Task() Task {
	return Task{Name: FeedingSweepTaskName, Label: "Feeding sweep", Spec: DefaultFeedingSweepSchedule, Run: w.Run}
}

// Run does one sweep.
func (w *FeedingSweep) Run(ctx context.Context) error {
	log := w.Logger
	if log == nil {
		log = slog.Default()
	}
	start := time.Now()
	n, err := w.Store.RecordOverdueFeedings(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		log.Info("⏰ Feeding sweep recorded missed feedings", "events", n, "durationMs", time.Since(start).Milliseconds())
	}
	return nil
}

package app

import (
	"log/slog"

	"github.com/petstore/petstore/internal/config"
	"github.com/petstore/petstore/internal/jobs"
	"github.com/petstore/petstore/internal/store"
)

// schedules is the periodic work, one line per task: a task is a
// jobs.Task (name, label, cron spec, the setting that sets it, and its
// run). The schedule runs each in singleton mode.
func schedules(cfg config.Config, st *store.Store, reaper *jobs.Reaper, log *slog.Logger) []jobs.Task {
	return []jobs.Task{
		reaper.Task(cfg.ReaperSchedule),                     // REAPER_SCHEDULE: purge expired deleted pets, prune sessions and sign-ins
		(&jobs.FeedingSweep{Store: st, Logger: log}).Task(), // every minute: one feeding.overdue event per missed feeding
	}
}

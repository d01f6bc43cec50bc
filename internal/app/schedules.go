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
func schedules(cfg config.Config, st *store.Store, reaper *jobs.Reaper, backup *jobs.Backup, log *slog.Logger) []jobs.Task {
	tasks := []jobs.Task{
		reaper.Task(cfg.ReaperSchedule),                     // REAPER_SCHEDULE: purge expired deleted pets, prune sessions, sign-ins and finished jobs
		(&jobs.FeedingSweep{Store: st, Logger: log}).Task(), // every minute: one feeding.overdue event per missed feeding
	}
	if st == nil || !st.Postgres() { // PostgreSQL checkpoints its own WAL
		tasks = append(tasks, jobs.CheckpointTask(st)) // every minute: SQLite's WAL's space back to the disk
	}
	if cfg.Ops.BackupDir != "" {
		tasks = append(tasks, backup.Task(cfg.Ops.BackupSchedule)) // BACKUP_SCHEDULE: queue a backup job into BACKUP_DIR
	}
	return tasks
}

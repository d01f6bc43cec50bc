package app

import (
	"github.com/petstore/petstore/internal/config"
	"github.com/petstore/petstore/internal/jobs"
)

// schedules is the periodic work, one line per task: a task is a
// jobs.Task (name, label, cron spec, the setting that sets it, and its
// run). The schedule runs each in singleton mode.
func schedules(cfg config.Config, reaper *jobs.Reaper) []jobs.Task {
	return []jobs.Task{
		reaper.Task(cfg.ReaperSchedule), // REAPER_SCHEDULE: purge expired deleted pets, prune sessions and sign-ins
	}
}

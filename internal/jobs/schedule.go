package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"
)

// DefaultReaperSchedule runs the reaper daily at 02:00.
const DefaultReaperSchedule = "0 2 * * *"

// ScheduleOptions configure a Schedule. Zero values take the defaults.
type ScheduleOptions struct {
	// Spec is the reaper's five-field cron expression (default "0 2 * * *").
	Spec string
	// Location is the time zone of Spec (default time.Local, which follows
	// TZ).
	Location *time.Location
	// Clock drives the scheduler (default the real clock; tests pass a
	// fake one).
	Clock clockwork.Clock
	// Logger receives the console lines (default slog.Default()).
	Logger *slog.Logger
}

// Schedule runs the periodic background work (the deletion reaper, which
// also prunes expired sessions and old sign-in attempts) on gocron, in
// singleton mode: a run that would overlap the previous one is skipped,
// and so is one that finds the reaper busy with a run an admin started.
type Schedule struct {
	s    gocron.Scheduler
	reap gocron.Job
	log  *slog.Logger
}

// NewSchedule registers the reaper's run on the schedule. It does not
// start it.
func NewSchedule(o ScheduleOptions, reaper *Reaper) (*Schedule, error) {
	if o.Spec == "" {
		o.Spec = DefaultReaperSchedule
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	opts := []gocron.SchedulerOption{gocron.WithLocation(o.Location), gocron.WithStopTimeout(30 * time.Second)}
	if o.Clock != nil {
		opts = append(opts, gocron.WithClock(o.Clock))
	}
	s, err := gocron.NewScheduler(opts...)
	if err != nil {
		return nil, fmt.Errorf("new scheduler: %w", err)
	}
	log := o.Logger
	j, err := s.NewJob(gocron.CronJob(o.Spec, false),
		gocron.NewTask(func(ctx context.Context) {
			_, err := reaper.Run(ctx)
			switch {
			case errors.Is(err, ErrReaperBusy): // an admin's run is in progress
				log.Info("⏭️ Deletion Reaper skipped: a run is already in progress")
			case err != nil:
				log.Error("❌ Deletion Reaper run failed", "err", err)
			}
		}),
		gocron.WithName("deletion-reaper"),
		gocron.WithSingletonMode(gocron.LimitModeReschedule))
	if err != nil {
		s.Shutdown()
		return nil, fmt.Errorf("REAPER_SCHEDULE=%q: %w", o.Spec, err)
	}
	return &Schedule{s: s, reap: j, log: log}, nil
}

// Start starts the scheduler and logs the reaper's next run.
func (s *Schedule) Start() {
	s.s.Start()
	next, err := s.reap.NextRun()
	if err != nil {
		s.log.Error("❌ Deletion Reaper next run unknown", "err", err)
		return
	}
	s.log.Info("⏰ Deletion Reaper scheduled", "nextRun", next)
}

// NextRun is when the reaper runs next (zero before Start).
func (s *Schedule) NextRun() (time.Time, error) { return s.reap.NextRun() }

// Shutdown stops the scheduler, waiting for a running reaper.
func (s *Schedule) Shutdown() error {
	if err := s.s.Shutdown(); err != nil {
		return fmt.Errorf("stop scheduler: %w", err)
	}
	return nil
}

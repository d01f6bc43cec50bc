package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"

	"github.com/petstore/petstore/internal/shelter"
)

// Task is one piece of periodic work on the schedule. A task registers
// with one line in the wiring's list (internal/app's schedules).
type Task struct {
	// Name identifies the task: gocron's job name and the key of NextRun
	// ("deletion-reaper").
	Name string
	// Label names it in the console lines ("Deletion Reaper").
	Label string
	// Spec is its five-field cron expression, in the schedule's Location.
	Spec string
	// Setting names the configuration that sets Spec, for the error of a
	// bad one ("REAPER_SCHEDULE").
	Setting string
	// Run does one run. An ECONFLICT error says a run is already in
	// progress (one started by hand): the scheduled run is skipped, and
	// logged as such rather than as a failure.
	Run func(ctx context.Context) error
}

// ScheduleOptions configure a Schedule. Zero values take the defaults.
type ScheduleOptions struct {
	// Location is the time zone of the tasks' specs (default time.Local,
	// which follows TZ).
	Location *time.Location
	// Clock drives the scheduler (default the real clock; tests pass a
	// fake one).
	Clock clockwork.Clock
	// Logger receives the console lines (default slog.Default()).
	Logger *slog.Logger
	// Claim, when set, is asked before each scheduled run whether this
	// process takes the task's run of that minute (several servers on one
	// database run each scheduled run once); a run it does not take is
	// skipped.
	Claim func(ctx context.Context, task string, slot time.Time) (bool, error)
}

// Schedule runs the periodic background work on gocron, each task in
// singleton mode: a run that would overlap the task's previous one is
// skipped, and so is one that finds the task busy with a run an admin
// started.
type Schedule struct {
	s     gocron.Scheduler
	tasks []Task
	jobs  map[string]gocron.Job
	log   *slog.Logger
}

// NewSchedule registers the tasks on a schedule. It does not start it.
func NewSchedule(o ScheduleOptions, tasks ...Task) (*Schedule, error) {
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
	sched := &Schedule{s: s, tasks: tasks, jobs: map[string]gocron.Job{}, log: log}
	for _, t := range tasks {
		if _, dup := sched.jobs[t.Name]; dup || t.Name == "" || t.Run == nil {
			s.Shutdown()
			return nil, fmt.Errorf("schedule: task %q: a name of its own and a Run are required", t.Name)
		}
		j, err := s.NewJob(gocron.CronJob(t.Spec, false),
			gocron.NewTask(func(ctx context.Context) {
				if o.Claim != nil {
					now := time.Now()
					if o.Clock != nil {
						now = o.Clock.Now()
					}
					mine, err := o.Claim(ctx, t.Name, now.Truncate(time.Minute))
					if err != nil {
						log.Error("❌ "+t.Label+" run failed", "err", err)
						return
					}
					if !mine {
						log.Debug(t.Label+" run taken by another server", "task", t.Name)
						return
					}
				}
				err := t.Run(ctx)
				switch {
				case err == nil:
				case shelter.ErrorCode(err) == shelter.ECONFLICT: // a run started by hand is in progress
					log.Info("⏭️ " + t.Label + " skipped: a run is already in progress")
				default:
					log.Error("❌ "+t.Label+" run failed", "err", err)
				}
			}),
			gocron.WithName(t.Name),
			gocron.WithSingletonMode(gocron.LimitModeReschedule))
		if err != nil {
			s.Shutdown()
			setting := t.Setting
			if setting == "" {
				setting = t.Name
			}
			return nil, fmt.Errorf("%s=%q: %w", setting, t.Spec, err)
		}
		sched.jobs[t.Name] = j
	}
	return sched, nil
}

// Start starts the scheduler and logs each task's next run.
func (s *Schedule) Start() {
	s.s.Start()
	for _, t := range s.tasks {
		next, err := s.jobs[t.Name].NextRun()
		if err != nil {
			s.log.Error("❌ "+t.Label+" next run unknown", "err", err)
			continue
		}
		s.log.Info("⏰ "+t.Label+" scheduled", "nextRun", next)
	}
}

// NextRun is when the named task runs next (zero before Start).
func (s *Schedule) NextRun(name string) (time.Time, error) {
	j, ok := s.jobs[name]
	if !ok {
		return time.Time{}, fmt.Errorf("schedule: no task %q", name)
	}
	return j.NextRun()
}

// Entry is one task of a schedule, as a page that shows its next run sees
// it.
type Entry struct {
	s    *Schedule
	name string
}

// Entry returns the named task's entry.
func (s *Schedule) Entry(name string) Entry { return Entry{s: s, name: name} }

// NextRun is when the task runs next.
func (e Entry) NextRun() (time.Time, error) { return e.s.NextRun(e.name) }

// Shutdown stops the scheduler, waiting for running tasks.
func (s *Schedule) Shutdown() error {
	if err := s.s.Shutdown(); err != nil {
		return fmt.Errorf("stop scheduler: %w", err)
	}
	return nil
}

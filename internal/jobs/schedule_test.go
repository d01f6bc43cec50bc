package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/petstore/petstore/internal/jobs"
)

// The schedule is a list: each task runs at its own spec, and each has its
// own next run.
func TestScheduleRunsEveryTaskOfTheList(t *testing.T) {
	t0 := time.Date(2026, 3, 10, 1, 59, 30, 0, time.UTC)
	clock := clockwork.NewFakeClockAt(t0)
	var hourly, daily atomic.Int32
	sched, err := jobs.NewSchedule(jobs.ScheduleOptions{Location: time.UTC, Clock: clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
		jobs.Task{Name: "hourly", Label: "Hourly", Spec: "0 * * * *", Run: func(context.Context) error { hourly.Add(1); return nil }},
		jobs.Task{Name: "daily", Label: "Daily", Spec: "0 3 * * *", Run: func(context.Context) error { daily.Add(1); return nil }},
	)
	if err != nil {
		t.Fatal(err)
	}
	sched.Start()
	t.Cleanup(func() { sched.Shutdown() })
	for name, want := range map[string]time.Time{"hourly": t0.Add(30 * time.Second), "daily": t0.Add(time.Hour + 30*time.Second)} {
		if next, err := sched.NextRun(name); err != nil || !next.Equal(want) {
			t.Errorf("%s: next run %s (%v), want %s", name, next, err, want)
		}
	}
	if next, err := sched.Entry("daily").NextRun(); err != nil || next.Hour() != 3 {
		t.Errorf("daily entry: next run %s (%v)", next, err)
	}
	if _, err := sched.NextRun("nope"); err == nil {
		t.Error("next run of an unknown task: no error")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := clock.BlockUntilContext(ctx, 2); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute) // 02:00:30: the hourly task runs
	deadline := time.Now().Add(10 * time.Second)
	for hourly.Load() != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the hourly task did not run at 02:00")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if daily.Load() != 0 {
		t.Errorf("the daily task ran at 02:00")
	}
}

func TestScheduleRejectsTwoTasksOfOneName(t *testing.T) {
	run := func(context.Context) error { return nil }
	_, err := jobs.NewSchedule(jobs.ScheduleOptions{},
		jobs.Task{Name: "a", Spec: "0 * * * *", Run: run}, jobs.Task{Name: "a", Spec: "0 2 * * *", Run: run})
	if err == nil {
		t.Fatal("two tasks named a: no error")
	}
}

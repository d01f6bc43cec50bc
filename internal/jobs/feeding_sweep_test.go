package jobs_test

import (
	"context"
	"errors"
	"testing"

	"github.com/petstore/petstore/internal/jobs"
)

type sweepStore struct {
	n   int
	err error
}

func (s *sweepStore) RecordOverdueFeedings(context.Context) (int, error) { return s.n, s.err }

func TestFeedingSweepTask(t *testing.T) {
	st := &sweepStore{n: 2}
	w := &jobs.FeedingSweep{Store: st, Logger: discard}
	task := w.Task()
	if task.Name != jobs.FeedingSweepTaskName || task.Spec != "* * * * *" {
		t.Fatalf("task %+v", task)
	}
	if err := task.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	st.err = errors.New("disk full")
	if err := task.Run(context.Background()); err == nil {
		t.Fatal("the store's error was lost")
	}
	if _, err := jobs.NewSchedule(jobs.ScheduleOptions{Logger: discard}, task); err != nil {
		t.Fatalf("the sweep's spec does not schedule: %v", err)
	}
}

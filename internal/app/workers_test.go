package app

import (
	"testing"

	"github.com/petstore/petstore/internal/config"
	"github.com/petstore/petstore/internal/jobs"
)

// Every job kind of shelter.JobKinds has one worker, in a pool that runs.
func TestEveryJobKindHasAWorker(t *testing.T) {
	if err := checkWorkers(workers(config.Config{}, nil, nil, &jobs.Backup{}, nil), pools(config.Config{})); err != nil {
		t.Fatal(err)
	}
}

// The schedule accepts every registered task with its default spec.
func TestSchedulesAreValid(t *testing.T) {
	for _, task := range schedules(config.Config{Ops: config.Ops{BackupDir: "/backups"}}, nil, nil, &jobs.Backup{}, nil) {
		if task.Name == "" || task.Run == nil {
			t.Errorf("task %+v: a name and a run are required", task)
		}
	}
}

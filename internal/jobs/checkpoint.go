package jobs

import "context"

// CheckpointTaskName names the WAL checkpoint in the schedule.
const CheckpointTaskName = "wal-checkpoint"

// Checkpointer is what the checkpoint task needs of the store.
type Checkpointer interface {
	Checkpoint(ctx context.Context) error
}

// CheckpointTask copies the database's write-ahead log into the database
// file and truncates it, every minute, so that a long-running server
// never needs much more free space than its database (issue 10).
func CheckpointTask(c Checkpointer) Task {
	return Task{Name: CheckpointTaskName, Label: "WAL checkpoint", Spec: "* * * * *", Run: c.Checkpoint}
}

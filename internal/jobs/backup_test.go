package jobs_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/jobs"
	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

// backupStore is the store as the backup job sees it (internal/app has
// the same adapter).
type backupStore struct{ st *store.Store }

func (b backupStore) Backup(ctx context.Context, dst string) (int64, error) {
	info, err := b.st.Backup(ctx, dst)
	if err != nil {
		return 0, err
	}
	return info.Size, nil
}

func (b backupStore) PruneBackups(dir string, keep int) ([]string, error) {
	return store.PruneBackups(dir, keep)
}

func (b backupStore) EnqueueJob(ctx context.Context, o shelter.Origin, kind string) error {
	_, err := b.st.Enqueue(ctx, o, store.NewJob{Kind: kind})
	return err
}

// The scheduled backup is a job: the task queues it, the runner runs it,
// it writes a checked copy into the directory and keeps the newest Keep;
// a failure is a failed job with its error, and is reported.
func TestBackupJob(t *testing.T) {
	storetest.SQLiteOnly(t, "scheduled backups are SQLite's (on PostgreSQL the store answers with the pg_dump error, tested in store)")
	st := openStore(t)
	dir := filepath.Join(t.TempDir(), "backups")
	clock := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	var results []error
	w := &jobs.Backup{Store: backupStore{st}, Dir: dir, Keep: 2, Name: store.BackupName,
		Now:     func() time.Time { clock = clock.Add(24 * time.Hour); return clock },
		Observe: func(err error, at time.Time) { results = append(results, err) }}
	start(t, st, jobs.Options{Poll: 20 * time.Millisecond}, w)
	task := w.Task("")
	if task.Name != jobs.BackupTaskName || task.Spec != jobs.DefaultBackupSchedule || task.Setting != "BACKUP_SCHEDULE" {
		t.Fatalf("task %+v", task)
	}
	for range 3 {
		if err := task.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for n := len(results); len(results) == n; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the backup job did not run")
			}
		}
	}
	names, _ := os.ReadDir(dir)
	if len(names) != 2 || results[0] != nil || results[2] != nil {
		t.Fatalf("backups %v, results %v", names, results)
	}
	for _, n := range names {
		if fi, _ := n.Info(); fi.Mode().Perm() != 0o600 || !strings.HasPrefix(n.Name(), "petstore-20261204") && !strings.HasPrefix(n.Name(), "petstore-20261203") {
			t.Errorf("kept %s (%v)", n.Name(), fi.Mode())
		}
	}
	// The runner records each job's completion just after its work.
	var got []*shelter.Job
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		var err error
		if got, err = st.FindJobs(context.Background(), shelter.JobFilter{Kind: shelter.JobBackup, State: shelter.JobDone}); err != nil {
			t.Fatal(err)
		}
		if len(got) == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d backup jobs done, want 3", len(got))
		}
	}

	// Without a directory the job fails, saying why.
	w.Dir = ""
	if err := w.Work(context.Background(), got[0]); err == nil || !strings.Contains(err.Error(), "BACKUP_DIR") {
		t.Errorf("work without a directory: %v", err)
	}
	if last := results[len(results)-1]; last == nil {
		t.Errorf("the failure was not reported: %v", results)
	}
}

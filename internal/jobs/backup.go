package jobs

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/petstore/petstore/internal/shelter"
)

// BackupTaskName names the scheduled backup on the schedule.
const BackupTaskName = "backup"

// DefaultBackupSchedule makes the scheduled backup daily at 03:00.
const DefaultBackupSchedule = "0 3 * * *"

// BackupStore is what the scheduled backup needs from storage.
type BackupStore interface {
	// Backup writes a checked copy of the database to dst (0600).
	Backup(ctx context.Context, dst string) (size int64, err error)
	// PruneBackups deletes the oldest scheduled backups in dir beyond the
	// keep newest, returning their names.
	PruneBackups(dir string, keep int) ([]string, error)
	// Enqueue queues one job no change causes.
	EnqueueJob(ctx context.Context, o shelter.Origin, kind string) error
}

// Backup is the worker of the backup job: it copies the database into Dir
// under a name with the time (store.BackupName), then deletes the oldest
// copies beyond Keep. The schedule's Task only queues the job, so each
// backup shows on the Jobs page, and a failed one stays there with its
// error (and can be retried).
type Backup struct {
	Store BackupStore
	// Dir is BACKUP_DIR; empty: backups are off (a job fails saying so).
	Dir string
	// Keep is BACKUP_KEEP (default 7).
	Keep int
	// Name makes a backup's file name from its time.
	Name func(t time.Time) string
	// Observe, when set, is told each backup's result (the metrics).
	Observe func(err error, at time.Time)
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Logger receives the console lines (default slog.Default()).
	Logger *slog.Logger
}

// Kind is shelter.JobBackup.
func (w *Backup) Kind() string { return shelter.JobBackup }

// Task queues a backup job at spec (BACKUP_SCHEDULE, default daily 03:00).
func (w *Backup) Task(spec string) Task {
	if spec == "" {
		spec = DefaultBackupSchedule
	}
	return Task{Name: BackupTaskName, Label: "Database backup", Spec: spec, Setting: "BACKUP_SCHEDULE",
		Run: func(ctx context.Context) error {
			return w.Store.EnqueueJob(ctx, shelter.SystemOrigin, shelter.JobBackup)
		}}
}

// Work makes one backup and prunes the old ones.
func (w *Backup) Work(ctx context.Context, job *shelter.Job) error {
	log := w.Logger
	if log == nil {
		log = slog.Default()
	}
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	start := now()
	err := w.backup(ctx, log, start)
	if w.Observe != nil && ctx.Err() == nil {
		w.Observe(err, start)
	}
	return err
}

func (w *Backup) backup(ctx context.Context, log *slog.Logger, start time.Time) error {
	if w.Dir == "" {
		return errors.New("BACKUP_DIR is not set: scheduled backups are off")
	}
	keep := w.Keep
	if keep <= 0 {
		keep = 7
	}
	dst := filepath.Join(w.Dir, w.Name(start))
	size, err := w.Store.Backup(ctx, dst)
	if err != nil {
		log.Error("❌ Backup failed", "dst", dst, "err", err)
		return err
	}
	deleted, err := w.Store.PruneBackups(w.Dir, keep)
	if err != nil {
		log.Error("❌ Pruning old backups failed", "dir", w.Dir, "err", err)
		return err
	}
	log.Info("💾 Backup written", "dst", dst, "bytes", size, "duration", time.Since(start).Round(time.Millisecond).String(),
		"kept", keep, "deleted", len(deleted))
	return nil
}

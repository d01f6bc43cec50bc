package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/petstore/petstore/db"
	"github.com/petstore/petstore/internal/shelter"
)

// BackupInfo says what a backup or a restore did.
type BackupInfo struct {
	Path     string
	Size     int64
	Pets     int
	Duration time.Duration
}

// Backup writes a consistent copy of the database at dbPath to dst while a
// server may be running on it (VACUUM INTO on a read connection of its
// own, so writes carry on), with permissions 0600, and checks the copy
// (integrity_check) before it takes the name dst: a file at dst is always
// a whole, checked backup. dst must not exist.
func Backup(ctx context.Context, dbPath, dst string) (*BackupInfo, error) {
	if db.IsPostgresURL(dbPath) {
		return nil, ErrPostgresBackup
	}
	start := time.Now()
	if _, err := os.Stat(dst); err == nil {
		return nil, fmt.Errorf("%s already exists: choose another name", dst)
	}
	if dir := filepath.Dir(dst); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("create %s: %w", dir, err)
		}
	}
	tmp := dst + ".partial"
	os.Remove(tmp) // a leftover of an interrupted backup
	if err := db.VacuumInto(ctx, dbPath, tmp); err != nil {
		return nil, err
	}
	info, err := db.CheckFile(ctx, tmp)
	if err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("the copy fails its check, no backup made: %w", err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.Remove(tmp)
		return nil, err
	}
	if err := db.SyncDir(filepath.Dir(dst)); err != nil {
		return nil, err
	}
	fi, err := os.Stat(dst)
	if err != nil {
		return nil, err
	}
	return &BackupInfo{Path: dst, Size: fi.Size(), Pets: info.Pets, Duration: time.Since(start)}, nil
}

// Backup copies the store's database to dst (see the function Backup).
func (s *Store) Backup(ctx context.Context, dst string) (*BackupInfo, error) {
	if s.Postgres() {
		return nil, ErrPostgresBackup
	}
	return Backup(ctx, s.db.Path, dst)
}

// ErrPostgresBackup answers a backup or a restore asked of a PostgreSQL
// database: PostgreSQL's own tools do that (pg_dump, pg_restore, or the
// operator's continuous archiving).
var ErrPostgresBackup = shelter.Errorf(shelter.EINVALID,
	"The database is PostgreSQL: back it up with pg_dump and restore with pg_restore (see the README, Outgrowing one machine)")

// Restore replaces the database at dbPath with the backup src, which must
// pass its check (integrity, a Petstore schema this build knows). It
// refuses while a server holds the database (lock is taken by the
// caller: see LockDB). The database it replaces is kept beside it as
// <dbPath>.before-restore-<time> (with its WAL, if any), and that name is
// returned. The restored copy gets the current migrations at the next
// start.
func Restore(ctx context.Context, src, dbPath string) (info *BackupInfo, keptAs string, err error) {
	if db.IsPostgresURL(dbPath) {
		return nil, "", ErrPostgresBackup
	}
	start := time.Now()
	checked, err := db.CheckFile(ctx, src)
	if err != nil {
		return nil, "", err
	}
	if dir := filepath.Dir(dbPath); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, "", err
		}
	}
	tmp := dbPath + ".restoring"
	if err := copyFile(src, tmp); err != nil {
		os.Remove(tmp)
		return nil, "", err
	}
	_, err = db.CheckFile(ctx, tmp)
	// Reading it may have left a -wal and -shm beside it (empty: it was
	// opened read-only); they would outlive the rename under its old name.
	os.Remove(tmp + "-wal")
	os.Remove(tmp + "-shm")
	if err != nil {
		os.Remove(tmp)
		return nil, "", fmt.Errorf("the copy fails its check, nothing changed: %w", err)
	}
	if _, err := os.Stat(dbPath); err == nil {
		keptAs = dbPath + ".before-restore-" + time.Now().UTC().Format("20060102T150405Z")
		// The WAL of a server that did not stop cleanly holds committed
		// writes of the old database: it moves with it. The -shm is only
		// an index, rebuilt from the WAL.
		if err := os.Rename(dbPath+"-wal", keptAs+"-wal"); err != nil && !errors.Is(err, os.ErrNotExist) {
			os.Remove(tmp)
			return nil, "", err
		}
		os.Remove(dbPath + "-shm")
		if err := os.Rename(dbPath, keptAs); err != nil {
			os.Remove(tmp)
			return nil, "", err
		}
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return nil, keptAs, err
	}
	if err := db.SyncDir(filepath.Dir(dbPath)); err != nil {
		return nil, keptAs, err
	}
	fi, err := os.Stat(dbPath)
	if err != nil {
		return nil, keptAs, err
	}
	return &BackupInfo{Path: dbPath, Size: fi.Size(), Pets: checked.Pets, Duration: time.Since(start)}, keptAs, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Scheduled backups are named BackupPrefix + UTC time + ".db".
const BackupPrefix = "petstore-"

// BackupName is the file name of a scheduled backup made at t.
func BackupName(t time.Time) string {
	return BackupPrefix + t.UTC().Format(backupTimeLayout) + ".db"
}

const backupTimeLayout = "20060102T150405.000Z"

// isBackupName reports whether name is one BackupName makes.
func isBackupName(name string) bool {
	stamp, ok := strings.CutPrefix(name, BackupPrefix)
	if !ok {
		return false
	}
	stamp, ok = strings.CutSuffix(stamp, ".db")
	if !ok || len(stamp) != len(backupTimeLayout) {
		return false
	}
	_, err := time.Parse(backupTimeLayout, stamp)
	return err == nil
}

// PruneBackups deletes the oldest scheduled backups in dir beyond the keep
// newest, and returns the names it deleted. Other files are left alone and
// not counted: only a name BackupName makes (the prefix, a time, .db) is a
// scheduled backup, so a copy someone named petstore-before-upgrade.db is
// neither deleted nor kept in a scheduled one's place.
func PruneBackups(dir string, keep int) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); e.Type().IsRegular() && isBackupName(n) {
			names = append(names, n)
		}
	}
	sort.Strings(names) // the names sort by time
	var deleted []string
	for len(names) > keep {
		if err := os.Remove(filepath.Join(dir, names[0])); err != nil {
			return deleted, err
		}
		deleted = append(deleted, names[0])
		names = names[1:]
	}
	return deleted, nil
}

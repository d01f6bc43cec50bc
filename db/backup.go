package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// LatestVersion is the version of the newest embedded migration.
func LatestVersion() int {
	names, _ := fs.Glob(migrations, "migrations/*.sql")
	latest := 0
	for _, n := range names {
		num, _, _ := strings.Cut(filepath.Base(n), "_")
		if v, err := strconv.Atoi(num); err == nil && v > latest {
			latest = v
		}
	}
	return latest
}

// openReadOnly opens a database file for reading only, on a connection of
// its own.
func openReadOnly(path string) (*sql.DB, error) {
	q := url.Values{}
	q.Add("mode", "ro")
	q.Add("_pragma", "busy_timeout(5000)")
	d, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	d.SetMaxOpenConns(1)
	return d, nil
}

// VacuumInto writes a consistent, compact copy of the database at src to
// dst with SQLite's VACUUM INTO, on a read connection of its own: writers
// carry on meanwhile (WAL), and the copy is one snapshot. dst is created
// with permissions 0600 and must not exist.
func VacuumInto(ctx context.Context, src, dst string) error {
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("database %s: %w", src, err)
	}
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create %s: %w", dst, err)
	}
	f.Close() // VACUUM INTO fills an empty file, keeping its permissions
	d, err := openReadOnly(src)
	if err != nil {
		os.Remove(dst)
		return err
	}
	defer d.Close()
	if _, err := d.ExecContext(ctx, `VACUUM INTO ?`, dst); err != nil {
		os.Remove(dst)
		return fmt.Errorf("copy the database: %w", err)
	}
	return syncFile(dst)
}

// FileInfo is what CheckFile found in a database file.
type FileInfo struct {
	// Version is its newest applied migration.
	Version int
	Pets    int
}

// CheckFile checks that path is a healthy Petstore database: SQLite's
// integrity_check passes, and it has the app's tables at a migration
// version this build knows.
func CheckFile(ctx context.Context, path string) (FileInfo, error) {
	var info FileInfo
	if _, err := os.Stat(path); err != nil {
		return info, err
	}
	d, err := openReadOnly(path)
	if err != nil {
		return info, err
	}
	defer d.Close()
	rows, err := d.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return info, fmt.Errorf("%s is not a readable SQLite database: %w", path, err)
	}
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return info, err
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return info, fmt.Errorf("%s: integrity check: %w", path, err)
	}
	if len(problems) > 0 {
		return info, fmt.Errorf("%s fails SQLite's integrity check: %s", path, strings.Join(problems[:min(len(problems), 5)], "; "))
	}
	if err := d.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&info.Version); err != nil {
		return info, fmt.Errorf("%s is not a Petstore database (no schema_migrations): %w", path, err)
	}
	if err := d.QueryRowContext(ctx, `SELECT count(*) FROM pets`).Scan(&info.Pets); err != nil {
		return info, fmt.Errorf("%s is not a Petstore database (no pets): %w", path, err)
	}
	if latest := LatestVersion(); info.Version > latest {
		return info, fmt.Errorf("%s comes from a newer Petstore (schema version %d; this build knows %d): upgrade first", path, info.Version, latest)
	}
	return info, nil
}

// syncFile flushes a file and its directory to disk.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	err = f.Sync()
	f.Close()
	if err != nil {
		return err
	}
	return SyncDir(filepath.Dir(path))
}

// SyncDir flushes a directory's entries (a rename, a new file) to disk.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

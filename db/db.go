// Package db opens the SQLite database and applies its migrations.
package db

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB holds two pools over one SQLite file: Write has a single connection, so
// writers queue in Go instead of contending for SQLite's lock; Read has
// several, which WAL lets run beside the writer.
type DB struct {
	Write *sql.DB
	Read  *sql.DB
	Path  string
	// Engine is SQLite, or Postgres for a DB from OpenPostgres (then
	// Path is empty and URL names the database).
	Engine Engine
	URL    string
	// Sync is the synchronous setting the database was opened with.
	Sync Sync

	lock *lockFile // held for the server's lifetime (Options.Exclusive)
	ckpt *checkpointer
}

// Sync is SQLite's synchronous setting (DB_SYNC).
type Sync string

const (
	// SyncFull fsyncs the WAL at every commit: a commit that returned is
	// on disk and survives a power cut. The default.
	SyncFull Sync = "full"
	// SyncNormal fsyncs only at checkpoints: a commit survives the
	// process crashing, but the last commits before a power cut or an OS
	// crash can be lost.
	SyncNormal Sync = "normal"
)

// Valid reports whether s is a known setting.
func (s Sync) Valid() bool { return s == SyncFull || s == SyncNormal }

// Options configure Open. Zero values take the defaults.
type Options struct {
	// Sync is the synchronous setting (default SyncFull).
	Sync Sync
	// Exclusive takes an exclusive lock on a file beside the database
	// (LockPath) until Close: the server's, so that two servers never run
	// on one file. Another holder makes OpenWith fail at once with a
	// *LockedError. One-shot commands open without it.
	Exclusive bool
}

// JournalSizeLimit is the size (bytes) the WAL file is truncated back to
// after a checkpoint has reset it. With the automatic checkpoint at about
// 4 MB of WAL, the WAL never needs much more than this on disk.
const JournalSizeLimit = 8 << 20

// readerCacheKiB is each reading connection's page cache. Pets read by id
// come from the store's own cache, and a list page reads a few dozen pages
// that the operating system's cache holds anyway; SQLite's default of 2 MB
// per connection cost the server about 8 MB of memory for its readers
// alone.
const readerCacheKiB = 512

// dsn puts every pragma in the connection string so that each pooled
// connection has them. _txlock=immediate takes the write lock at BEGIN,
// which avoids SQLITE_BUSY on read-then-write transactions.
func dsn(path string, readOnly bool, sync Sync) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Add("_pragma", "synchronous("+strings.ToUpper(string(sync))+")")
	if readOnly {
		q.Add("_pragma", "query_only(ON)")
		// A reader's page cache: 512 KiB instead of SQLite's 2 MB each
		// (see readerCacheKiB).
		q.Add("_pragma", "cache_size(-"+strconv.Itoa(readerCacheKiB)+")")
	} else {
		q.Add("_pragma", "journal_size_limit("+strconv.Itoa(JournalSizeLimit)+")")
		// Savepoint and statement journals in memory: each caller of a
		// group commit runs under a savepoint, and a journal in a
		// temporary file costs a write system call for every page that a
		// savepoint first changes. They only ever hold a batch's pages,
		// and a crash loses nothing of them that a commit needed.
		q.Add("_pragma", "temp_store(MEMORY)")
		// No checkpoint on the writer's path: the checkpointer does it
		// beside it (see checkpointer).
		q.Add("_pragma", "wal_autocheckpoint(0)")
		q.Add("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens the database at path with the default options (see OpenWith).
func Open(ctx context.Context, path string) (*DB, error) {
	return OpenWith(ctx, path, Options{})
}

// OpenWith opens (creating it and its directory if needed) the database at
// path, applies every migration not yet applied, and checks that the
// database can be written: a database that cannot is an error that names
// the cause (see Fault), so that a server never starts on it.
//
// A directory it creates is readable by its owner only (0700), and so are
// the database file, its WAL and shared-memory files (0600): they hold
// password and token hashes. Files that exist with wider permissions are
// narrowed to 0600.
func OpenWith(ctx context.Context, path string, o Options) (*DB, error) {
	if o.Sync == "" {
		o.Sync = SyncFull
	}
	if !o.Sync.Valid() {
		return nil, fmt.Errorf("synchronous setting %q: must be full or normal", o.Sync)
	}
	if err := prepareFiles(path); err != nil {
		return nil, err
	}
	var lk *lockFile
	if o.Exclusive {
		var err error
		if lk, err = lock(path); err != nil {
			return nil, err
		}
	}
	d, err := open(ctx, path, o)
	if err != nil {
		lk.release()
		return nil, err
	}
	d.lock = lk
	return d, nil
}

func open(ctx context.Context, path string, o Options) (*DB, error) {
	w, err := sql.Open("sqlite", dsn(path, false, o.Sync))
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, openErr(path, err)
	}
	if err := Migrate(ctx, w); err != nil {
		w.Close()
		return nil, openErr(path, err)
	}
	if err := probeWrite(ctx, w); err != nil {
		w.Close()
		return nil, openErr(path, err)
	}
	narrowPerms(path) // the WAL and shared-memory files exist now
	r, err := sql.Open("sqlite", dsn(path, true, o.Sync))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	n := max(4, 2*runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxIdleTime(0)
	ck, err := startCheckpointer(path, o.Sync)
	if err != nil {
		r.Close()
		w.Close()
		return nil, err
	}
	return &DB{Write: w, Read: r, Path: path, Engine: SQLite, Sync: o.Sync, ckpt: ck}, nil
}

// openErr names the database and, for a storage fault, its cause.
func openErr(path string, err error) error {
	if f := FaultOf(err); f != nil {
		if f.Kind == FaultCantOpen || f.Kind == FaultReadOnly {
			if hint := accessHint(path); hint != "" {
				return fmt.Errorf("database %s: %s: %s: %w", path, f.Message, hint, err)
			}
		}
		return fmt.Errorf("database %s: %s: %w", path, f.Message, err)
	}
	return fmt.Errorf("open database %s: %w", path, err)
}

// prepareFiles creates the database's directory (0700) and file (0600)
// when missing, so that SQLite, which gives the WAL and shared-memory files
// the database file's permissions, never makes any of them readable by
// others; and narrows the permissions of files that already exist.
func prepareFiles(path string) error {
	if dir := filepath.Dir(path); dir != "" {
		if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return fmt.Errorf("create database directory: %w", err)
			}
		}
	}
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o600)
	if err == nil {
		f.Close()
	} else if !errors.Is(err, fs.ErrPermission) { // SQLite says what it can of a file it cannot read
		return fmt.Errorf("database %s: %w", path, err)
	}
	narrowPerms(path)
	return nil
}

// narrowPerms takes the group's and others' permissions off the database
// file and its companions, when they have any.
func narrowPerms(path string) {
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		if fi, err := os.Stat(p); err == nil && fi.Mode().Perm()&0o077 != 0 {
			_ = os.Chmod(p, fi.Mode().Perm()&0o700) // best effort: a file we cannot chmod is not ours to fix
		}
	}
}

// probeWrite writes (and syncs) 64 KiB, so that a database that cannot be
// written is found at start rather than by the first request.
func probeWrite(ctx context.Context, w *sql.DB) error {
	_, err := w.ExecContext(ctx, ProbeSQL)
	return err
}

// ProbeSQL is the write of ProbeWrite, for a caller that runs it inside a
// transaction of its own.
const ProbeSQL = `INSERT INTO write_probe (pad) VALUES (randomblob(65536)); DELETE FROM write_probe`

// ProbeWrite checks that the database can be written now (see Fault for
// what a failure means).
func (db *DB) ProbeWrite(ctx context.Context) error {
	_, err := db.Write.ExecContext(ctx, db.ProbeSQL())
	return err
}

// ProbeSQL is the write probe in the database's dialect.
func (db *DB) ProbeSQL() string {
	if db.Engine == Postgres {
		return PostgresProbeSQL
	}
	return ProbeSQL
}

// Checkpoint copies the WAL into the database file and truncates the WAL
// to zero bytes. The checkpointer keeps the WAL small under steady
// writes; this gives the space back when writes pause (call it now
// and then, e.g. once a minute). It waits at most 100 ms for readers that
// still use the WAL (then it does what it can, and the next one finishes),
// so that writers queued behind it are never held long.
func (db *DB) Checkpoint(ctx context.Context) error {
	if db.Engine == Postgres {
		return nil // PostgreSQL checkpoints its WAL itself
	}
	conn, err := db.Write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA busy_timeout = 100`); err != nil {
		return err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA busy_timeout = 5000`)
	var busy, logFrames, done int
	err = conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &done)
	if err != nil && strings.Contains(err.Error(), "locked") {
		return nil // readers held it: the next one
	}
	return err
}

// Close closes both pools, and then lets go of the server's lock.
func (db *DB) Close() error {
	err0 := db.ckpt.stop()
	err1 := db.Read.Close()
	err2 := db.Write.Close()
	err3 := db.lock.release()
	db.lock = nil
	return errors.Join(err0, err1, err2, err3)
}

// Ping checks that the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.Read.QueryRowContext(ctx, `SELECT 1`).Scan(&one)
}

// listMigrations lists the numbered *.sql files of dir in fsys, oldest first.
func listMigrations(fsys fs.FS, dir string) ([]migration, error) {
	names, err := fs.Glob(fsys, dir+"/*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	var ms []migration
	for _, n := range names {
		base := filepath.Base(n)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number and _", base)
		}
		ms = append(ms, migration{version: v, name: base})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

type migration struct {
	version int
	name    string
}

// Migrate applies, in order and each in its own transaction, every
// migrations/NNN_name.sql whose version is not yet in schema_migrations.
func Migrate(ctx context.Context, w *sql.DB) error {
	if _, err := w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at INTEGER NOT NULL DEFAULT (unixepoch('subsec') * 1000)
	) STRICT`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	ms, err := listMigrations(migrations, "migrations")
	if err != nil {
		return err
	}
	if err := refuseNewer(ctx, w, ms); err != nil {
		return err
	}
	for _, m := range ms {
		if err := apply(ctx, w, m); err != nil {
			return err
		}
	}
	return nil
}

// ErrNewerSchema is the error of opening a database that a newer Petstore
// has migrated: this build does not know its tables as they are now, and
// writing to them could damage them.
var ErrNewerSchema = errors.New("the database comes from a newer Petstore")

// refuseNewer fails when schema_migrations holds a version newer than any
// of ms (a rollback to an older binary after an upgrade).
func refuseNewer(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, ms []migration) error {
	latest := 0
	if len(ms) > 0 {
		latest = ms[len(ms)-1].version
	}
	var have int
	if err := q.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return fmt.Errorf("read schema_migrations: %w", err)
	}
	if have > latest {
		return fmt.Errorf("%w (schema version %d; this build knows %d): run that version or a newer one, or restore a backup made before the upgrade", ErrNewerSchema, have, latest)
	}
	return nil
}

func apply(ctx context.Context, w *sql.DB, m migration) error {
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	if n > 0 {
		return nil
	}
	body, err := migrations.ReadFile("migrations/" + m.name)
	if err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, m.version, m.name); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	return nil
}

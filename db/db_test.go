package db

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

func openDB(t *testing.T, path string, o Options) *DB {
	t.Helper()
	d, err := OpenWith(context.Background(), path, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func pragma(t *testing.T, d *sql.DB, name string) int64 {
	t.Helper()
	var v int64
	if err := d.QueryRow(`PRAGMA ` + name).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSyncSetting(t *testing.T) {
	for _, tc := range []struct {
		o    Options
		want int64 // PRAGMA synchronous: 1 NORMAL, 2 FULL
	}{{Options{}, 2}, {Options{Sync: SyncFull}, 2}, {Options{Sync: SyncNormal}, 1}} {
		d := openDB(t, filepath.Join(t.TempDir(), "p.db"), tc.o)
		for name, pool := range map[string]*sql.DB{"write": d.Write, "read": d.Read} {
			if got := pragma(t, pool, "synchronous"); got != tc.want {
				t.Errorf("%+v: %s pool synchronous = %d, want %d", tc.o, name, got, tc.want)
			}
		}
		if got := pragma(t, d.Write, "journal_size_limit"); got != JournalSizeLimit {
			t.Errorf("journal_size_limit = %d, want %d", got, JournalSizeLimit)
		}
		if got := pragma(t, d.Read, "cache_size"); got != -readerCacheKiB {
			t.Errorf("a reader's cache_size = %d, want %d (KiB)", got, -readerCacheKiB)
		}
		if got := pragma(t, d.Write, "temp_store"); got != 2 {
			t.Errorf("temp_store = %d, want 2 (memory)", got)
		}
	}
	if _, err := OpenWith(context.Background(), filepath.Join(t.TempDir(), "p.db"), Options{Sync: "off"}); err == nil {
		t.Error("synchronous=off accepted")
	}
}

func TestFilesOwnerOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	path := filepath.Join(dir, "petstore.db")
	d := openDB(t, path, Options{})
	if _, err := d.Write.Exec(`CREATE TABLE t (x)`); err != nil {
		t.Fatal(err)
	}
	check := func(p string, want os.FileMode) {
		t.Helper()
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s: mode %o, want %o", filepath.Base(p), got, want)
		}
	}
	check(dir, 0o700)
	check(path, 0o600)
	check(path+"-wal", 0o600)
	check(path+"-shm", 0o600)

	// A database made by an older version, readable by everyone, is
	// narrowed when opened.
	old := filepath.Join(t.TempDir(), "old.db")
	d2 := openDB(t, old, Options{})
	d2.Close()
	for _, p := range []string{old, old + "-wal", old + "-shm"} {
		os.Chmod(p, 0o644)
	}
	openDB(t, old, Options{})
	check(old, 0o600)
	check(old+"-wal", 0o600)
}

// A database that cannot be written is refused at open, naming the cause.
func TestOpenRefusesReadOnly(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root for chattr +i (root ignores mode bits)")
	}
	if _, err := exec.LookPath("chattr"); err != nil {
		t.Skip("no chattr")
	}
	path := filepath.Join(t.TempDir(), "ro.db")
	d := openDB(t, path, Options{})
	d.Close()
	if out, err := exec.Command("chattr", "+i", path).CombinedOutput(); err != nil {
		t.Skipf("chattr +i: %v %s (filesystem without immutable files)", err, out)
	}
	t.Cleanup(func() { exec.Command("chattr", "-i", path).Run() })
	_, err := Open(context.Background(), path)
	if err == nil {
		t.Fatal("opened an immutable database")
	}
	if f := FaultOf(err); f == nil || f.Kind != FaultReadOnly {
		t.Fatalf("fault = %+v, want read-only (err %v)", f, err)
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("message %q should name the file and the cause", err)
	}
}

// A full database (max_page_count stands in for a full disk) is a storage
// fault, and writes work again once there is room.
func TestFaultFull(t *testing.T) {
	d := openDB(t, filepath.Join(t.TempDir(), "full.db"), Options{})
	if _, err := d.Write.Exec(`CREATE TABLE filler (b BLOB)`); err != nil {
		t.Fatal(err)
	}
	n := pragma(t, d.Write, "page_count")
	if _, err := d.Write.Exec(`PRAGMA max_page_count = ` + itoa(n+2)); err != nil {
		t.Fatal(err)
	}
	_, err := d.Write.Exec(`INSERT INTO filler VALUES (randomblob(100000))`)
	f := FaultOf(err)
	if f == nil || f.Kind != FaultFull || f.Message != "The database disk is full" {
		t.Fatalf("fault of %v = %+v, want full", err, f)
	}
	if _, err := d.Write.Exec(`PRAGMA max_page_count = 1000000`); err != nil {
		t.Fatal(err)
	}
	if err := d.ProbeWrite(context.Background()); err != nil {
		t.Fatalf("probe after space returned: %v", err)
	}
}

func TestFaultOf(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want FaultKind
	}{
		{nil, ""},
		{errors.New("UNIQUE constraint failed: pets.id"), ""},
		{errors.New("database is locked (5) (SQLITE_BUSY)"), ""},
		{&os.PathError{Op: "open", Path: "x", Err: errNoSpace}, FaultFull},
		{errors.New("commit: disk I/O error (1546)"), FaultIO},
		{errors.New("unable to open database file: out of memory (14)"), FaultCantOpen},
	} {
		var got FaultKind
		if f := FaultOf(tc.err); f != nil {
			got = f.Kind
		}
		if got != tc.want {
			t.Errorf("FaultOf(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

func TestCheckpointTruncatesWAL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.db")
	d := openDB(t, path, Options{Sync: SyncNormal})
	if _, err := d.Write.Exec(`CREATE TABLE filler (b BLOB)`); err != nil {
		t.Fatal(err)
	}
	for range 20 {
		if _, err := d.Write.Exec(`INSERT INTO filler VALUES (randomblob(50000))`); err != nil {
			t.Fatal(err)
		}
	}
	if fi, _ := os.Stat(path + "-wal"); fi == nil || fi.Size() == 0 {
		t.Fatal("expected a WAL after writes")
	}
	if err := d.Checkpoint(context.Background()); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path + "-wal"); fi != nil && fi.Size() != 0 {
		t.Errorf("WAL is %d bytes after a truncating checkpoint", fi.Size())
	}
}

var errNoSpace = syscall.ENOSPC

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A database a newer Petstore has migrated is refused at open (after a
// rollback to an older binary), saying what to do; its data is untouched.
func TestOpenRefusesANewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "n.db")
	d, err := OpenWith(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	next := LatestVersion() + 1
	if _, err := d.Write.Exec(`INSERT INTO schema_migrations (version, name) VALUES (?, 'from_the_future.sql')`, next); err != nil {
		t.Fatal(err)
	}
	d.Close()
	_, err = OpenWith(context.Background(), path, Options{})
	if !errors.Is(err, ErrNewerSchema) || !strings.Contains(err.Error(), "restore a backup made before the upgrade") {
		t.Fatalf("open: %v, want ErrNewerSchema saying what to do", err)
	}
	info, err := CheckFile(context.Background(), path)
	if info.Version != next {
		t.Fatalf("the refused database now reads as version %d (%v)", info.Version, err)
	}
}

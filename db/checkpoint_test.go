package db

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// The writer never checkpoints; the checkpointer copies the WAL into the
// database file beside it, soon after commits, so the data reaches the
// database file while the database stays open and the WAL starts over
// instead of growing.
func TestCheckpointerCopiesTheWALBesideTheWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.db")
	d := openDB(t, path, Options{Sync: SyncNormal})
	var autockpt int
	if err := d.Write.QueryRow(`PRAGMA wal_autocheckpoint`).Scan(&autockpt); err != nil || autockpt != 0 {
		t.Fatalf("the writer's wal_autocheckpoint is %d (%v), want 0", autockpt, err)
	}
	if _, err := d.Write.Exec(`CREATE TABLE filler (b BLOB)`); err != nil {
		t.Fatal(err)
	}
	size := func(p string) int64 {
		fi, err := os.Stat(p)
		if err != nil {
			return 0
		}
		return fi.Size()
	}
	before := size(path)
	const rows, blob = 400, 20000 // 8 MB, twice the automatic checkpoint's 4 MB
	for range rows {
		if _, err := d.Write.Exec(`INSERT INTO filler VALUES (randomblob(?))`, blob); err != nil {
			t.Fatal(err)
		}
		d.Committed()
	}
	deadline := time.Now().Add(10 * time.Second)
	for size(path)-before < rows*blob && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if grown := size(path) - before; grown < rows*blob {
		t.Fatalf("the database file grew %d bytes in 10 s, want the %d bytes written: the WAL was not checkpointed", grown, rows*blob)
	}
	// Once the WAL is all copied, the next write starts it over and cuts
	// it back to the journal size limit: it does not keep what was written.
	deadline = time.Now().Add(10 * time.Second)
	for size(path+"-wal") > JournalSizeLimit && time.Now().Before(deadline) {
		if _, err := d.Write.Exec(`INSERT INTO filler VALUES (randomblob(10))`); err != nil {
			t.Fatal(err)
		}
		d.Committed()
		time.Sleep(20 * time.Millisecond)
	}
	if w := size(path + "-wal"); w > JournalSizeLimit {
		t.Errorf("WAL is %d bytes 10 s after the writes, want at most %d", w, JournalSizeLimit)
	}
}

func TestFreeBytes(t *testing.T) {
	d := openDB(t, filepath.Join(t.TempDir(), "f.db"), Options{})
	if free := d.FreeBytes(); free <= 0 && runtime.GOOS == "linux" {
		t.Fatalf("FreeBytes = %d on a writable temp directory", free)
	}
}

// A writer that never pauses still gets its WAL started over: the
// checkpoint it runs between two transactions (BetweenWrites) copies the
// whole WAL, so the WAL is reused from its start instead of growing by
// every commit (appending to the file makes each fsync dearer).
func TestWALStaysBoundedUnderUnbrokenWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.db")
	d := openDB(t, path, Options{Sync: SyncNormal})
	if _, err := d.Write.Exec(`CREATE TABLE filler (b BLOB)`); err != nil {
		t.Fatal(err)
	}
	const rows, blob = 2000, 10000 // 20 MB through the WAL
	var most int64
	for range rows {
		d.BetweenWrites()
		if _, err := d.Write.Exec(`INSERT INTO filler VALUES (randomblob(?))`, blob); err != nil {
			t.Fatal(err)
		}
		d.Committed()
		if fi, err := os.Stat(path + "-wal"); err == nil {
			most = max(most, fi.Size())
		}
	}
	if most > JournalSizeLimit+1<<20 {
		t.Errorf("the WAL grew to %d bytes for %d written without a pause, want at most %d", most, rows*blob, JournalSizeLimit+1<<20)
	}
}

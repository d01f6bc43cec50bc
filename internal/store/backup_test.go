package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

func TestBackupWhileWritingThenRestore(t *testing.T) {
	dir := t.TempDir()
	s := storetest.OpenAt(t, filepath.Join(dir, "live.db"), store.Options{})
	if storetest.Postgres() {
		// On PostgreSQL a backup is pg_dump's work, and says so.
		if _, err := s.Backup(context.Background(), filepath.Join(dir, "b.db")); !errors.Is(err, store.ErrPostgresBackup) ||
			!strings.Contains(err.Error(), "pg_dump") {
			t.Fatalf("backup on PostgreSQL: %v", err)
		}
		return
	}
	var created atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := s.CreatePet(ctx, origin, fields("Busy", shelter.SpeciesCat, 1)); err != nil {
					t.Error(err)
					return
				}
				created.Add(1)
			}
		}()
	}
	for created.Load() < 50 {
		time.Sleep(time.Millisecond)
	}
	dst := filepath.Join(dir, "backups", "b1.db")
	info, err := s.Backup(ctx, dst)
	atBackup := created.Load()
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dst)
	// A create may have committed before its goroutine counts it: up to
	// one per writer more than the count.
	if err != nil || fi.Mode().Perm() != 0o600 || info.Pets < 50 || int64(info.Pets) > atBackup+4 {
		t.Fatalf("backup %+v: %v %v (created %d by its end)", info, fi.Mode(), err, atBackup)
	}
	if _, err := os.Stat(dst + ".partial"); !os.IsNotExist(err) {
		t.Errorf("a partial file is left: %v", err)
	}
	if _, err := s.Backup(ctx, dst); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("a second backup to the same name: %v", err)
	}

	// Restore into a fresh directory: every pet of the backup is there.
	fresh := filepath.Join(t.TempDir(), "data", "petstore.db")
	got, kept, err := store.Restore(ctx, dst, fresh)
	if err != nil || kept != "" || got.Pets != info.Pets {
		t.Fatalf("restore: %+v %q %v", got, kept, err)
	}
	if left, _ := filepath.Glob(fresh + ".restoring*"); len(left) > 0 {
		t.Errorf("the restore left %q behind", left)
	}
	// A source in WAL mode (a database file itself, not a backup's copy):
	// reading it makes a -wal and -shm, which must not stay behind.
	walSrc := filepath.Join(t.TempDir(), "live.db")
	ws := storetest.OpenAt(t, walSrc, store.Options{})
	if _, err := ws.CreatePet(ctx, origin, fields("Wal", shelter.SpeciesCat, 2)); err != nil {
		t.Fatal(err)
	}
	ws.Close()
	walDst := filepath.Join(t.TempDir(), "petstore.db")
	if _, _, err := store.Restore(ctx, walSrc, walDst); err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(walDst + ".restoring*"); len(left) > 0 {
		t.Errorf("the restore of a WAL-mode file left %q behind", left)
	}
	r := storetest.OpenAt(t, fresh, store.Options{})
	n := 0
	if err := r.EachPet(ctx, shelter.PetFilter{}, func(*shelter.Pet) error { n++; return nil }); err != nil || n != info.Pets {
		t.Errorf("restored %d pets (%v), the backup has %d", n, err, info.Pets)
	}

	// Restoring over an existing database keeps it aside.
	got, kept, err = store.Restore(ctx, dst, filepath.Join(dir, "other.db"))
	if err != nil || kept != "" {
		t.Fatal(err)
	}
	_, kept, err = store.Restore(ctx, dst, filepath.Join(dir, "other.db"))
	if err != nil || !strings.Contains(kept, "other.db.before-restore-") {
		t.Errorf("kept %q: %v", kept, err)
	}
	if _, err := os.Stat(kept); err != nil {
		t.Errorf("the replaced database is gone: %v", err)
	}

	// A file that is not a database is refused, and nothing changes.
	junk := filepath.Join(dir, "junk.db")
	os.WriteFile(junk, []byte("not a database at all, just some text that is long enough"), 0o600)
	if _, _, err := store.Restore(ctx, junk, fresh); err == nil {
		t.Error("a junk file was restored")
	}
	if _, err := os.Stat(fresh + ".restoring"); !os.IsNotExist(err) {
		t.Errorf("a refused restore left %s.restoring", fresh)
	}
}

func TestPruneBackups(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 1, 1, 3, 0, 0, 0, time.UTC)
	var names []string
	for i := range 10 {
		n := store.BackupName(t0.AddDate(0, 0, i))
		names = append(names, n)
		os.WriteFile(filepath.Join(dir, n), nil, 0o600)
	}
	// Copies made by hand, some named like the scheduled ones (the
	// README's own example is petstore-manual.db): never deleted, and
	// never counted among the kept, which would push the scheduled ones
	// out (they sort before letters).
	manual := []string{"manual.db", "petstore-manual.db", "petstore-before-upgrade.db", "petstore-2026.db", store.BackupPrefix + "20260101T030000.000Z-copy.db"}
	for _, n := range manual {
		os.WriteFile(filepath.Join(dir, n), nil, 0o600)
	}
	deleted, err := store.PruneBackups(dir, 7)
	if err != nil || !slices.Equal(deleted, names[:3]) {
		t.Fatalf("deleted %q: %v", deleted, err)
	}
	left, _ := os.ReadDir(dir)
	if len(left) != 7+len(manual) {
		t.Errorf("%d files left, want the 7 newest and the %d made by hand", len(left), len(manual))
	}
	for _, n := range manual {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
}

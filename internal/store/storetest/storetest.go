// Package storetest opens a real store for a test: a SQLite file in the
// test's temp directory or, when the run is on PostgreSQL
// (PETSTORE_TEST_ENGINE=postgres, see internal/pgtest), a fresh database on
// the test binary's cluster. A package whose tests use it calls Main from
// its TestMain.
package storetest

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/petstore/petstore/internal/pgtest"
	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
)

// Open returns a Store on a new database file in t.TempDir(), closed when
// the test ends. Logs are discarded unless o.Logger is set; creates enqueue
// the feeding reminder only unless o.CreateJobs is set.
func Open(t testing.TB, o store.Options) *store.Store {
	t.Helper()
	return OpenAt(t, filepath.Join(t.TempDir(), "petstore.db"), o)
}

// OpenAt opens (or reopens) the database at path. DB_SYNC in the
// environment (full or normal, as for the server) picks the synchronous
// setting, so that benchmarks can compare the two:
// DB_SYNC=normal go test -bench Create ./web.
func OpenAt(t testing.TB, path string, o store.Options) *store.Store {
	t.Helper()
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.CreateJobs == nil {
		// Tests get the feeding reminder only, unless they ask for more:
		// no AI runner drains their enrichment jobs.
		o.CreateJobs = []string{shelter.JobFeedingReminder}
	}
	if o.Sync == "" {
		o.Sync = os.Getenv("DB_SYNC")
	}
	if pgtest.Enabled() {
		path = pgURL(t, path)
	}
	s, err := store.Open(context.Background(), path, o)
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Main runs a package's tests (see pgtest.Main): call it from TestMain.
func Main(m *testing.M) { pgtest.Main(m) }

// Postgres reports whether this run's stores are on PostgreSQL.
func Postgres() bool { return pgtest.Enabled() }

// SQLiteOnly skips a test that is about SQLite itself (its files, pragmas
// or triggers) on a PostgreSQL run, saying why.
func SQLiteOnly(t testing.TB, why string) {
	t.Helper()
	if pgtest.Enabled() {
		t.Skip("SQLite only: " + why)
	}
}

var (
	pgMu       sync.Mutex
	pgTemplate string
	pgByPath   = map[string]string{}
)

// pgURL returns the PostgreSQL database that stands for the SQLite file at
// path in this run: a new one, copied from a migrated template, the first
// time; the same one when a test reopens path.
func pgURL(t testing.TB, path string) string {
	pgMu.Lock()
	defer pgMu.Unlock()
	if u, ok := pgByPath[path]; ok {
		return u
	}
	if pgTemplate == "" {
		u := pgtest.NewDatabase(t, "")
		s, err := store.Open(context.Background(), u, store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatalf("migrate the template database: %v", err)
		}
		s.Close()
		pgTemplate = u[strings.LastIndex(u, "/")+1:]
		if i := strings.IndexByte(pgTemplate, '?'); i >= 0 {
			pgTemplate = pgTemplate[:i]
		}
	}
	u := pgtest.NewDatabase(t, pgTemplate)
	pgByPath[path] = u
	return u
}

// FailDeletes makes deletes from table fail (only those of rows matching
// cond, an SQL condition on old, when it is not empty) for the rest of the
// test, on either engine: a stand-in for a storage failure.
func FailDeletes(t testing.TB, s *store.Store, table, cond string) {
	t.Helper()
	var q string
	if pgtest.Enabled() {
		q = `CREATE OR REPLACE FUNCTION stuck() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'stuck'; END $$;
			CREATE TRIGGER stuck BEFORE DELETE ON ` + table + ` FOR EACH ROW`
		if cond != "" {
			q += ` WHEN (` + cond + `)`
		}
		q += ` EXECUTE FUNCTION stuck()`
	} else {
		q = `CREATE TEMP TRIGGER stuck BEFORE DELETE ON ` + table
		if cond != "" {
			q += ` WHEN ` + cond
		}
		q += ` BEGIN SELECT RAISE(ABORT, 'stuck'); END`
	}
	if _, err := s.DB().Write.Exec(q); err != nil {
		t.Fatal(err)
	}
}

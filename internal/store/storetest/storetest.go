// Package storetest opens a real SQLite store in a test's temp directory.
package storetest

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

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
	s, err := store.Open(context.Background(), path, o)
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

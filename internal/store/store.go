// Package store keeps pets, events and jobs in SQLite with raw SQL. Exported
// methods own their transaction; unexported helpers take the *sql.Tx.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/petstore/petstore/db"
	"github.com/petstore/petstore/internal/shelter"
)

// Options configure a Store. Zero values take the defaults.
type Options struct {
	// PurgeAfter is how long a soft-deleted pet is kept (default 720h).
	PurgeAfter time.Duration
	// CreateJobs are the job kinds every create enqueues (default: the
	// feeding reminder).
	CreateJobs []string
	// MaxAttempts is the default attempt limit of a new job (default 5).
	MaxAttempts int
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Logger receives the console lines (default slog.Default()).
	Logger *slog.Logger
}

// Store implements shelter.PetService and shelter.EventService over SQLite.
type Store struct {
	db         *db.DB
	purgeAfter time.Duration
	createJobs []string
	maxAtt     int
	now        func() time.Time
	log        *slog.Logger

	mu        sync.Mutex
	onEnqueue []func()
	onEvent   []func()
}

var (
	_ shelter.PetService   = (*Store)(nil)
	_ shelter.EventService = (*Store)(nil)
)

// New returns a Store over an open database.
func New(d *db.DB, o Options) *Store {
	s := &Store{db: d, purgeAfter: o.PurgeAfter, createJobs: o.CreateJobs, maxAtt: o.MaxAttempts, now: o.Now, log: o.Logger}
	if s.purgeAfter <= 0 {
		s.purgeAfter = 720 * time.Hour
	}
	if s.createJobs == nil {
		s.createJobs = []string{shelter.JobFeedingReminder}
	}
	if s.maxAtt <= 0 {
		s.maxAtt = 5
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	return s
}

// DB returns the underlying database.
func (s *Store) DB() *db.DB { return s.db }

// Now returns the store's clock reading in milliseconds.
func (s *Store) nowMillis() int64 { return s.now().UnixMilli() }

// OnEnqueue registers f to be called after every commit that enqueued a job,
// so that a job runner wakes at once instead of at its next poll.
func (s *Store) OnEnqueue(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onEnqueue = append(s.onEnqueue, f)
}

// OnEvent registers f to be called after every commit that appended an
// event, so that live views (the dashboard's event stream) wake at once.
// f must not block.
func (s *Store) OnEvent(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onEvent = append(s.onEvent, f)
}

func (s *Store) notify(hooks *[]func()) {
	s.mu.Lock()
	fs := *hooks
	s.mu.Unlock()
	for _, f := range fs {
		f()
	}
}

// Tx is a write transaction with work to do once it has committed.
type Tx struct {
	*sql.Tx
	s        *Store
	after    []func()
	enqueued bool
	evented  bool
}

// After runs f once the transaction has committed (log lines, wake-ups).
func (tx *Tx) After(f func()) { tx.after = append(tx.after, f) }

// InTx runs fn in a write transaction and commits it when fn returns nil.
// Work registered with After runs after the commit.
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := s.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return dbErr("begin", err)
	}
	tx := &Tx{Tx: sqlTx, s: s}
	defer sqlTx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return dbErr("commit", err)
	}
	for _, f := range tx.after {
		f()
	}
	if tx.enqueued {
		s.notify(&s.onEnqueue)
	}
	if tx.evented {
		s.notify(&s.onEvent)
	}
	return nil
}

// dbErr wraps a database failure with the operation that met it. A
// database that is closed or stays locked past busy_timeout is EUNAVAILABLE
// (the client may retry), not an internal error.
func dbErr(op string, err error) error {
	msg := err.Error()
	if errors.Is(err, sql.ErrConnDone) || strings.Contains(msg, "database is closed") ||
		strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database is locked") {
		return fmt.Errorf("%s: %w: %w", op, shelter.Errorf(shelter.EUNAVAILABLE, "Database unavailable: try again shortly"), err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.Ping(ctx) }

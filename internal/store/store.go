// Package store keeps pets, events and jobs in SQLite with raw SQL. Exported
// methods own their transaction; unexported helpers take the *txn (a caller's
// share of a group-committed *sql.Tx). No exported method takes a transaction.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime/debug"
	"slices"
	"strconv"
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
	// kinds of shelter.JobKinds marked OnCreate; an empty list: none).
	CreateJobs []string
	// MaxAttempts, when set, is the attempt limit of every new job (tests);
	// otherwise a job gets its kind's MaxAttempts, or 5.
	MaxAttempts int
	// FeedingInterval is the time from one feeding to the next for pets
	// without their own (FEEDING_INTERVAL, default 24h).
	FeedingInterval time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Logger receives the console lines (default slog.Default()).
	Logger *slog.Logger
	// Sync is the database's synchronous setting for Open (DB_SYNC): full
	// (the default) or normal.
	Sync string
	// OnBatch, when set, is told the size of each group commit (metrics).
	OnBatch func(n int)
	// Server makes Open take the database for a server: an exclusive lock
	// beside the file for the Store's lifetime (a second server is refused
	// at once with a *db.LockedError naming the holder), and, since no
	// other server can be running, the jobs a dead process left running
	// are handed back at once instead of when their lease lapses.
	// On PostgreSQL it does neither: several servers share the database,
	// so a dead server's jobs are taken over when their lease lapses.
	Server bool
}

// Store implements shelter.PetService and shelter.EventService over SQLite.
type Store struct {
	db         *db.DB
	purgeAfter time.Duration
	createJobs []string
	maxAtt     int
	// feedingInterval is the default time between feedings.
	feedingInterval time.Duration
	now             func() time.Time
	log             *slog.Logger
	onBatch         func(n int)

	mu        sync.Mutex
	onEnqueue []func()
	onEvent   []func()

	// Read statements of the hot paths, prepared once (query → *sql.Stmt).
	readStmts sync.Map
	// Write statements of the hot paths, prepared at New on the writer
	// (query → *sql.Stmt); read-only after New.
	writeStmts map[string]*sql.Stmt
	// pgSQL holds, on PostgreSQL, the statements written for it in place
	// of their SQLite forms (the queue's claims); the others are
	// translated as they reach the driver (db.Rebind).
	pgSQL map[string]string
	// stopListen ends listen's goroutine, which closes listenDone.
	stopListen func()
	listenDone chan struct{}
	// id tells this store's notifications from the other servers'.
	id string

	// The group commit's queue of callers; txLeading is true while a
	// commitLoop drains it.
	txMu      sync.Mutex
	txQueue   []*txRequest
	txLeading bool

	// fault is the storage fault that writes meet, if any (fault.go).
	fault faultState

	// tokens remembers active API tokens (tokencache.go).
	tokens tokenCache
	// profiles keeps decoded profiles by their text (profilecache.go).
	profiles profileCache
	// pets keeps pets read by id (petcache.go).
	pets petCache
	// counters are shared with the other processes on the SQLite file
	// (nil: none; PostgreSQL).
	counters *sharedCounters
}

var (
	_ shelter.PetService     = (*Store)(nil)
	_ shelter.EventService   = (*Store)(nil)
	_ shelter.FeedingService = (*Store)(nil)
)

// New returns a Store over an open database.
func New(d *db.DB, o Options) *Store {
	s := &Store{db: d, purgeAfter: o.PurgeAfter, createJobs: o.CreateJobs, maxAtt: o.MaxAttempts, now: o.Now, log: o.Logger, onBatch: o.OnBatch}
	if s.purgeAfter <= 0 {
		s.purgeAfter = 720 * time.Hour
	}
	if s.createJobs == nil {
		s.createJobs = shelter.CreateJobKinds()
	}
	if s.maxAtt < 0 {
		s.maxAtt = 0
	}
	if s.feedingInterval = o.FeedingInterval; s.feedingInterval <= 0 {
		s.feedingInterval = 24 * time.Hour
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.writeStmts = map[string]*sql.Stmt{}
	hot := []string{savepointSQL, releaseSQL, findPetSQL, findFeedingPetSQL, completeJobSQL, updateStatusSQL, setFeedingSQL, setFeedingStatusSQL, setProfileSQL, findProfilePetSQL}
	inserts := append([]string{insertPetSQL}, insertEventsSQL[1:]...)
	inserts = append(inserts, insertJobsSQL[1:]...)
	if d.Engine == db.Postgres {
		s.pgSQL = pgStatements()
		s.id = strconv.FormatInt(rand.Int64(), 36)
		s.listen()
		for i, q := range inserts {
			inserts[i] = q + returningID
		}
	}
	hot = append(hot, inserts...)
	for _, q := range append(hot, queueSQL...) {
		if st, err := d.Write.Prepare(s.q(q)); err == nil { // else execPrepared parses it each time
			s.writeStmts[q] = st
		}
	}
	return s
}

// Open opens the SQLite file at path (created and migrated as needed), or
// the PostgreSQL database when path is a postgres:// URL (DATABASE_URL),
// and returns a Store over it; Close closes the database.
func Open(ctx context.Context, path string, o Options) (*Store, error) {
	if db.IsPostgresURL(path) {
		d, err := db.OpenPostgres(ctx, path)
		if err != nil {
			return nil, err
		}
		return New(d, o), nil
	}
	d, err := db.OpenWith(ctx, path, db.Options{Sync: db.Sync(o.Sync), Exclusive: o.Server})
	if err != nil {
		return nil, err
	}
	s := New(d, o)
	s.counters = openSharedCounters(path) // nil (no token or pet cache) if it cannot be made
	s.tokens.shared, s.pets.shared = s.counters, s.counters
	if o.Server {
		if err := s.releaseOrphanedJobs(ctx); err != nil {
			d.Close()
			return nil, err
		}
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	if s.stopListen != nil {
		s.stopListen()
		<-s.listenDone
	}
	return s.db.Close()
}

// notifyChannel is the PostgreSQL channel on which a commit tells every
// server that it queued jobs ("j") or appended events ("e"): the payload
// is the sending store's id, a colon, and those letters.
const notifyChannel = "petstore"

// listen wakes this server's job runners and live views when any server's
// commit queued jobs or appended events (LISTEN/NOTIFY), and wakes both
// whenever the listening connection is (re)made, for what it may have
// missed meanwhile.
func (s *Store) listen() {
	ctx, cancel := context.WithCancel(context.Background())
	s.stopListen, s.listenDone = cancel, make(chan struct{})
	go func() {
		defer close(s.listenDone)
		s.db.Listen(ctx, notifyChannel, func(payload string) {
			from, payload, _ := strings.Cut(payload, ":")
			s.log.Debug("database notification", "from", from, "self", from == s.id, "what", payload)
			if from == s.id {
				return // this store woke its own at commit
			}
			if payload == "" || strings.Contains(payload, "j") {
				s.notify(&s.onEnqueue)
			}
			if payload == "" || strings.Contains(payload, "e") {
				s.notify(&s.onEvent)
			}
		}, func(err error) { s.log.Warn("database notifications: listening again shortly", "err", err) })
	}()
}

// defaultMaxAttempts is the attempt limit of a job whose kind sets none.
const defaultMaxAttempts = 5

// q returns query in the database's dialect: its PostgreSQL form when it
// has one of its own (see pgSQL), else query itself.
func (s *Store) q(query string) string {
	if pg, ok := s.pgSQL[query]; ok {
		return pg
	}
	return query
}

// Postgres reports whether the store is on PostgreSQL.
func (s *Store) Postgres() bool { return s.db.Engine == db.Postgres }

// DB returns the underlying database.
func (s *Store) DB() *db.DB { return s.db }

// nowMillis is the store's clock reading in milliseconds.
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

// txn is one caller's share of a write transaction, with work to do once it
// has committed.
type txn struct {
	*sql.Tx
	s        *Store
	after    []func()
	enqueued bool
	evented  bool
	// noPets is set by work that writes no pet (the queue's claims and
	// leases, a batch of jobs that found none due, a token's last use: no
	// trigger of theirs does either), so that its commit leaves the pets
	// kept by petCache in use: the job runners claim several times a
	// second even on an idle server.
	noPets bool
}

// After runs f once the transaction has committed (log lines), in the
// caller's goroutine before its inTx returns.
func (tx *txn) After(f func()) { tx.after = append(tx.after, f) }

// The statements of a caller run detached from its context's cancellation:
// SQLite answers an interrupted write inside a transaction by rolling the
// whole transaction back, which would undo the other callers committed in
// the same batch. A caller whose context has ended before its turn is not
// run at all.

// ExecContext runs a statement in the transaction.
func (tx *txn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return tx.Tx.ExecContext(context.WithoutCancel(ctx), query, args...)
}

// QueryContext runs a query in the transaction.
func (tx *txn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return tx.Tx.QueryContext(context.WithoutCancel(ctx), query, args...)
}

// QueryRowContext runs a query for one row in the transaction.
func (tx *txn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return tx.Tx.QueryRowContext(context.WithoutCancel(ctx), query, args...)
}

// StmtContext returns a prepared statement bound to the transaction; pass
// it a context that is not cancelled mid-batch (see ExecContext).
func (tx *txn) StmtContext(ctx context.Context, stmt *sql.Stmt) *sql.Stmt {
	return tx.Tx.StmtContext(context.WithoutCancel(ctx), stmt)
}

// execPrepared runs one of the hot write statements (prepared at New) in
// the transaction.
func (tx *txn) execPrepared(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st, ok := tx.s.writeStmts[query]; ok {
		return tx.StmtContext(ctx, st).ExecContext(context.WithoutCancel(ctx), args...)
	}
	return tx.ExecContext(ctx, tx.s.q(query), args...)
}

// queryRowPrepared runs a one-row query of the hot paths (prepared at New)
// in the transaction.
func (tx *txn) queryRowPrepared(ctx context.Context, query string, args ...any) *sql.Row {
	if st, ok := tx.s.writeStmts[query]; ok {
		return tx.StmtContext(ctx, st).QueryRowContext(context.WithoutCancel(ctx), args...)
	}
	return tx.QueryRowContext(ctx, tx.s.q(query), args...)
}

// returningID is what an INSERT of one row adds on PostgreSQL to read the
// new row's id (its driver has no LastInsertId).
const returningID = ` RETURNING id`

// insertPrepared runs one of the hot INSERTs (prepared at New) and returns
// the id of the last row it inserted.
func (tx *txn) insertPrepared(ctx context.Context, query string, args ...any) (int64, error) {
	if tx.s.Postgres() {
		var id int64
		err := tx.queryRowPrepared(ctx, query+returningID, args...).Scan(&id)
		return id, err
	}
	res, err := tx.execPrepared(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// insertRowsPrepared runs one of the hot INSERTs of n rows (rowsSQL) and
// returns the rows' ids in the order of their values. On SQLite the rows
// take consecutive ids (the writer holds the database, and no trigger
// adds rows to the tables written this way), so the last one gives the
// others. On PostgreSQL the ids come back with RETURNING, in no
// promised order: each row's id is taken from the sequence as the row is
// inserted, in the order of the VALUES list, so sorted they are the rows'.
func (tx *txn) insertRowsPrepared(ctx context.Context, n int, query string, args ...any) ([]int64, error) {
	ids := make([]int64, n)
	if !tx.s.Postgres() {
		last, err := tx.insertPrepared(ctx, query, args...)
		if err != nil {
			return nil, err
		}
		for i := range ids {
			ids[i] = last - int64(n-1-i)
		}
		return ids, nil
	}
	rows, err := tx.queryPrepared(ctx, query+returningID, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		if i == n {
			return nil, fmt.Errorf("insert: more than the %d rows inserted came back", n)
		}
		if err := rows.Scan(&ids[i]); err != nil {
			return nil, err
		}
		i++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if i != n {
		return nil, fmt.Errorf("insert: %d of the %d rows inserted came back", i, n)
	}
	slices.Sort(ids)
	return ids, nil
}

// rowsSQL returns, at index n (1..most), insert with n rows of values:
// insert ends with the first row's values.
func rowsSQL(insert, values string, most int) []string {
	out := make([]string, most+1)
	for n := 1; n <= most; n++ {
		out[n] = insert + strings.Repeat(", "+values, n-1)
	}
	return out
}

// queryPrepared runs a query of the hot paths (prepared at New) in the
// transaction.
func (tx *txn) queryPrepared(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st, ok := tx.s.writeStmts[query]; ok {
		return tx.StmtContext(ctx, st).QueryContext(context.WithoutCancel(ctx), args...)
	}
	return tx.QueryContext(ctx, tx.s.q(query), args...)
}

// Each caller of a batch runs under a savepoint of its own.
const (
	savepointSQL = `SAVEPOINT caller`
	releaseSQL   = `RELEASE caller`
)

// maxBatch bounds how many callers share one commit.
const maxBatch = 128

// txRequest is one caller of inTx waiting for its turn.
type txRequest struct {
	ctx  context.Context
	fn   func(tx *txn) error
	done chan error
	// after is the work fn registered with After, handed back with a nil
	// done: the caller runs it, off the single writer's path.
	after []func()
	// join marks a caller of inTxJoin, which would rather wait for another
	// caller's commit than have one of its own; due is set, under txMu,
	// once its wait is over.
	join, due bool
	// pure marks an fn that may be run again on a fresh transaction: it
	// only reads and writes through tx and sets what it returns anew
	// (inTxPure, inTxJoin).
	pure bool
}

// wait waits for the request's outcome and, once it has committed, runs
// its work registered with After (log lines) in the caller's goroutine,
// so that the writer is already on the next batch.
func (s *Store) wait(req *txRequest) error {
	return s.finish(req, <-req.done)
}

// finish is wait's second half, for an outcome already received.
func (s *Store) finish(req *txRequest, err error) error {
	if err == nil {
		for _, f := range req.after {
			f()
		}
	}
	return s.noteWrite(err)
}

// inTx runs fn in a write transaction and returns once that transaction has
// committed (nil) or fn's work was undone (fn's error, or the commit's).
// Work registered with After runs after the commit.
//
// Callers that arrive while a transaction is committing are grouped into
// the next one (group commit), each under a savepoint of its own, so one
// caller's error undoes only its own work: the single writer then pays for
// one commit per batch instead of one per caller. fn must not call inTx.
func (s *Store) inTx(ctx context.Context, fn func(tx *txn) error) error {
	return s.enter(&txRequest{ctx: ctx, fn: fn, done: make(chan error, 1)})
}

// inTxPure is inTx for an fn that may run twice: it only reads and writes
// through tx, and sets what it hands back anew each time. A batch of such
// callers runs without a savepoint each (see commitBatch).
func (s *Store) inTxPure(ctx context.Context, fn func(tx *txn) error) error {
	return s.enter(&txRequest{ctx: ctx, fn: fn, done: make(chan error, 1), pure: true})
}

// enter queues req for the next group commit and waits for its outcome.
func (s *Store) enter(req *txRequest) error {
	if err := req.ctx.Err(); err != nil {
		return err
	}
	s.txMu.Lock()
	s.txQueue = append(s.txQueue, req)
	lead := !s.txLeading
	s.txLeading = true
	s.txMu.Unlock()
	if lead {
		// The queue was empty, so req is first in it: commit this batch
		// here, without a goroutine switch, and hand what arrived meanwhile
		// to a goroutine of its own.
		if s.commitNext() {
			go s.commitLoop()
		}
	}
	return s.wait(req)
}

// inTxJoin is inTxPure for work that may wait a little for its commit (a
// batch of background jobs): when no commit is under way it waits up to
// wait for another caller to lead one and joins it, so that the jobs share
// the next request's commit instead of paying for one of their own; only
// if none comes does it commit alone. Like inTxPure's, fn may run twice.
func (s *Store) inTxJoin(ctx context.Context, wait time.Duration, fn func(tx *txn) error) error {
	return s.join(ctx, wait, &txRequest{ctx: ctx, fn: fn, done: make(chan error, 1), join: true, pure: true})
}

// join queues req to join another caller's commit, or to lead its own
// once wait is over.
func (s *Store) join(ctx context.Context, wait time.Duration, req *txRequest) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.txMu.Lock()
	s.txQueue = append(s.txQueue, req)
	s.txMu.Unlock()
	t := time.NewTimer(wait)
	select {
	case err := <-req.done:
		t.Stop()
		return s.finish(req, err)
	case <-t.C:
	}
	s.txMu.Lock()
	req.due = true // a leader now commits it, not waiting for another
	lead := !s.txLeading && len(s.txQueue) > 0
	s.txLeading = s.txLeading || lead
	s.txMu.Unlock()
	if lead && s.commitNext() {
		go s.commitLoop()
	}
	return s.wait(req)
}

// commitLoop commits batches of waiting callers until none is left.
func (s *Store) commitLoop() {
	for s.commitNext() {
	}
}

// commitNext commits the next batch of waiting callers. It reports whether
// more are waiting; when none is, the caller's turn as leader ends.
func (s *Store) commitNext() bool {
	s.db.BetweenWrites()
	s.txMu.Lock()
	n := min(len(s.txQueue), maxBatch)
	batch := s.txQueue[:n:n]
	s.txQueue = s.txQueue[n:]
	s.txMu.Unlock()
	if n > 0 {
		s.commitBatch(batch)
	}
	s.txMu.Lock()
	defer s.txMu.Unlock()
	if len(s.txQueue) == 0 {
		s.txQueue = nil
		s.txLeading = false
		return false
	}
	for _, r := range s.txQueue {
		if !r.join || r.due {
			return true
		}
	}
	// Only job batches still willing to wait: typically those the commit
	// just made woke. They join the next request's commit, or lead one of
	// their own when their wait is over, instead of costing a commit (and
	// an fsync) now that the next request would wait behind.
	s.txLeading = false
	return false
}

// commitBatch runs each caller under a savepoint and commits once.
func (s *Store) commitBatch(batch []*txRequest) {
	if s.onBatch != nil {
		s.onBatch(len(batch))
	}
	ctx := context.Background()
	fail := func(err error) {
		for _, r := range batch {
			r.done <- err
		}
	}
	sqlTx, err := s.begin(ctx)
	if err != nil {
		fail(dbErr("begin", err))
		return
	}
	defer func() { sqlTx.Rollback() }() // the last one begun
	txs := make([]*txn, len(batch))
	errs := make([]error, len(batch))
	ran := false
	if len(batch) > 1 && !slices.ContainsFunc(batch, func(r *txRequest) bool { return !r.pure }) {
		// Callers that may run twice run without a savepoint each (a
		// savepoint costs two statements and a copy of each page it
		// first touches). If one fails, its work cannot be undone alone:
		// the transaction is rolled back and every caller runs again,
		// each under its savepoint.
		if ran = s.runPure(sqlTx, batch, txs, errs); !ran {
			sqlTx.Rollback()
			if sqlTx, err = s.begin(ctx); err != nil {
				fail(dbErr("begin", err))
				return
			}
			clear(txs)
			clear(errs)
		}
	}
	for i, r := range batch {
		if ran { // the pure callers above did it all
			break
		}
		if err := r.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		tx := &txn{Tx: sqlTx, s: s}
		if len(batch) == 1 { // alone: the transaction is its savepoint
			if errs[i] = runFn(r.fn, tx); errs[i] != nil {
				r.done <- errs[i]
				return
			}
			txs[i] = tx
			continue
		}
		if _, err := tx.execPrepared(ctx, savepointSQL); err != nil {
			fail(dbErr("savepoint", err))
			return
		}
		errs[i] = runFn(r.fn, tx)
		var err error
		if errs[i] != nil {
			_, err = sqlTx.ExecContext(ctx, `ROLLBACK TO caller; RELEASE caller`)
		} else {
			txs[i] = tx
			_, err = tx.execPrepared(ctx, releaseSQL)
		}
		if err != nil {
			fail(dbErr("savepoint", err))
			return
		}
	}
	if s.Postgres() {
		// Tell the other servers' listeners at commit (see listen).
		var jobs, events bool
		for _, tx := range txs {
			jobs = jobs || tx != nil && tx.enqueued
			events = events || tx != nil && tx.evented
		}
		if jobs || events {
			payload := s.id + ":"
			if jobs {
				payload += "j"
			}
			if events {
				payload += "e"
			}
			if _, err := sqlTx.ExecContext(ctx, `SELECT pg_notify('`+notifyChannel+`', ?)`, payload); err != nil {
				fail(dbErr("notify", err))
				return
			}
		}
	}
	err = sqlTx.Commit()
	if s.counters != nil && slices.ContainsFunc(txs, func(tx *txn) bool { return tx != nil && !tx.noPets }) {
		s.counters.addCommit() // before anyone hears of it: see petCache
		s.pets.forget()
	}
	if err != nil {
		fail(dbErr("commit", err))
		return
	}
	s.db.Committed()
	var enqueued, evented bool
	for i, r := range batch {
		if tx := txs[i]; tx != nil {
			r.after = tx.after
			enqueued, evented = enqueued || tx.enqueued, evented || tx.evented
		}
		r.done <- errs[i]
	}
	if enqueued {
		s.notify(&s.onEnqueue)
	}
	if evented {
		s.notify(&s.onEvent)
	}
}

// runPure runs a batch of pure callers in sqlTx without savepoints, and
// reports whether every caller whose context is alive succeeded; txs and
// errs are filled as commitBatch's savepoint path fills them.
func (s *Store) runPure(sqlTx *sql.Tx, batch []*txRequest, txs []*txn, errs []error) bool {
	for i, r := range batch {
		if errs[i] = r.ctx.Err(); errs[i] != nil {
			continue // not run: nothing of it to undo
		}
		tx := &txn{Tx: sqlTx, s: s}
		if errs[i] = runFn(r.fn, tx); errs[i] != nil {
			return false
		}
		txs[i] = tx
	}
	return true
}

// runFn runs one caller's work, turning a panic into its error so that the
// other callers of the batch still get their answer.
func runFn(fn func(tx *txn) error, tx *txn) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic in transaction: %v\n%s", p, debug.Stack())
		}
	}()
	return fn(tx)
}

// writeLockKey is the advisory lock every write transaction on PostgreSQL
// takes first and holds until it ends (see begin).
const writeLockKey = 0x7065747375 // "petsu"

// begin begins a batch's write transaction. On PostgreSQL it first takes
// the transaction-scoped advisory lock writeLockKey, so that the servers'
// write transactions run one at a time: an event's id is taken at its
// INSERT, and ids must become visible in their order, or a reader
// following the log by id (the live views, GET /api/events?after=) that
// saw a later id first would never see the earlier one. Taken before any
// row lock, it cannot deadlock with them; each server already writes
// through one transaction at a time, so what is lost is only two servers
// writing at the same moment. On SQLite the database lock does this.
func (s *Store) begin(ctx context.Context) (*sql.Tx, error) {
	tx, err := s.db.Write.BeginTx(ctx, nil)
	if err != nil || !s.Postgres() {
		return tx, err
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(`+strconv.Itoa(writeLockKey)+`)`); err != nil {
		tx.Rollback()
		return nil, err
	}
	return tx, nil
}

// queryRowPrepared runs a one-row query of a hot path (a pet by id, a
// session, a token) on the read pool through a statement prepared once:
// parsing the SQL again costs as much as running it.
func (s *Store) queryRowPrepared(ctx context.Context, query string, args ...any) *sql.Row {
	if st, ok := s.readStmts.Load(query); ok {
		return st.(*sql.Stmt).QueryRowContext(ctx, args...)
	}
	st, err := s.db.Read.PrepareContext(ctx, s.q(query))
	if err != nil {
		return s.db.Read.QueryRowContext(ctx, s.q(query), args...) // the error surfaces at Scan
	}
	if prev, loaded := s.readStmts.LoadOrStore(query, st); loaded {
		st.Close()
		st = prev.(*sql.Stmt)
	}
	return st.QueryRowContext(ctx, args...)
}

// dbErr wraps a database failure with the operation that met it. A
// database that is closed or stays locked past busy_timeout, or a storage
// fault (a full disk, a read-only file: see db.FaultOf), is EUNAVAILABLE
// (the client may retry), not an internal error.
func dbErr(op string, err error) error {
	if f := db.FaultOf(err); f != nil {
		return fmt.Errorf("%s: %w", op, storageErr(err))
	}
	msg := err.Error()
	if errors.Is(err, sql.ErrConnDone) || strings.Contains(msg, "database is closed") || db.Transient(err) ||
		strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database is locked") {
		return fmt.Errorf("%s: %w: %w", op, shelter.Errorf(shelter.EUNAVAILABLE, "Database unavailable: try again shortly"), err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"runtime/debug"
	"sort"
	"sync"
	"time"

	"github.com/petstore/petstore/internal/shelter"
)

// TestDelayEnv names the test-only environment variable that makes the
// runner wait this long (a Go duration) before each attempt, so that a
// crash test can kill the process while jobs are still pending.
const TestDelayEnv = "PETSTORE_TEST_JOB_DELAY"

// Options configure a Runner. Zero values take the defaults.
type Options struct {
	// Workers is how many jobs run at once (default 4).
	Workers int
	// Lease is how long a claimed job stays claimed without news from its
	// worker; it is extended every Lease/3 while the worker runs (default
	// 30s). A job whose lease lapsed is claimed again.
	Lease time.Duration
	// Poll is the safety-net interval at which the runner looks for due
	// jobs without being woken (default 1s).
	Poll time.Duration
	// ShutdownTimeout is how long running jobs may take to finish once the
	// runner is stopped (default 10s); what is left is released.
	ShutdownTimeout time.Duration
	// BackoffBase and BackoffMax shape the retry delay: BackoffBase·2^(n-1)
	// after the n-th failed attempt, with jitter, at most BackoffMax
	// (defaults 1s and 1h).
	BackoffBase time.Duration
	BackoffMax  time.Duration
	// StorageRetry is the least delay before a job whose attempt met an
	// unavailable database runs again, without using an attempt
	// (default 2s).
	StorageRetry time.Duration
	// Linger is how long the runner of batch workers waits, once a commit
	// that queued jobs woke it, before doing its batches: the jobs of the
	// requests committed meanwhile then share one batch (one claim, one
	// share of a commit) instead of one batch each (default 10ms; negative:
	// none). A backlog is worked without waiting.
	Linger time.Duration
	// Delay is waited before each attempt (test only; default from
	// PETSTORE_TEST_JOB_DELAY).
	Delay time.Duration
	// Logger receives the runner's lines (default slog.Default()).
	Logger *slog.Logger
	// Observe, when set, is told each finished attempt: its kind, its
	// outcome (done, retry, failed, interrupted) and how long it took
	// (the metrics).
	Observe func(kind, outcome string, d time.Duration)
}

// Queue is the durable job queue as the runner needs it (the store
// implements it). Each method owns its transaction.
type Queue interface {
	// ClaimJobs records the outcomes of finished attempts and claims up to
	// limit due jobs of the kinds in maxAttempts (a kind's value, when not
	// 0, is the attempt limit of the jobs it claims), under a lease.
	ClaimJobs(ctx context.Context, outcomes []shelter.JobOutcome, maxAttempts map[string]int, limit int, lease time.Duration) ([]*shelter.Job, error)
	// RecordJobOutcomes records finished attempts.
	RecordJobOutcomes(ctx context.Context, outcomes []shelter.JobOutcome) error
	// ExtendJobLeases pushes the leases of running jobs to now+lease.
	ExtendJobLeases(ctx context.Context, ids []int64, lease time.Duration) error
	// ReleaseJobs puts running jobs back in the queue; the interrupted
	// attempt does not count.
	ReleaseJobs(ctx context.Context, jobs []shelter.JobOutcome) error
	// NextJobRunAt returns when the earliest queued job of the kinds is
	// due, and false when none is queued.
	NextJobRunAt(ctx context.Context, kinds []string) (time.Time, bool, error)
	// OnEnqueue registers f to be called after every commit that enqueued
	// a job.
	OnEnqueue(f func())
}

// Runner claims due jobs from the store's queue and runs them on a fixed
// number of worker goroutines. One goroutine (the loop) owns every write
// the queue makes: it records finished attempts and claims new jobs in one
// short transaction, and extends the leases of running jobs; workers never
// hold a transaction of the queue while they work.
type Runner struct {
	q        Queue
	o        Options
	log      *slog.Logger
	workers  map[string]Worker
	kinds    map[string]int // kind → attempt limit (0: the job's own)
	kindList []string
	wake     chan struct{}
	// batch are the kinds whose jobs WorkBatch does; unbatched those of
	// them taken one by one since a batch failed.
	batch     map[string]BatchWorker
	unbatched map[string]bool

	// dbLog throttles the lines of an unavailable database (logDBError).
	dbLog struct {
		sync.Mutex
		last       time.Time
		suppressed int
	}
}

// unavailableLogEvery is how often the runner repeats that the database is
// unavailable while it stays so.
const unavailableLogEvery = time.Minute

// logDBError logs a failure of the queue's database work. While the
// database is unavailable (a storage fault, which the store logs and
// names itself, or a database that stays busy) the line is written at
// most once a minute, with the count of the failures it stands for,
// instead of at every retry.
func (r *Runner) logDBError(msg string, err error, attrs ...any) {
	if shelter.ErrorCode(err) != shelter.EUNAVAILABLE {
		r.log.Error(msg, append([]any{"err", err}, attrs...)...)
		return
	}
	r.dbLog.Lock()
	defer r.dbLog.Unlock()
	now := time.Now()
	if !r.dbLog.last.IsZero() && now.Sub(r.dbLog.last) < unavailableLogEvery {
		r.dbLog.suppressed++
		return
	}
	r.log.Error(msg, append([]any{"err", err, "failuresSinceLastLine", r.dbLog.suppressed}, attrs...)...)
	r.dbLog.last, r.dbLog.suppressed = now, 0
}

// batchSize is the most jobs one WorkBatch does: enough to share one
// commit among many, small enough to keep the writer's turn short.
const batchSize = 100

// defaultLinger is Options.Linger's default: short beside the time a pet
// takes to reach quarantine as staff see it, long enough that at a few
// hundred creates a second each batch takes several pets.
const defaultLinger = 10 * time.Millisecond

// NewRunner returns a runner of the given workers, one per kind. It
// registers itself with the queue so that every commit that enqueues a job
// wakes it at once.
func NewRunner(q Queue, o Options, workers ...Worker) (*Runner, error) {
	if o.Workers <= 0 {
		o.Workers = 4
	}
	if o.Lease <= 0 {
		o.Lease = 30 * time.Second
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = 10 * time.Second
	}
	if o.BackoffBase <= 0 {
		o.BackoffBase = time.Second
	}
	if o.BackoffMax <= 0 {
		o.BackoffMax = time.Hour
	}
	if o.Linger == 0 {
		o.Linger = defaultLinger
	}
	if o.StorageRetry <= 0 {
		o.StorageRetry = 2 * time.Second
	}
	if o.Delay == 0 {
		if v := os.Getenv(TestDelayEnv); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				return nil, fmt.Errorf("%s=%q: must be a duration such as 50ms", TestDelayEnv, v)
			}
			o.Delay = d
		}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	r := &Runner{q: q, o: o, log: o.Logger, workers: map[string]Worker{}, kinds: map[string]int{}, wake: make(chan struct{}, 1),
		batch: map[string]BatchWorker{}, unbatched: map[string]bool{}}
	for _, w := range workers {
		k := w.Kind()
		if _, dup := r.workers[k]; dup {
			return nil, fmt.Errorf("jobs: two workers of kind %q", k)
		}
		r.workers[k] = w
		r.kinds[k] = 0
		if m, ok := w.(MaxAttempter); ok && m.MaxAttempts() > 0 {
			r.kinds[k] = m.MaxAttempts()
		}
		r.kindList = append(r.kindList, k)
		if b, ok := w.(BatchWorker); ok && b.Batching() && o.Delay == 0 {
			r.batch[k] = b
		}
	}
	sort.Strings(r.kindList)
	q.OnEnqueue(r.Wake)
	return r, nil
}

// Wake makes the runner look for due jobs now. It never blocks.
func (r *Runner) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// result is what a worker reports of a job it was handed: the outcome of
// its attempt, or skipped when the runner was stopping before it began.
type result struct {
	out     shelter.JobOutcome
	skipped bool
}

// Run claims and runs jobs until ctx is done, then shuts down gracefully:
// it stops claiming, lets running jobs finish for up to ShutdownTimeout,
// records their outcomes and releases the jobs still running so they run
// at the next start. It returns once that is done.
func (r *Runner) Run(ctx context.Context) error {
	if len(r.workers) == 0 {
		<-ctx.Done()
		return nil
	}
	// Workers run under workCtx, which outlives ctx by the shutdown
	// timeout.
	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()

	todo := make(chan *shelter.Job, r.o.Workers)
	results := make(chan result, r.o.Workers)
	go func() {
		done := make(chan struct{})
		for range r.o.Workers {
			go func() {
				defer func() { done <- struct{}{} }()
				for j := range todo {
					if ctx.Err() != nil { // stopping: do not begin new work
						results <- result{out: shelter.JobOutcome{ID: j.ID, Attempt: j.Attempts}, skipped: true}
						continue
					}
					results <- result{out: r.attempt(workCtx, j)}
				}
			}()
		}
		for range r.o.Workers {
			<-done
		}
		close(results)
	}()

	inflight := map[int64]*shelter.Job{}
	var pending []shelter.JobOutcome // finished, not yet recorded
	heartbeat := time.NewTicker(max(r.o.Lease/3, time.Millisecond))
	defer heartbeat.Stop()
	timer := time.NewTimer(0) // the first look is immediate
	defer timer.Stop()
	// linger runs while a wake-up waits for more commits to queue jobs
	// (Options.Linger); lingering is true meanwhile.
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	defer linger.Stop()
	lingering := false
	var lastClaim time.Time // the last ClaimJobs
	dbBackoff := time.Duration(0)

	for {
		select {
		case <-ctx.Done():
			close(todo)
			return r.shutdown(inflight, pending, results, cancelWork)
		case res := <-results:
			pending = append(pending, res.out)
			delete(inflight, res.out.ID)
			pending = drain(results, pending, inflight)
		case <-r.wake:
			if len(r.batch) > 0 && r.o.Linger > 0 {
				if !lingering {
					lingering = true
					resetTimer(linger, r.o.Linger)
				}
				continue
			}
		case <-linger.C:
			lingering = false
		case <-timer.C:
		case <-heartbeat.C:
			if err := r.q.ExtendJobLeases(ctx, ids(inflight), r.o.Lease); err != nil && ctx.Err() == nil {
				r.logDBError("❌ extend job leases", err)
			}
			continue
		}
		if ctx.Err() != nil {
			continue // the next turn shuts down
		}
		more := r.runBatches(ctx)
		free := r.o.Workers - len(inflight)
		kinds := r.claimKinds()
		if len(pending) == 0 && (free == 0 || len(kinds) == 0) {
			if more {
				resetTimer(timer, 0)
			} else if free > 0 {
				resetTimer(timer, r.untilNext(ctx))
			}
			continue
		}
		if len(pending) == 0 && time.Since(lastClaim) < r.o.Poll && !r.claimDue(ctx, kinds) {
			// Nothing to record and none of the claimed kinds queued and
			// due (the wake-up was for the batches' jobs): a claim would
			// cost the single writer a turn for nothing. Lapsed leases
			// are looked for at least once a poll.
			if more {
				resetTimer(timer, 0)
			} else {
				resetTimer(timer, r.untilNext(ctx))
			}
			continue
		}
		lastClaim = time.Now()
		claimed, err := r.q.ClaimJobs(ctx, pending, kinds, free, r.o.Lease)
		if err != nil {
			if ctx.Err() != nil {
				continue
			}
			dbBackoff = min(max(2*dbBackoff, 50*time.Millisecond), r.o.Poll)
			r.logDBError("❌ claim jobs", err, "retryIn", dbBackoff)
			resetTimer(timer, dbBackoff)
			continue
		}
		dbBackoff = 0
		pending = pending[:0]
		for _, j := range claimed {
			inflight[j.ID] = j
			todo <- j // never blocks: at most Workers jobs are in flight
		}
		r.rebatch(claimed)
		if more {
			resetTimer(timer, 0)
		} else if len(claimed) < free {
			// The queue has nothing more due: sleep until the next queued
			// job is due, a wake-up, or the poll.
			resetTimer(timer, r.untilNext(ctx))
		} else {
			resetTimer(timer, r.o.Poll)
		}
	}
}

// runBatches lets each batch worker do a batch of its due jobs, and
// reports whether more may be due (a full batch, or a failed one whose
// jobs are now to be claimed one by one).
func (r *Runner) runBatches(ctx context.Context) (more bool) {
	for _, k := range r.kindList {
		b, ok := r.batch[k]
		if !ok || r.unbatched[k] {
			continue
		}
		start := time.Now()
		n, err := b.WorkBatch(ctx, batchSize)
		if err == nil && n > 0 && r.o.Observe != nil {
			each := time.Since(start) / time.Duration(n) // a batch's jobs share its time
			for range n {
				r.o.Observe(k, "done", each)
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				return false
			}
			r.log.Warn("⚠️ Job batch failed: taking its jobs one by one", "kind", k, "err", err)
			r.unbatched[k] = true
			more = true
			continue
		}
		more = more || n == batchSize
	}
	return more
}

// claimDue reports whether a queued job of kinds may be due now: a read,
// off the single writer. When it cannot tell, it says yes.
func (r *Runner) claimDue(ctx context.Context, kinds map[string]int) bool {
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	at, ok, err := r.q.NextJobRunAt(ctx, names)
	return err != nil || ok && !at.After(time.Now())
}

// claimKinds are the kinds ClaimJobs claims: all but those done in
// batches.
func (r *Runner) claimKinds() map[string]int {
	if len(r.batch) == 0 {
		return r.kinds
	}
	out := make(map[string]int, len(r.kinds))
	for k, n := range r.kinds {
		if _, ok := r.batch[k]; !ok || r.unbatched[k] {
			out[k] = n
		}
	}
	return out
}

// rebatch goes back to batches for a kind taken one by one once a claim
// finds none of its jobs due.
func (r *Runner) rebatch(claimed []*shelter.Job) {
	for k := range r.unbatched {
		found := false
		for _, j := range claimed {
			found = found || j.Kind == k
		}
		if !found {
			delete(r.unbatched, k)
		}
	}
}

// drain adds every outcome already waiting, without blocking. Before
// shutdown no result is skipped.
func drain(results chan result, pending []shelter.JobOutcome, inflight map[int64]*shelter.Job) []shelter.JobOutcome {
	for {
		select {
		case res := <-results:
			pending = append(pending, res.out)
			delete(inflight, res.out.ID)
		default:
			return pending
		}
	}
}

func (r *Runner) untilNext(ctx context.Context) time.Duration {
	at, ok, err := r.q.NextJobRunAt(ctx, r.kindList)
	if err != nil || !ok {
		return r.o.Poll
	}
	least := time.Millisecond
	if len(r.batch) > 0 {
		// The batches' jobs queued by commits come with a wake-up, which
		// lingers: jobs found due now are those, and are left to it.
		least = max(least, r.o.Linger)
	}
	return min(max(time.Until(at), least), r.o.Poll)
}

func resetTimer(t *time.Timer, d time.Duration) {
	t.Stop()
	select {
	case <-t.C:
	default:
	}
	t.Reset(d)
}

func ids(m map[int64]*shelter.Job) []int64 {
	out := make([]int64, 0, len(m))
	for id := range m {
		out = append(out, id)
	}
	return out
}

// shutdown waits for the running jobs up to the timeout, records what
// finished and releases the rest (and those handed out but not begun).
func (r *Runner) shutdown(inflight map[int64]*shelter.Job, pending []shelter.JobOutcome, results chan result, cancelWork context.CancelFunc) error {
	ctx := context.Background()
	r.log.Info("🛑 Job runner stopping", "running", len(inflight), "timeout", r.o.ShutdownTimeout)
	deadline := time.NewTimer(r.o.ShutdownTimeout)
	defer deadline.Stop()
	heartbeat := time.NewTicker(max(r.o.Lease/3, time.Millisecond))
	defer heartbeat.Stop()
	var skipped []shelter.JobOutcome
	closed := false
wait:
	for len(inflight) > 0 {
		select {
		case res, ok := <-results:
			if !ok {
				closed = true
				break wait
			}
			delete(inflight, res.out.ID)
			if res.skipped {
				skipped = append(skipped, res.out)
			} else {
				pending = append(pending, res.out)
			}
		case <-heartbeat.C:
			if err := r.q.ExtendJobLeases(ctx, ids(inflight), r.o.Lease); err != nil {
				r.log.Error("❌ extend job leases", "err", err)
			}
		case <-deadline.C:
			break wait
		}
	}
	var errs []error
	if err := r.q.RecordJobOutcomes(ctx, pending); err != nil {
		errs = append(errs, fmt.Errorf("record job outcomes: %w", err))
	}
	cancelWork()
	left := skipped
	for _, j := range inflight {
		left = append(left, shelter.JobOutcome{ID: j.ID, Attempt: j.Attempts})
	}
	if len(left) > 0 {
		if err := r.q.ReleaseJobs(ctx, left); err != nil {
			errs = append(errs, fmt.Errorf("release jobs: %w", err))
		} else {
			r.log.Warn("⚠️ Jobs released unfinished: they run at the next start", "count", len(left))
		}
	}
	// Give cancelled workers a moment to return; what they report now no
	// longer counts (the released jobs' attempt numbers fence it off).
	grace := time.NewTimer(time.Second)
	defer grace.Stop()
	for !closed {
		select {
		case _, ok := <-results:
			closed = !ok
		case <-grace.C:
			closed = true
		}
	}
	r.log.Info("✅ Job runner stopped")
	return errors.Join(errs...)
}

// attempt runs one attempt of a job and returns its outcome. A panic is a
// failed attempt.
func (r *Runner) attempt(ctx context.Context, j *shelter.Job) (out shelter.JobOutcome) {
	out = shelter.JobOutcome{ID: j.ID, Attempt: j.Attempts}
	start := time.Now()
	w := r.workers[j.Kind]
	err := func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				r.log.Error("❌ Job panicked", "jobId", j.ID, "kind", j.Kind, "panic", p, "stack", string(debug.Stack()))
				err = fmt.Errorf("panic: %v", p)
			}
		}()
		if r.o.Delay > 0 {
			select {
			case <-time.After(r.o.Delay):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return w.Work(ctx, j)
	}()
	observe := func(outcome string) {
		if r.o.Observe != nil {
			r.o.Observe(j.Kind, outcome, time.Since(start))
		}
	}
	if err == nil {
		observe("done")
		r.log.Debug("job done", "jobId", j.ID, "kind", j.Kind, "attempt", j.Attempts, "durationMs", time.Since(start).Milliseconds())
		return out
	}
	out.Err = err.Error()
	if out.Err == "" {
		out.Err = "failed"
	}
	if ctx.Err() != nil {
		// Shutdown interrupted the attempt; the job has been released.
		observe("interrupted")
		r.log.Info("job interrupted by shutdown", "jobId", j.ID, "kind", j.Kind, "err", err)
		return out
	}
	delay := r.backoff(j.Attempts)
	var ra *RetryAfterError
	if errors.As(err, &ra) && ra.Delay > delay {
		delay = ra.Delay
	}
	if shelter.ErrorCode(err) == shelter.EUNAVAILABLE {
		// The database, not the job, failed (a storage fault the store
		// names and logs): try again later without using an attempt.
		out.Uncounted = true
		out.RetryAt = time.Now().Add(max(delay, r.o.StorageRetry))
		observe("retry")
		r.logDBError("❌ Job could not write: the database is unavailable, it runs again later", err, "jobId", j.ID, "kind", j.Kind)
		return out
	}
	out.RetryAt = time.Now().Add(delay)
	if j.Attempts >= j.MaxAttempts {
		observe("failed")
		r.log.Error("❌ Job failed for good", "jobId", j.ID, "kind", j.Kind, "petId", j.PetID, "attempts", j.Attempts, "err", err)
	} else {
		observe("retry")
		r.log.Warn("⚠️ Job attempt failed, will retry", "jobId", j.ID, "kind", j.Kind, "petId", j.PetID,
			"attempt", j.Attempts, "maxAttempts", j.MaxAttempts, "retryIn", delay.Round(time.Millisecond), "err", err)
	}
	return out
}

// backoff is the delay after the n-th failed attempt: BackoffBase·2^(n-1),
// at most BackoffMax, of which a random part up to a half is taken off
// (jitter), so that jobs failing together do not retry together.
func (r *Runner) backoff(n int) time.Duration {
	d := r.o.BackoffBase
	for i := 1; i < n && d < r.o.BackoffMax; i++ {
		d *= 2
	}
	d = min(d, r.o.BackoffMax)
	return d - time.Duration(rand.Int64N(int64(d/2)+1))
}

package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/jobs"
	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

const testKind = "test_job"

// funcWorker is a Worker of testKind that runs fn.
type funcWorker struct {
	kind string
	max  int
	fn   func(ctx context.Context, j *shelter.Job) error
}

func (w *funcWorker) Kind() string {
	if w.kind == "" {
		return testKind
	}
	return w.kind
}
func (w *funcWorker) MaxAttempts() int                               { return w.max }
func (w *funcWorker) Work(ctx context.Context, j *shelter.Job) error { return w.fn(ctx, j) }

// openStore returns a store whose creates enqueue no jobs.
func openStore(t testing.TB) *store.Store {
	t.Helper()
	return storetest.Open(t, store.Options{CreateJobs: []string{}})
}

// enqueue inserts n jobs of kind in one transaction and returns their ids.
func enqueue(t testing.TB, st *store.Store, kind string, n int) []int64 {
	t.Helper()
	js := make([]store.NewJob, n)
	for i := range n {
		js[i] = store.NewJob{Kind: kind, Args: map[string]int{"i": i}}
	}
	ids, err := st.Enqueue(context.Background(), shelter.SystemOrigin, js...)
	if err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	return ids
}

// start runs a runner until the test ends (or until the returned stop is
// called, which waits for Run to return and gives its error).
func start(t testing.TB, q jobs.Queue, o jobs.Options, ws ...jobs.Worker) (stop func() error) {
	t.Helper()
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	r, err := jobs.NewRunner(q, o, ws...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	var once sync.Once
	var runErr error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(30 * time.Second):
				runErr = errors.New("runner did not stop within 30s")
			}
		})
		return runErr
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("runner: %v", err)
		}
	})
	return stop
}

// waitJob waits until the job reaches state, and returns it.
func waitJob(t testing.TB, st *store.Store, id int64, state shelter.JobState) *shelter.Job {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		j, err := st.FindJobByID(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if j.State == state {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d is %s (attempts %d, last error %q), want %s", id, j.State, j.Attempts, j.LastError, state)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestEnqueueWakesRunnerAtOnce(t *testing.T) {
	st := openStore(t)
	var ran atomic.Int32
	// The poll is an hour: only the wake-up after commit can run the job.
	start(t, st, jobs.Options{Poll: time.Hour}, &funcWorker{fn: func(context.Context, *shelter.Job) error { ran.Add(1); return nil }})
	time.Sleep(50 * time.Millisecond) // the runner's first look finds nothing
	id := enqueue(t, st, testKind, 1)[0]
	j := waitJob(t, st, id, shelter.JobDone)
	if j.Attempts != 1 || ran.Load() != 1 || j.FinishedAt == 0 || j.LeaseUntil != 0 {
		t.Fatalf("job %+v, ran %d", j, ran.Load())
	}
}

func TestRetryWithBackoffThenDone(t *testing.T) {
	st := openStore(t)
	var mu sync.Mutex
	var times []time.Time
	base := 40 * time.Millisecond
	start(t, st, jobs.Options{BackoffBase: base, Poll: time.Hour}, &funcWorker{fn: func(_ context.Context, j *shelter.Job) error {
		mu.Lock()
		defer mu.Unlock()
		times = append(times, time.Now())
		if j.Attempts < 3 {
			return fmt.Errorf("boom %d", j.Attempts)
		}
		return nil
	}})
	id := enqueue(t, st, testKind, 1)[0]
	j := waitJob(t, st, id, shelter.JobDone)
	if j.Attempts != 3 || j.LastError != "boom 2" {
		t.Fatalf("attempts %d, last error %q; want 3 and boom 2", j.Attempts, j.LastError)
	}
	mu.Lock()
	defer mu.Unlock()
	// After attempt n the delay is base·2^(n-1), less at most half of it
	// (and the rounding of due times to whole milliseconds).
	for n, min := range []time.Duration{base / 2, base} {
		if gap := times[n+1].Sub(times[n]); gap < min-2*time.Millisecond {
			t.Errorf("attempt %d came %s after attempt %d, want at least %s", n+2, gap, n+1, min)
		}
	}
}

func TestMaxAttemptsThenFailed(t *testing.T) {
	st := openStore(t)
	var last []bool
	var mu sync.Mutex
	start(t, st, jobs.Options{BackoffBase: time.Millisecond, Poll: time.Hour}, &funcWorker{max: 3, fn: func(_ context.Context, j *shelter.Job) error {
		mu.Lock()
		last = append(last, jobs.LastAttempt(j))
		mu.Unlock()
		return fmt.Errorf("boom %d", j.Attempts)
	}})
	id := enqueue(t, st, testKind, 1)[0]
	j := waitJob(t, st, id, shelter.JobFailed)
	if j.Attempts != 3 || j.MaxAttempts != 3 || j.LastError != "boom 3" || j.FinishedAt == 0 {
		t.Fatalf("job %+v", j)
	}
	time.Sleep(50 * time.Millisecond) // no fourth attempt comes
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(last) != "[false false true]" {
		t.Fatalf("LastAttempt per attempt %v, want [false false true]", last)
	}
}

func TestDefaultMaxAttemptsIsFive(t *testing.T) {
	st := openStore(t)
	start(t, st, jobs.Options{BackoffBase: time.Millisecond, Poll: time.Hour}, &funcWorker{fn: func(context.Context, *shelter.Job) error {
		return errors.New("always")
	}})
	id := enqueue(t, st, testKind, 1)[0]
	if j := waitJob(t, st, id, shelter.JobFailed); j.Attempts != 5 {
		t.Fatalf("attempts %d, want 5", j.Attempts)
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	st := openStore(t)
	var first, second atomic.Int64
	start(t, st, jobs.Options{BackoffBase: time.Millisecond, Poll: time.Hour}, &funcWorker{fn: func(_ context.Context, j *shelter.Job) error {
		if j.Attempts == 1 {
			first.Store(time.Now().UnixNano())
			return &jobs.RetryAfterError{Delay: 300 * time.Millisecond, Err: errors.New("rate limited")}
		}
		second.Store(time.Now().UnixNano())
		return nil
	}})
	id := enqueue(t, st, testKind, 1)[0]
	waitJob(t, st, id, shelter.JobDone)
	// Due times are whole milliseconds: allow the rounding of one at each end.
	if gap := time.Duration(second.Load() - first.Load()); gap < 298*time.Millisecond {
		t.Fatalf("retried after %s, want at least 300ms (less the rounding to milliseconds)", gap)
	}
}

func TestPanicIsAFailedAttempt(t *testing.T) {
	st := openStore(t)
	start(t, st, jobs.Options{BackoffBase: time.Millisecond, Poll: time.Hour}, &funcWorker{fn: func(_ context.Context, j *shelter.Job) error {
		if j.Attempts == 1 {
			panic("handler bug")
		}
		return nil
	}})
	id := enqueue(t, st, testKind, 1)[0]
	j := waitJob(t, st, id, shelter.JobDone)
	if j.Attempts != 2 || !strings.Contains(j.LastError, "panic: handler bug") {
		t.Fatalf("attempts %d, last error %q", j.Attempts, j.LastError)
	}
}

func TestLapsedLeaseIsReclaimed(t *testing.T) {
	st := openStore(t)
	id := enqueue(t, st, testKind, 1)[0]
	// A process claims the job with a short lease and dies.
	claimed, err := st.ClaimJobs(context.Background(), nil, map[string]int{testKind: 0}, 1, time.Second)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %v, %d jobs", err, len(claimed))
	}
	var ran atomic.Int32
	start(t, st, jobs.Options{Poll: 20 * time.Millisecond}, &funcWorker{fn: func(context.Context, *shelter.Job) error { ran.Add(1); return nil }})
	time.Sleep(50 * time.Millisecond)
	if j, _ := st.FindJobByID(context.Background(), id); j.State != shelter.JobRunning || ran.Load() != 0 {
		t.Fatalf("a job with a live lease was taken: %+v", j)
	}
	j := waitJob(t, st, id, shelter.JobDone)
	if j.Attempts != 2 || ran.Load() != 1 {
		t.Fatalf("attempts %d, ran %d; want 2 and 1", j.Attempts, ran.Load())
	}
}

func TestLeaseIsExtendedWhileTheWorkerRuns(t *testing.T) {
	st := openStore(t)
	// Long enough that an extension (every third of it) commits in time
	// on a loaded machine whose disk syncs every commit (DB_SYNC=full).
	lease := 600 * time.Millisecond
	release := make(chan struct{})
	start(t, st, jobs.Options{Lease: lease, Poll: time.Hour}, &funcWorker{fn: func(ctx context.Context, j *shelter.Job) error {
		<-release
		return nil
	}})
	id := enqueue(t, st, testKind, 1)[0]
	waitJob(t, st, id, shelter.JobRunning)
	// Another process keeps trying to claim for four leases' time.
	until := time.Now().Add(4 * lease)
	for time.Now().Before(until) {
		got, err := st.ClaimJobs(context.Background(), nil, map[string]int{testKind: 0}, 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) > 0 {
			t.Fatalf("claimed a job whose worker is running: %+v", got[0])
		}
		time.Sleep(10 * time.Millisecond)
	}
	close(release)
	if j := waitJob(t, st, id, shelter.JobDone); j.Attempts != 1 {
		t.Fatalf("attempts %d, want 1", j.Attempts)
	}
}

func TestTwoRunnersNeverRunOneJobAtOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "petstore.db")
	st1 := storetest.OpenAt(t, path, store.Options{CreateJobs: []string{}})
	st2 := storetest.OpenAt(t, path, store.Options{CreateJobs: []string{}})
	const n = 300
	var mu sync.Mutex
	running := map[int64]bool{}
	runs := map[int64]int{}
	var overlaps []int64
	w := &funcWorker{fn: func(_ context.Context, j *shelter.Job) error {
		mu.Lock()
		if running[j.ID] {
			overlaps = append(overlaps, j.ID)
		}
		running[j.ID] = true
		runs[j.ID]++
		mu.Unlock()
		time.Sleep(time.Duration(j.ID%3) * time.Millisecond)
		mu.Lock()
		running[j.ID] = false
		mu.Unlock()
		return nil
	}}
	stop1 := start(t, st1, jobs.Options{Workers: 4, Poll: 10 * time.Millisecond}, w)
	stop2 := start(t, st2, jobs.Options{Workers: 4, Poll: 10 * time.Millisecond}, w)
	ids := enqueue(t, st1, testKind, n)
	for _, id := range ids {
		waitJob(t, st1, id, shelter.JobDone)
	}
	if err := errors.Join(stop1(), stop2()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(overlaps) > 0 {
		t.Fatalf("jobs run twice at once: %v", overlaps)
	}
	for _, id := range ids {
		if runs[id] != 1 {
			t.Errorf("job %d ran %d times", id, runs[id])
		}
	}
}

func TestShutdownWaitsForRunningJobs(t *testing.T) {
	st := openStore(t)
	started := make(chan struct{})
	stop := start(t, st, jobs.Options{ShutdownTimeout: 5 * time.Second, Poll: time.Hour}, &funcWorker{fn: func(ctx context.Context, j *shelter.Job) error {
		close(started)
		time.Sleep(200 * time.Millisecond)
		return nil
	}})
	id := enqueue(t, st, testKind, 1)[0]
	<-started
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if j, _ := st.FindJobByID(context.Background(), id); j.State != shelter.JobDone {
		t.Fatalf("job %s after a graceful stop, want done", j.State)
	}
}

func TestShutdownReleasesWhatIsLeft(t *testing.T) {
	st := openStore(t)
	started := make(chan struct{}, 10)
	var cancelled atomic.Int32
	stop := start(t, st, jobs.Options{Workers: 2, ShutdownTimeout: 100 * time.Millisecond, Poll: time.Hour},
		&funcWorker{fn: func(ctx context.Context, j *shelter.Job) error {
			started <- struct{}{}
			<-ctx.Done() // longer than the shutdown timeout
			cancelled.Add(1)
			return ctx.Err()
		}})
	ids := enqueue(t, st, testKind, 5)
	<-started
	<-started
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if cancelled.Load() != 2 {
		t.Errorf("%d workers saw their context cancelled, want 2", cancelled.Load())
	}
	for _, id := range ids {
		j, err := st.FindJobByID(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if j.State != shelter.JobQueued || j.LeaseUntil != 0 || j.Attempts != 0 {
			t.Errorf("job %d after shutdown: state %s, lease %d, attempts %d; want queued, 0, 0", id, j.State, j.LeaseUntil, j.Attempts)
		}
	}
	// The next start runs them.
	start(t, st, jobs.Options{Poll: time.Hour}, &funcWorker{fn: func(context.Context, *shelter.Job) error { return nil }})
	for _, id := range ids {
		waitJob(t, st, id, shelter.JobDone)
	}
}

func TestWorkerCompletingItsOwnJob(t *testing.T) {
	st := openStore(t)
	start(t, st, jobs.Options{Poll: time.Hour}, &funcWorker{fn: func(ctx context.Context, j *shelter.Job) error {
		return st.CompleteJob(ctx, j.ID)
	}})
	id := enqueue(t, st, testKind, 1)[0]
	if j := waitJob(t, st, id, shelter.JobDone); j.Attempts != 1 || j.LastError != "" {
		t.Fatalf("job %+v", j)
	}
}

func TestJobsOfUnknownKindStayQueued(t *testing.T) {
	st := openStore(t)
	start(t, st, jobs.Options{Poll: 10 * time.Millisecond}, &funcWorker{fn: func(context.Context, *shelter.Job) error { return nil }})
	other := enqueue(t, st, "other_kind", 1)[0]
	mine := enqueue(t, st, testKind, 1)[0]
	waitJob(t, st, mine, shelter.JobDone)
	time.Sleep(50 * time.Millisecond)
	if j, _ := st.FindJobByID(context.Background(), other); j.State != shelter.JobQueued {
		t.Fatalf("job of a kind with no worker is %s, want queued", j.State)
	}
}

func TestNewRunnerRejectsBadSetup(t *testing.T) {
	st := openStore(t)
	w := &funcWorker{fn: func(context.Context, *shelter.Job) error { return nil }}
	if _, err := jobs.NewRunner(st, jobs.Options{}, w, w); err == nil {
		t.Error("two workers of one kind: no error")
	}
	t.Setenv(jobs.TestDelayEnv, "soon")
	if _, err := jobs.NewRunner(st, jobs.Options{}, w); err == nil || !strings.Contains(err.Error(), jobs.TestDelayEnv) {
		t.Errorf("bad %s: err %v", jobs.TestDelayEnv, err)
	}
}

func TestTestDelaySlowsEachAttempt(t *testing.T) {
	st := openStore(t)
	t.Setenv(jobs.TestDelayEnv, "150ms")
	var ranAt atomic.Int64
	start(t, st, jobs.Options{Poll: time.Hour}, &funcWorker{fn: func(context.Context, *shelter.Job) error {
		ranAt.Store(time.Now().UnixNano())
		return nil
	}})
	t0 := time.Now()
	id := enqueue(t, st, testKind, 1)[0]
	waitJob(t, st, id, shelter.JobDone)
	if d := time.Duration(ranAt.Load() - t0.UnixNano()); d < 150*time.Millisecond {
		t.Fatalf("ran %s after enqueue, want at least the 150ms delay", d)
	}
}

// An attempt that meets an unavailable database (a storage fault) does not
// use one of the job's attempts: a fault longer than its retries does not
// fail it for good.
func TestStorageFaultUsesNoAttempt(t *testing.T) {
	st := openStore(t)
	var calls atomic.Int32
	start(t, st, jobs.Options{Poll: 20 * time.Millisecond, BackoffBase: time.Millisecond, BackoffMax: 5 * time.Millisecond,
		StorageRetry: 5 * time.Millisecond}, &funcWorker{max: 2, fn: func(context.Context, *shelter.Job) error {
		if calls.Add(1) <= 5 {
			return fmt.Errorf("commit: %w", shelter.Errorf(shelter.EUNAVAILABLE, "The database disk is full: try again later"))
		}
		return nil
	}})
	id := enqueue(t, st, testKind, 1)[0]
	j := waitJob(t, st, id, shelter.JobDone)
	if calls.Load() != 6 || j.Attempts != 1 {
		t.Fatalf("calls %d, attempts %d; want 6 calls and the one counted attempt", calls.Load(), j.Attempts)
	}
}

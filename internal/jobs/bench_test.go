package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/jobs"
	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// BenchmarkQueueThroughput measures how many no-op jobs per second the
// runner claims, runs and completes (4 workers, one SQLite file). Run:
//
//	go test -run '^$' -bench QueueThroughput -benchtime 20000x ./internal/jobs/
func BenchmarkQueueThroughput(b *testing.B) {
	st := storetest.Open(b, store.Options{CreateJobs: []string{}})
	for left := b.N; left > 0; left -= 1000 {
		enqueue(b, st, testKind, min(left, 1000))
	}
	var ran atomic.Int64
	all := make(chan struct{})
	n := int64(b.N)
	w := &funcWorker{fn: func(context.Context, *shelter.Job) error {
		if ran.Add(1) == n {
			close(all)
		}
		return nil
	}}
	b.ResetTimer()
	start := time.Now()
	stop := start2(b, st, jobs.Options{Workers: 4, Logger: discard}, w)
	<-all
	for doneJobs(b, st) < b.N { // the last outcomes are being recorded
		time.Sleep(time.Millisecond)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	stop()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "jobs/s")
}

func doneJobs(b *testing.B, st *store.Store) int {
	var n int
	if err := st.DB().Read.QueryRow(`SELECT count(*) FROM jobs WHERE state = 'done'`).Scan(&n); err != nil {
		b.Fatal(err)
	}
	return n
}

// start2 runs a runner for a benchmark and returns its stop.
func start2(b *testing.B, st *store.Store, o jobs.Options, ws ...jobs.Worker) func() {
	r, err := jobs.NewRunner(st, o, ws...)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	return func() {
		cancel()
		if err := <-done; err != nil {
			b.Error(err)
		}
	}
}

// timedReminder is the real feeding reminder that notes when each pet
// reached in_quarantine (its transaction has committed when Work returns).
type timedReminder struct {
	*jobs.FeedingReminder
	mu   sync.Mutex
	done map[string]time.Time
}

// Batching is off: the runner would otherwise do the reminders through
// WorkBatch, which names no pet, and Work (which times each one) would never
// run. This benchmark therefore times the one-job-per-transaction path; the
// batched path is timed end to end by `make loadtest` (create → in_quarantine
// at a fixed offered rate).
func (w *timedReminder) Batching() bool { return false }

func (w *timedReminder) Work(ctx context.Context, j *shelter.Job) error {
	if err := w.FeedingReminder.Work(ctx, j); err != nil {
		return err
	}
	w.mu.Lock()
	w.done[j.PetID] = time.Now()
	w.mu.Unlock()
	return nil
}

// BenchmarkCreateToQuarantine creates pets at a steady 1,000 per second
// through the store and measures, per pet, the time from the start of its
// create to the commit of its new → in_quarantine (the feeding reminder's
// transaction). Run:
//
//	go test -run '^$' -bench CreateToQuarantine -benchtime 5000x ./internal/jobs/
func BenchmarkCreateToQuarantine(b *testing.B) {
	st := storetest.Open(b, store.Options{CreateJobs: []string{shelter.JobFeedingReminder}})
	w := &timedReminder{FeedingReminder: &jobs.FeedingReminder{Store: st, Logger: discard}, done: map[string]time.Time{}}
	stop := start2(b, st, jobs.Options{Workers: 4, Logger: discard}, w)
	defer stop()
	started := make(map[string]time.Time, b.N)
	o := shelter.Origin{Namespace: "api", Actor: shelter.ActorAPI}
	const interval = time.Millisecond // 1,000 creates per second
	b.ResetTimer()
	t0 := time.Now()
	for i := range b.N {
		if d := time.Until(t0.Add(time.Duration(i) * interval)); d > 0 {
			time.Sleep(d)
		}
		begin := time.Now()
		p, err := st.CreatePet(context.Background(), o, fields("Bench", shelter.SpeciesDog, ""))
		if err != nil {
			b.Fatal(err)
		}
		started[p.ID] = begin
	}
	rate := float64(b.N) / time.Since(t0).Seconds()
	deadline := time.Now().Add(60 * time.Second)
	for {
		w.mu.Lock()
		n := len(w.done)
		w.mu.Unlock()
		if n == b.N {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d pets reached in_quarantine", n, b.N)
		}
		time.Sleep(time.Millisecond)
	}
	b.StopTimer()
	lat := make([]float64, 0, b.N)
	w.mu.Lock()
	for id, t := range started {
		lat = append(lat, float64(w.done[id].Sub(t).Microseconds())/1000)
	}
	w.mu.Unlock()
	slices.Sort(lat)
	b.ReportMetric(lat[len(lat)/2], "median_ms")
	b.ReportMetric(lat[min(len(lat)-1, len(lat)*99/100)], "p99_ms")
	b.ReportMetric(rate, "creates/s")
	b.ReportMetric(0, "ns/op") // a paced run: time per op says nothing
}

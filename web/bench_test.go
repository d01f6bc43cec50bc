package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/metrics"
	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
	"github.com/petstore/petstore/web"
)

// benchServer is the real handler over a SQLite file in b's temp directory,
// called in process (no sockets): what the benchmarks measure is routing,
// decoding, validation, the store's transaction and the JSON answer.
func benchServer(b *testing.B) (http.Handler, *store.Store) {
	b.Helper()
	st := storetest.Open(b, store.Options{})
	d := web.Deps{Pets: st, Events: st, DB: st}
	_, cr := withAccounts(b, st, &d)
	h := web.New(d).Handler()
	// Every request carries the bearer token, as a script's would: its
	// check (one indexed lookup) is part of what is measured.
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, bearerReq(r, cr.Token))
	}), st
}

const benchBody = `{"name":"Buddy","species":"dog","ageMonths":24}`

func create(b *testing.B, h http.Handler) string {
	req := httptest.NewRequest("POST", "/api/pets", strings.NewReader(benchBody))
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusCreated {
		b.Fatalf("create: %d %s", w.Code, w.Body)
	}
	return w.Body.String()
}

func reportRate(b *testing.B, start time.Time) {
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "ops/s")
}

// BenchmarkCreate is POST /api/pets, one request at a time: each is one
// committed transaction (pet, event, feeding reminder job, its event).
func BenchmarkCreate(b *testing.B) {
	h, _ := benchServer(b)
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		create(b, h)
	}
	reportRate(b, start)
}

// BenchmarkCreateParallel is POST /api/pets from GOMAXPROCS×4 clients at
// once: the single writer connection serialises them.
func BenchmarkCreateParallel(b *testing.B) {
	h, _ := benchServer(b)
	b.ReportAllocs()
	b.SetParallelism(4)
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			create(b, h)
		}
	})
	reportRate(b, start)
}

// seedPets creates n pets and returns their ids as strings.
func seedPets(b *testing.B, h http.Handler, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		create(b, h)
		ids[i] = strconv.Itoa(i + 1)
	}
	return ids
}

func get(b *testing.B, h http.Handler, id string) {
	req := httptest.NewRequest("GET", "/api/pets/"+id, nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		b.Fatalf("get %s: %d %s", id, w.Code, w.Body)
	}
}

// BenchmarkGet is GET /api/pets/:id over 1,000 pets, one at a time.
func BenchmarkGet(b *testing.B) {
	h, _ := benchServer(b)
	ids := seedPets(b, h, 1000)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	i := 0
	for b.Loop() {
		get(b, h, ids[i%len(ids)])
		i++
	}
	reportRate(b, start)
}

// BenchmarkGetParallel is GET /api/pets/:id from GOMAXPROCS×4 clients over
// the read pool.
func BenchmarkGetParallel(b *testing.B) {
	h, _ := benchServer(b)
	ids := seedPets(b, h, 1000)
	b.ReportAllocs()
	b.SetParallelism(4)
	var n atomic.Int64
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			get(b, h, ids[int(n.Add(1))%len(ids)])
		}
	})
	reportRate(b, start)
}

// discardWriter is an http.ResponseWriter that keeps nothing but the
// status and the byte count: what a benchmark of the server's own work
// per request needs.
type discardWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
func (w *discardWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.n += len(p)
	return len(p), nil
}

// BenchmarkGetServed is GET /api/pets/:id over 1,000 cached pets as the
// binary serves it: bearer token, metrics, an access line per request
// (text, to a file), the server's own http.Handler called without a
// socket. Its time and allocations per request are the part of the load
// tool's server CPU per GET that is ours rather than net/http's and the
// kernel's.
func BenchmarkGetServed(b *testing.B) {
	st := storetest.Open(b, store.Options{})
	logf, err := os.Create(filepath.Join(b.TempDir(), "access.log"))
	if err != nil {
		b.Fatal(err)
	}
	defer logf.Close()
	d := web.Deps{Pets: st, Events: st, DB: st, AccessLog: true,
		Logger: slog.New(slog.NewTextHandler(logf, nil)), Observer: metrics.New(metrics.Sources{})}
	_, cr := withAccounts(b, st, &d)
	h := web.New(d).Handler()
	seed := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, bearerReq(r, cr.Token)) })
	ids := seedPets(b, seed, 1000)
	// Their fallback profiles, as the profile jobs write them with no AI
	// key (the store keeps a marker and writes the text on each read).
	for _, id := range ids {
		p := shelter.FallbackProfile(shelter.Pet{Name: "Buddy", Species: shelter.SpeciesDog, AgeMonths: 24}, time.Now())
		if _, err := st.SetProfile(context.Background(), 0, shelter.Origin{Namespace: "api", Actor: shelter.ActorSystem}, id, p); err != nil {
			b.Fatal(err)
		}
	}
	reqs := make([]*http.Request, len(ids))
	for i, id := range ids {
		reqs[i] = bearerReq(httptest.NewRequest("GET", "/api/pets/"+id, nil), cr.Token)
		get(b, seed, id) // into the pet cache
	}
	if w := httptest.NewRecorder(); true {
		seed.ServeHTTP(w, httptest.NewRequest("GET", "/api/pets/1", nil))
		if !strings.Contains(w.Body.String(), `"source":"fallback"`) {
			b.Fatalf("no fallback profile: %s", w.Body)
		}
	}
	b.ReportAllocs()
	// The process's CPU time as well as the wall time: on a shared machine
	// the first is the steadier (it counts the GC's workers too).
	cpu0 := cpuTime()
	defer func() { b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op") }()
	i := 0
	for b.Loop() {
		w := &discardWriter{h: make(http.Header)}
		h.ServeHTTP(w, reqs[i%len(reqs)])
		if w.status != http.StatusOK {
			b.Fatalf("GET: %d", w.status)
		}
		i++
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

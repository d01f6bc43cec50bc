// Package metrics counts what the server does, for Prometheus: HTTP
// requests, jobs, AI calls, live streams, the group commit, sign-in
// failures and backups, plus, read at each scrape, the job queue and the
// database's size, and the Go runtime's own metrics.
//
// The other packages do not import it: each offers a hook (a function or
// a small interface of its own) that the wiring connects to a Metrics.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/petstore/petstore/internal/shelter"
)

// Sources are what a scrape reads. Nil sources are left out.
type Sources struct {
	// Queue reports the job queue per kind; Kinds are reported at 0 when
	// Queue says nothing of them, so that their series do not vanish.
	Queue func(ctx context.Context) ([]shelter.QueueStat, error)
	Kinds []string
	// DBSize reports the database's size on disk in bytes.
	DBSize func() (int64, error)
	// Streams reports how many live streams are open.
	Streams func() int
	// Version and Revision label petstore_build_info.
	Version, Revision string
	// Logger receives the errors of a scrape's reads (default slog.Default()).
	Logger *slog.Logger
}

// Metrics holds every metric of the server and the registry that serves
// them.
type Metrics struct {
	reg            *prometheus.Registry
	httpRequests   *prometheus.CounterVec
	httpDuration   *prometheus.HistogramVec
	jobs           *prometheus.CounterVec
	jobDuration    *prometheus.HistogramVec
	aiCalls        *prometheus.CounterVec
	batchSize      prometheus.Histogram
	signInFailures prometheus.Counter
	backups        *prometheus.CounterVec
	lastBackup     prometheus.Gauge
	scrape         *scrape

	httpSeries   atomic.Pointer[map[httpKey]*httpSeries] // never changed once stored
	httpSeriesMu sync.Mutex                              // for who stores one
}

// New registers every metric on a registry of its own.
func New(src Sources) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		reg:    reg,
		scrape: &scrape{src: src},
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "petstore_http_requests_total",
			Help: "HTTP requests answered, by method, route pattern and status."}, []string{"method", "route", "status"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "petstore_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by method and route pattern (live streams count until they end).",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}}, []string{"method", "route"}),
		jobs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "petstore_jobs_total",
			Help: "Job attempts finished, by kind and outcome (done, retry, failed, interrupted)."}, []string{"kind", "outcome"}),
		jobDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "petstore_job_duration_seconds",
			Help:    "Time of one job attempt, by kind and outcome.",
			Buckets: []float64{.001, .005, .01, .05, .1, .5, 1, 2.5, 5, 10, 30, 60}}, []string{"kind", "outcome"}),
		aiCalls: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "petstore_ai_calls_total",
			Help: "Calls to the language model, by outcome (ok, retryable, error, canceled)."}, []string{"outcome"}),
		batchSize: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "petstore_group_commit_batch_size",
			Help:    "Callers sharing one write transaction (the group commit).",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128}}),
		signInFailures: prometheus.NewCounter(prometheus.CounterOpts{Name: "petstore_signin_failures_total",
			Help: "Failed sign-ins (wrong email or password, disabled account, throttled)."}),
		backups: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "petstore_backups_total",
			Help: "Scheduled backups, by outcome (ok, failed)."}, []string{"outcome"}),
		lastBackup: prometheus.NewGauge(prometheus.GaugeOpts{Name: "petstore_backup_last_success_timestamp_seconds",
			Help: "When the last scheduled backup succeeded (Unix time; 0: none since start)."}),
	}
	m.httpSeries.Store(&map[httpKey]*httpSeries{})
	for _, outcome := range []string{"ok", "failed"} {
		m.backups.WithLabelValues(outcome) // present at 0, so that rate() and alerts work from the start
	}
	reg.MustRegister(m.httpRequests, m.httpDuration, m.jobs, m.jobDuration, m.aiCalls, m.batchSize,
		m.signInFailures, m.backups, m.lastBackup,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.scrape)
	if src.Version != "" {
		build := prometheus.NewGauge(prometheus.GaugeOpts{Name: "petstore_build_info", Help: "The running build (always 1).",
			ConstLabels: prometheus.Labels{"version": src.Version, "revision": src.Revision}})
		build.Set(1)
		reg.MustRegister(build)
	}
	return m
}

// Handler serves the metrics in the Prometheus text format (gzipped when
// asked).
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// Registry is the registry the metrics are on, for tests.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// ObserveHTTP counts one answered request; route is the router's pattern
// ("/api/pets/:id"), never the raw path.
func (m *Metrics) ObserveHTTP(method, route string, status int, d time.Duration) {
	hs := (*m.httpSeries.Load())[httpKey{method, route, status}]
	if hs == nil {
		hs = m.newHTTPSeries(httpKey{method, route, status})
	}
	hs.requests.Inc()
	hs.duration.Observe(d.Seconds())
}

// httpKey names the series of one kind of answered request.
type httpKey struct {
	method, route string
	status        int
}

// httpSeries are the series one kind of request counts in, looked up once:
// WithLabelValues hashes and checks its labels on every call, about a
// microsecond for the two per request.
type httpSeries struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

// httpSeriesMax bounds the series kept looked up (a client may send any
// method); past it, requests look theirs up each time.
const httpSeriesMax = 1024

// newHTTPSeries looks k's series up and keeps them: the map is copied and
// replaced (once per kind of request), so that reading it takes no lock.
func (m *Metrics) newHTTPSeries(k httpKey) *httpSeries {
	s := &httpSeries{m.httpRequests.WithLabelValues(k.method, k.route, strconv.Itoa(k.status)),
		m.httpDuration.WithLabelValues(k.method, k.route)}
	m.httpSeriesMu.Lock()
	defer m.httpSeriesMu.Unlock()
	old := *m.httpSeries.Load()
	if len(old) >= httpSeriesMax || old[k] != nil {
		return s
	}
	next := make(map[httpKey]*httpSeries, len(old)+1)
	for key, v := range old {
		next[key] = v
	}
	next[k] = s
	m.httpSeries.Store(&next)
	return s
}

// ObserveJob counts one finished job attempt.
func (m *Metrics) ObserveJob(kind, outcome string, d time.Duration) {
	m.jobs.WithLabelValues(kind, outcome).Inc()
	m.jobDuration.WithLabelValues(kind, outcome).Observe(d.Seconds())
}

// ObserveAICall counts one call to the model.
func (m *Metrics) ObserveAICall(outcome string) { m.aiCalls.WithLabelValues(outcome).Inc() }

// ObserveBatch records the size of one group commit.
func (m *Metrics) ObserveBatch(n int) { m.batchSize.Observe(float64(n)) }

// SignInFailed counts one failed sign-in.
func (m *Metrics) SignInFailed() { m.signInFailures.Inc() }

// ObserveBackup counts one scheduled backup.
func (m *Metrics) ObserveBackup(err error, at time.Time) {
	if err != nil {
		m.backups.WithLabelValues("failed").Inc()
		return
	}
	m.backups.WithLabelValues("ok").Inc()
	m.lastBackup.Set(float64(at.UnixMilli()) / 1000)
}

// SetStreams sets the source of the open live streams (it may exist only
// after the metrics).
func (m *Metrics) SetStreams(f func() int) {
	m.scrape.mu.Lock()
	defer m.scrape.mu.Unlock()
	m.scrape.src.Streams = f
}

// scrape reads the sources at each scrape.
type scrape struct {
	mu  sync.Mutex
	src Sources
}

var (
	queueDepthDesc = prometheus.NewDesc("petstore_queue_depth", "Jobs queued, due or waiting for a retry, by kind.", []string{"kind"}, nil)
	queueAgeDesc   = prometheus.NewDesc("petstore_queue_oldest_due_age_seconds",
		"How long the oldest due job of a kind has waited past its run time (0: none due).", []string{"kind"}, nil)
	dbSizeDesc  = prometheus.NewDesc("petstore_database_size_bytes", "Size of the SQLite database on disk (file and WAL).", nil, nil)
	streamsDesc = prometheus.NewDesc("petstore_live_streams_open", "Live update streams (Server-Sent Events) open now.", nil, nil)
)

func (c *scrape) Describe(ch chan<- *prometheus.Desc) {
	ch <- queueDepthDesc
	ch <- queueAgeDesc
	ch <- dbSizeDesc
	ch <- streamsDesc
}

func (c *scrape) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	src := c.src
	c.mu.Unlock()
	log := src.Logger
	if log == nil {
		log = slog.Default()
	}
	if src.Queue != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		stats, err := src.Queue(ctx)
		cancel()
		if err != nil {
			log.Warn("metrics: read the job queue", "err", err)
		}
		seen := map[string]bool{}
		for _, q := range stats {
			seen[q.Kind] = true
			ch <- prometheus.MustNewConstMetric(queueDepthDesc, prometheus.GaugeValue, float64(q.Queued), q.Kind)
			ch <- prometheus.MustNewConstMetric(queueAgeDesc, prometheus.GaugeValue, q.OldestDue.Seconds(), q.Kind)
		}
		for _, k := range src.Kinds {
			if !seen[k] && err == nil {
				ch <- prometheus.MustNewConstMetric(queueDepthDesc, prometheus.GaugeValue, 0, k)
				ch <- prometheus.MustNewConstMetric(queueAgeDesc, prometheus.GaugeValue, 0, k)
			}
		}
	}
	if src.DBSize != nil {
		if n, err := src.DBSize(); err != nil {
			log.Warn("metrics: read the database size", "err", err)
		} else {
			ch <- prometheus.MustNewConstMetric(dbSizeDesc, prometheus.GaugeValue, float64(n))
		}
	}
	if src.Streams != nil {
		ch <- prometheus.MustNewConstMetric(streamsDesc, prometheus.GaugeValue, float64(src.Streams()))
	}
}

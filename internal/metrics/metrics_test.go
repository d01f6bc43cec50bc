package metrics_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	dto "github.com/prometheus/client_model/go"

	"github.com/petstore/petstore/internal/metrics"
	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

// Scrape fetches h's metrics and parses them with the Prometheus text
// parser.
func Scrape(t testing.TB, m *metrics.Metrics) map[string]*dto.MetricFamily {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("scrape: %d %s", rec.Code, rec.Body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("parse the scrape: %v", err)
	}
	return fams
}

// value is the value of the family's series with these labels.
func value(t testing.TB, fams map[string]*dto.MetricFamily, name string, labels map[string]string) float64 {
	t.Helper()
	f, ok := fams[name]
	if !ok {
		t.Fatalf("no metric %s", name)
	}
	for _, m := range f.Metric {
		match := true
		for _, lp := range m.Label {
			if v, ok := labels[lp.GetName()]; ok && v != lp.GetValue() {
				match = false
			}
		}
		if !match {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	t.Fatalf("no series of %s with %v", name, labels)
	return 0
}

func TestMetrics(t *testing.T) {
	st := storetest.Open(t, store.Options{})
	ctx := context.Background()
	name, sp, age := "Rex", shelter.SpeciesDog, 3
	for range 3 {
		if _, err := st.CreatePet(ctx, shelter.Origin{Namespace: "api", Actor: "t"}, shelter.PetFields{Name: &name, Species: &sp, AgeMonths: &age}); err != nil {
			t.Fatal(err)
		}
	}
	streams := 2
	m := metrics.New(metrics.Sources{Queue: st.QueueStats, Kinds: []string{shelter.JobFeedingReminder, "other"}, DBSize: st.DBSize,
		Streams: func() int { return streams }, Version: "v1.2.3", Revision: "abc"})
	m.ObserveHTTP("GET", "/api/pets/:id", 200, 3*time.Millisecond)
	m.ObserveHTTP("GET", "/api/pets/:id", 200, 5*time.Millisecond)
	m.ObserveHTTP("GET", "/api/pets/:id", 404, time.Millisecond)
	m.ObserveJob(shelter.JobFeedingReminder, "done", 2*time.Millisecond)
	m.ObserveJob(shelter.JobFeedingReminder, "retry", time.Second)
	m.ObserveAICall("ok")
	m.ObserveBatch(1)
	m.ObserveBatch(7)
	m.SignInFailed()
	m.ObserveBackup(nil, time.Unix(1700000000, 0))
	m.ObserveBackup(errors.New("disk full"), time.Now())

	fams := Scrape(t, m)
	for _, tc := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"petstore_http_requests_total", map[string]string{"route": "/api/pets/:id", "status": "200", "method": "GET"}, 2},
		{"petstore_http_requests_total", map[string]string{"status": "404"}, 1},
		{"petstore_http_request_duration_seconds", map[string]string{"route": "/api/pets/:id"}, 3},
		{"petstore_jobs_total", map[string]string{"kind": shelter.JobFeedingReminder, "outcome": "retry"}, 1},
		{"petstore_job_duration_seconds", map[string]string{"outcome": "done"}, 1},
		{"petstore_ai_calls_total", map[string]string{"outcome": "ok"}, 1},
		{"petstore_group_commit_batch_size", nil, 2},
		{"petstore_signin_failures_total", nil, 1},
		{"petstore_backups_total", map[string]string{"outcome": "failed"}, 1},
		{"petstore_backup_last_success_timestamp_seconds", nil, 1700000000},
		{"petstore_live_streams_open", nil, 2},
		{"petstore_queue_depth", map[string]string{"kind": shelter.JobFeedingReminder}, 3},
		{"petstore_queue_depth", map[string]string{"kind": "other"}, 0},
		{"petstore_build_info", map[string]string{"version": "v1.2.3"}, 1},
	} {
		if got := value(t, fams, tc.name, tc.labels); got != tc.want {
			t.Errorf("%s%v = %v, want %v", tc.name, tc.labels, got, tc.want)
		}
	}
	if v := value(t, fams, "petstore_database_size_bytes", nil); v < 4096 {
		t.Errorf("database size %v", v)
	}
	if v := value(t, fams, "petstore_queue_oldest_due_age_seconds", map[string]string{"kind": shelter.JobFeedingReminder}); v < 0 || v > 60 {
		t.Errorf("oldest due age %v", v)
	}
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "process_resident_memory_bytes"} {
		if _, ok := fams[name]; !ok {
			t.Errorf("no Go runtime metric %s", name)
		}
	}
}

// TestObserveHTTPSeries: the series looked up once count like those looked
// up each time, past the number kept too, from many goroutines at once.
func TestObserveHTTPSeries(t *testing.T) {
	m := metrics.New(metrics.Sources{})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 1500 {
				m.ObserveHTTP(fmt.Sprintf("M%d", i), "/r", 200, time.Millisecond)
				m.ObserveHTTP("GET", "/api/pets/:id", 200+g%2, time.Millisecond)
			}
		})
	}
	wg.Wait()
	fams := Scrape(t, m)
	for _, tc := range []struct {
		labels map[string]string
		want   float64
	}{
		{map[string]string{"method": "M0", "route": "/r", "status": "200"}, 4},
		{map[string]string{"method": "M1499", "route": "/r", "status": "200"}, 4},
		{map[string]string{"method": "GET", "route": "/api/pets/:id", "status": "200"}, 3000},
		{map[string]string{"method": "GET", "route": "/api/pets/:id", "status": "201"}, 3000},
	} {
		if got := value(t, fams, "petstore_http_requests_total", tc.labels); got != tc.want {
			t.Errorf("requests%v = %v, want %v", tc.labels, got, tc.want)
		}
	}
	if got := value(t, fams, "petstore_http_request_duration_seconds", map[string]string{"method": "M1499"}); got != 4 {
		t.Errorf("durations of M1499 = %v, want 4", got)
	}
}

package web_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/logtest"
	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
	"github.com/petstore/petstore/web"
)

// recorder is an Observer that keeps what it is told.
type recorder struct {
	mu       sync.Mutex
	requests []string // "METHOD route status"
	failures int
}

func (r *recorder) ObserveHTTP(method, route string, status int, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests = append(r.requests, method+" "+route+" "+http.StatusText(status))
}

func (r *recorder) SignInFailed() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures++
}

func TestOperations(t *testing.T) {
	st := storetest.Open(t, store.Options{CreateJobs: []string{shelter.JobFeedingReminder}})
	rec := &recorder{}
	var logs logtest.Buffer
	var ready atomic.Bool
	metricsToken := "scraper-secret-0123456789"
	d := web.Deps{Pets: st, Events: st, DB: st, Jobs: st, Observer: rec, AccessLog: true, Version: "v9.9.9 (abc)",
		Metrics:      http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("# metrics\n")) }),
		MetricsToken: metricsToken, Ready: ready.Load,
		Logger: slog.New(slog.NewJSONHandler(&logs, nil))}
	acc, admin := withAccounts(t, st, &d)
	srv := httptest.NewServer(web.New(d).Handler())
	t.Cleanup(srv.Close)
	staff := mustToken(t, acc, "staff-script", shelter.RoleStaff, "")
	get := func(path, token string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(res.Body)
		return res.StatusCode, b.String()
	}

	// /metrics: admins and the metrics token, never a stranger or staff.
	for _, tc := range []struct {
		token string
		want  int
	}{{"", 401}, {"wrong-token", 401}, {staff, 403}, {admin.Token, 200}, {metricsToken, 200}} {
		if got, body := get("/metrics", tc.token); got != tc.want || (got == 200 && body != "# metrics\n") {
			t.Errorf("/metrics with %q: %d %q, want %d", tc.token, got, body, tc.want)
		}
	}
	// The metrics token opens nothing else.
	if got, _ := get("/api/pets", metricsToken); got != 401 {
		t.Errorf("/api/pets with the metrics token: %d", got)
	}

	// /readyz follows Ready; /healthz says the version.
	if got, body := get("/readyz", ""); got != 503 || !strings.Contains(body, `"version":"v9.9.9 (abc)"`) {
		t.Errorf("/readyz while starting: %d %s", got, body)
	}
	ready.Store(true)
	if got, _ := get("/readyz", ""); got != 200 {
		t.Errorf("/readyz when ready: %d", got)
	}
	if got, body := get("/healthz", ""); got != 200 || !strings.Contains(body, `"version":"v9.9.9 (abc)"`) {
		t.Errorf("/healthz: %d %s", got, body)
	}

	// Route patterns, not paths; probes of unknown paths share one label.
	get("/api/pets/12345", admin.Token)
	get("/no/such/thing/1", admin.Token)
	get("/setup?token=very-secret-setup-token", "")
	rec.mu.Lock()
	requests := strings.Join(rec.requests, "\n")
	rec.mu.Unlock()
	for _, want := range []string{"GET /api/pets/:id Not Found", "GET unmatched Not Found", "GET /metrics OK", "GET /readyz Service Unavailable"} {
		if !strings.Contains(requests, want) {
			t.Errorf("observed requests lack %q:\n%s", want, requests)
		}
	}
	if strings.Contains(requests, "12345") {
		t.Errorf("a raw path became a label:\n%s", requests)
	}

	// A failed sign-in is counted.
	req, _ := http.NewRequest("POST", srv.URL+"/login", strings.NewReader("email=nobody%40example.org&password=wrong+password"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if res, err := srv.Client().Do(req); err != nil || res.StatusCode != 401 {
		t.Fatalf("failed sign-in: %v %v", res, err)
	}
	rec.mu.Lock()
	if rec.failures != 1 {
		t.Errorf("sign-in failures counted: %d", rec.failures)
	}
	rec.mu.Unlock()

	// The access log: one line per request, without the query.
	out := logs.String()
	if strings.Contains(out, "very-secret-setup-token") {
		t.Errorf("the access log shows the query's secret:\n%s", out)
	}
	for _, want := range []string{`"msg":"http","method":"GET","path":"/api/pets/12345","route":"/api/pets/:id","status":404`,
		`"actor":"` + testTokenName + `"`, `"path":"/setup"`} {
		if !strings.Contains(out, want) {
			t.Errorf("access log lacks %s:\n%s", want, out)
		}
	}
	if !strings.Contains(out, `"duration":`) {
		t.Errorf("access log has no duration:\n%s", out)
	}
}

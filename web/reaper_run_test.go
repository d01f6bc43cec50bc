package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/jobs"
	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
	"github.com/petstore/petstore/web"
)

// heldClock is a reaper clock whose first reading waits for release: a
// run in progress, holding the reaper's guard, for as long as a test
// wants.
type heldClock struct {
	once             sync.Once
	entered, release chan struct{}
}

func newHeldClock() *heldClock {
	return &heldClock{entered: make(chan struct{}), release: make(chan struct{})}
}

func (h *heldClock) Now() time.Time {
	h.once.Do(func() { close(h.entered); <-h.release })
	return time.Now()
}

// holdReaper starts a run of r that stays in progress until the returned
// function is called (it waits for the run to end).
func holdReaper(t *testing.T, r *jobs.Reaper, h *heldClock) (release func()) {
	t.Helper()
	done := make(chan error, 1)
	go func() { _, err := r.Run(ctx); done <- err }()
	select {
	case <-h.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the held run did not start")
	}
	return func() {
		close(h.release)
		if err := <-done; err != nil {
			t.Errorf("held run: %v", err)
		}
	}
}

// expiredPets creates n pets and deletes them; with the store's PurgeAfter
// of a millisecond they are due for the reaper a moment later.
func expiredPets(t *testing.T, st *store.Store, n int) []string {
	t.Helper()
	o := shelter.Origin{Namespace: "api", Actor: "tests"}
	var ids []string
	for i := range n {
		name, sp, age := "Gone"+string(rune('A'+i)), shelter.SpeciesCat, 3
		p, err := st.CreatePet(ctx, o, shelter.PetFields{Name: &name, Species: &sp, AgeMonths: &age})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.DeletePet(ctx, o, p.ID); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	time.Sleep(5 * time.Millisecond)
	return ids
}

// reaperRuns returns the reaper.completed events, oldest first.
func reaperRuns(t *testing.T, st *store.Store) []*shelter.Event {
	t.Helper()
	evs, err := st.FindEvents(ctx, shelter.EventFilter{Limit: shelter.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	var out []*shelter.Event
	for _, e := range evs {
		if e.Type == "system.reaper.completed" {
			out = append(out, e)
		}
	}
	return out
}

func TestReaperRunAPI(t *testing.T) {
	st := storetest.Open(t, store.Options{PurgeAfter: time.Millisecond, CreateJobs: []string{shelter.JobFeedingReminder}})
	reaper := &jobs.Reaper{Store: st, Logger: quiet}
	a := serveDeps(t, st, web.Deps{Pets: st, Events: st, DB: st, Jobs: st, Reaper: reaper})
	ids := expiredPets(t, st, 2)
	keep := a.Create(t, "api", "Stays", shelter.SpeciesDog, 5)

	var stats shelter.ReapStats
	r := jobCall(t, a, "POST", "/api/reaper/run", &stats)
	if r.Status != http.StatusOK || stats.TotalScanned != 2 || stats.PurgedCount != 2 || stats.FailedCount != 0 || stats.DurationMs < 0 {
		t.Fatalf("run: %d %s", r.Status, r.Body)
	}
	for _, id := range ids {
		if r := a.Do(t, "GET", "/api/pets/"+id, nil); r.Status != http.StatusNotFound {
			t.Errorf("purged pet %s: %d", id, r.Status)
		}
	}
	a.Get(t, "api", keep.ID)
	// The run is recorded, with the admin's token as its actor.
	if evs := reaperRuns(t, st); len(evs) != 1 || evs[0].Actor != testTokenName {
		t.Fatalf("reaper.completed events %+v, want one by %q", evs, testTokenName)
	}
	// A second run finds nothing left.
	if r := jobCall(t, a, "POST", "/api/reaper/run", &stats); r.Status != 200 || stats.PurgedCount != 0 || stats.TotalScanned != 0 {
		t.Errorf("second run: %d %s", r.Status, r.Body)
	}
	if r := jobCall(t, a, "GET", "/api/reaper/run", nil); r.Status != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d, want 405", r.Status)
	}
}

func TestReaperRunAPIRefusals(t *testing.T) {
	st := storetest.Open(t, store.Options{PurgeAfter: time.Millisecond})
	h := newHeldClock()
	reaper := &jobs.Reaper{Store: st, Now: h.Now, Logger: quiet}
	a := serveDeps(t, st, web.Deps{Pets: st, Events: st, DB: st, Jobs: st, Reaper: reaper})
	expiredPets(t, st, 1)

	// Staff may not; strangers are asked for a token.
	staff := mustUser(t, a.Accounts, "Sam", "sam@example.org", shelter.RoleStaff)
	staffToken := mustToken(t, a.Accounts, "sams-script", shelter.RoleStaff, staff.ID)
	var e errBody
	if r := a.DoRaw(t, "POST", "/api/reaper/run", "", nil, map[string]string{"Authorization": "Bearer " + staffToken}); r.Status != http.StatusForbidden {
		t.Errorf("staff token: %d %s", r.Status, r.Body)
	}
	if r := a.DoRaw(t, "POST", "/api/reaper/run", "", nil, map[string]string{"Authorization": ""}); r.Status != http.StatusUnauthorized {
		t.Errorf("no token: %d %s", r.Status, r.Body)
	}

	// While the scheduled run (the same reaper) is in progress: 409, and
	// nothing is purged by the refused request.
	release := holdReaper(t, reaper, h)
	r := jobCall(t, a, "POST", "/api/reaper/run", &e)
	if r.Status != http.StatusConflict || !strings.Contains(e.Message, "already running") {
		t.Errorf("during a run: %d %q, want 409", r.Status, e.Message)
	}
	release()
	if evs := reaperRuns(t, st); len(evs) != 1 || evs[0].Actor != shelter.ActorSystem {
		t.Errorf("reaper.completed %+v, want only the held (system) run's", evs)
	}
	var stats shelter.ReapStats
	if r := jobCall(t, a, "POST", "/api/reaper/run", &stats); r.Status != http.StatusOK {
		t.Errorf("after the run: %d %s", r.Status, r.Body)
	}

	// A server without the reaper says so.
	b := serveDeps(t, st, web.Deps{Pets: st, Events: st, DB: st, Jobs: st})
	if r := jobCall(t, b, "POST", "/api/reaper/run", &e); r.Status != http.StatusNotImplemented {
		t.Errorf("without a reaper: %d %q", r.Status, e.Message)
	}
}

func TestJobsPageRunReaperNow(t *testing.T) {
	st := storetest.Open(t, store.Options{PurgeAfter: time.Millisecond})
	h := newHeldClock()
	reaper := &jobs.Reaper{Store: st, Now: h.Now, Logger: quiet}
	d := serveDash(t, st, web.Deps{Pets: st, Events: st, DB: st, Jobs: st, Reaper: reaper})
	staff := mustUser(t, d.Accounts, "Sam", "sam@example.org", shelter.RoleStaff)
	staffSession := mustSession(t, d.Accounts, staff)

	// A run held in progress: the button's run is refused (htmx: a toast).
	release := holdReaper(t, reaper, h)
	if a := d.do(t, "POST", "/jobs/reaper/run", url.Values{}, "reap-result"); a.Status != http.StatusConflict ||
		!strings.Contains(a.Body, "already running") || a.Header.Get("HX-Retarget") != "#toasts" {
		t.Errorf("during a run: %d %q HX-Retarget %q", a.Status, a.Body, a.Header.Get("HX-Retarget"))
	}
	release()

	// Admins see the button; the run's result replaces #reap-result.
	a := d.do(t, "GET", "/jobs", nil, "")
	if a.Status != 200 || !strings.Contains(a.Body, `data-testid="run-reaper"`) || !strings.Contains(a.Body, `hx-post="/jobs/reaper/run"`) ||
		!strings.Contains(a.Body, `name="_csrf"`) {
		t.Fatalf("admin's jobs page: %d, button missing", a.Status)
	}
	expiredPets(t, st, 2)
	a = d.do(t, "POST", "/jobs/reaper/run", url.Values{}, "reap-result")
	if a.Status != 200 || !strings.Contains(a.Body, `data-purged="2"`) || strings.Contains(a.Body, "<html") {
		t.Errorf("htmx run: %d %s", a.Status, a.Body)
	}
	// Without JavaScript: the Jobs page with the result.
	expiredPets(t, st, 1)
	a = d.do(t, "POST", "/jobs/reaper/run", url.Values{}, "")
	if a.Status != 200 || !strings.Contains(a.Body, `data-purged="1"`) || !strings.Contains(a.Body, "<h1>Background jobs</h1>") {
		t.Errorf("plain form run: %d", a.Status)
	}

	// Staff see no button and may not post.
	get := func(method, path string) answer {
		req, _ := http.NewRequest(method, d.URL+path, nil)
		req.Header.Set("Accept", "text/html")
		resp, err := noRedirects.Do(sessionReq(req, staffSession))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return answer{resp.StatusCode, resp.Header, string(b)}
	}
	if a := get("GET", "/jobs"); a.Status != 200 || strings.Contains(a.Body, "run-reaper") {
		t.Errorf("staff's jobs page: %d, button shown: %v", a.Status, strings.Contains(a.Body, "run-reaper"))
	}
	if a := get("POST", "/jobs/reaper/run"); a.Status != http.StatusForbidden {
		t.Errorf("staff run: %d, want 403", a.Status)
	}
}

package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
	"github.com/petstore/petstore/web"
)

type fixedNext time.Time

func (f fixedNext) NextRun() (time.Time, error) { return time.Time(f), nil }

func TestJobsPage(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t, store.Options{})
	d := serveDash(t, st, web.Deps{Pets: st, Events: st, DB: st, Jobs: st})
	d.Srv.SetReaperSchedule(fixedNext(time.Date(2030, 1, 2, 2, 0, 0, 0, time.UTC)))

	// One feeding reminder fails its only attempt.
	d.pet(t, "Rex")
	claimed, err := st.ClaimJobs(ctx, nil, map[string]int{shelter.JobFeedingReminder: 1}, 10, time.Minute)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %v %v", claimed, err)
	}
	j := claimed[0]
	if err := st.RecordJobOutcomes(ctx, []store.JobOutcome{{ID: j.ID, Attempt: j.Attempts, Err: "boom <b>bold</b>"}}); err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(j.ID, 10)

	a := d.do(t, "GET", "/jobs", nil, "")
	for _, want := range []string{`data-testid="jobs-failed"><span>Failed</span> <span class="n">1</span>`,
		`boom &lt;b&gt;bold&lt;/b&gt;`, `action="/jobs/` + id + `/retry"`, `datetime="2030-01-02T02:00:00Z"`, `href="/jobs" aria-current="page"`} {
		if a.Status != 200 || !strings.Contains(a.Body, want) {
			t.Errorf("GET /jobs: %d, no %q", a.Status, want)
		}
	}
	if a := d.do(t, "GET", "/jobs", nil, "jobs-live"); !strings.HasPrefix(a.Body, `<div id="jobs-live"`) {
		t.Errorf("htmx GET /jobs: %.80q, want the fragment", a.Body)
	}

	a = d.do(t, "POST", "/jobs/"+id+"/retry", url.Values{}, "")
	if a.Status != http.StatusSeeOther || a.Header.Get("Location") != "/jobs" {
		t.Errorf("retry: %d %q", a.Status, a.Header.Get("Location"))
	}
	if got, _ := st.FindJobByID(ctx, j.ID); got.State != shelter.JobQueued {
		t.Errorf("after retry: %s, want queued", got.State)
	}
	for _, tt := range []struct {
		path   string
		status int
	}{{"/jobs/" + id + "/retry", 409}, {"/jobs/999/retry", 404}, {"/jobs/x/retry", 404}, {"/jobs/-1/retry", 404}} {
		if a := d.do(t, "POST", tt.path, url.Values{}, ""); a.Status != tt.status || !strings.Contains(a.Body, `data-testid="error-page"`) {
			t.Errorf("POST %s: %d, want %d and an error page", tt.path, a.Status, tt.status)
		}
	}

	// Without a job service there is no Jobs page, nor a link to it.
	nd := newDash(t)
	if a := nd.do(t, "GET", "/jobs", nil, ""); a.Status != 404 {
		t.Errorf("GET /jobs without jobs: %d", a.Status)
	}
	if a := nd.do(t, "GET", "/", nil, ""); strings.Contains(a.Body, `href="/jobs"`) {
		t.Errorf("board links to /jobs without jobs")
	}
}

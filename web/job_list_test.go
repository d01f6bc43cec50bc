package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
	"github.com/petstore/petstore/web"
)

// jobsAPI serves a store with its job queue (and no runner: jobs stay as
// the test puts them).
func jobsAPI(t *testing.T) (string, *store.Store) {
	t.Helper()
	st := storetest.Open(t, store.Options{CreateJobs: []string{shelter.JobFeedingReminder}})
	srv := web.New(web.Deps{Pets: st, Events: st, DB: st, Jobs: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts.URL, st
}

// call sends a request and decodes a JSON answer into out (when not nil).
func jobCall(t *testing.T, method, url string, out any) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("%s %s: Content-Type %q, body %s", method, url, ct, body)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, url, err, body)
		}
	}
	return resp
}

// failJob marks a job failed as the runner would after its last attempt.
func failJobByHand(t *testing.T, st *store.Store, id int64) {
	t.Helper()
	if _, err := st.DB().Write.Exec(`UPDATE jobs SET state = 'failed', attempts = max_attempts, last_error = 'boom', finished_at = 1 WHERE id = ?`, id); err != nil {
		t.Fatal(err)
	}
}

func jobTestPets(t *testing.T, st *store.Store, n int) []*shelter.Pet {
	t.Helper()
	var ps []*shelter.Pet
	for i := range n {
		name, sp, age := fmt.Sprintf("Pet%d", i), shelter.SpeciesDog, 3
		p, err := st.CreatePet(ctx, shelter.Origin{Namespace: "api", Actor: shelter.ActorAPI}, shelter.PetFields{Name: &name, Species: &sp, AgeMonths: &age})
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	return ps
}

func TestJobList(t *testing.T) {
	url, st := jobsAPI(t)
	ps := jobTestPets(t, st, 3) // one feeding reminder each: jobs 1, 2, 3
	failJobByHand(t, st, 2)

	var all []shelter.Job
	if r := jobCall(t, "GET", url+"/api/jobs", &all); r.StatusCode != 200 || len(all) != 3 {
		t.Fatalf("GET /api/jobs: %d, %d jobs", r.StatusCode, len(all))
	}
	if all[0].ID != 3 || all[2].ID != 1 || all[0].Kind != shelter.JobFeedingReminder || all[0].PetID != ps[2].ID || all[0].State != shelter.JobQueued {
		t.Fatalf("jobs, newest first: %+v", all)
	}

	for _, c := range []struct {
		query string
		ids   []int64
	}{
		{"?state=failed", []int64{2}},
		{"?state=queued", []int64{3, 1}},
		{"?state=done", nil},
		{"?kind=feeding_reminder&state=queued", []int64{3, 1}},
		{"?kind=enrich_profile", nil},
		{"?petId=" + ps[0].ID, []int64{1}},
		{"?petId=nope", nil},
		{"?limit=2", []int64{3, 2}},
		{"?limit=2&before=2", []int64{1}},
	} {
		var got []shelter.Job
		if r := jobCall(t, "GET", url+"/api/jobs"+c.query, &got); r.StatusCode != 200 {
			t.Errorf("%s: status %d", c.query, r.StatusCode)
			continue
		}
		var ids []int64
		for _, j := range got {
			ids = append(ids, j.ID)
		}
		if fmt.Sprint(ids) != fmt.Sprint(c.ids) {
			t.Errorf("%s: ids %v, want %v", c.query, ids, c.ids)
		}
	}

	// A full page links to the next.
	r := jobCall(t, "GET", url+"/api/jobs?state=queued&limit=1", nil)
	if link := r.Header.Get("Link"); !strings.Contains(link, "before=3") || !strings.Contains(link, "state=queued") {
		t.Errorf("Link %q", link)
	}
}

func TestJobListBadQuery(t *testing.T) {
	url, _ := jobsAPI(t)
	for _, q := range []string{"?state=stuck", "?state=QUEUED", "?limit=0", "?limit=x", "?before=-1", "?before=x"} {
		var body struct {
			Message string               `json:"message"`
			Errors  []shelter.FieldError `json:"errors"`
		}
		if r := jobCall(t, "GET", url+"/api/jobs"+q, &body); r.StatusCode != 400 || len(body.Errors) != 1 {
			t.Errorf("%s: %d %+v, want 400 with one field error", q, r.StatusCode, body)
		}
	}
}

func TestJobRoutesWithoutAQueue(t *testing.T) {
	st := storetest.Open(t, store.Options{})
	ts := httptest.NewServer(web.New(web.Deps{Pets: st, Events: st, DB: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler())
	t.Cleanup(ts.Close)
	for _, c := range [][2]string{{"GET", "/api/jobs"}, {"POST", "/api/jobs/1/retry"}} {
		if r := jobCall(t, c[0], ts.URL+c[1], nil); r.StatusCode != 501 {
			t.Errorf("%s %s: %d, want 501", c[0], c[1], r.StatusCode)
		}
	}
}

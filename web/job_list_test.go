package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
	"github.com/petstore/petstore/web"
)

// jobsAPI serves a store with its job queue (and no runner: jobs stay as
// the test puts them), through the harness that checks every exchange
// against the OpenAPI document.
func jobsAPI(t *testing.T) (*api, *store.Store) {
	t.Helper()
	st := storetest.Open(t, store.Options{CreateJobs: []string{shelter.JobFeedingReminder}})
	return serveStore(t, st), st
}

// jobCall sends a request without a body and decodes a JSON answer into out
// (when not nil).
func jobCall(t *testing.T, a *api, method, path string, out any) *resp {
	t.Helper()
	r := a.DoRaw(t, method, path, "", nil, nil)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("%s %s: Content-Type %q, body %s", method, path, ct, r.Body)
	}
	if out != nil {
		r.JSON(t, out)
	}
	return r
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
	a, st := jobsAPI(t)
	ps := jobTestPets(t, st, 3) // one feeding reminder each: jobs 1, 2, 3
	failJobByHand(t, st, 2)

	var all []shelter.Job
	if r := jobCall(t, a, "GET", "/api/jobs", &all); r.Status != 200 || len(all) != 3 {
		t.Fatalf("GET /api/jobs: %d, %d jobs", r.Status, len(all))
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
		if r := jobCall(t, a, "GET", "/api/jobs"+c.query, &got); r.Status != 200 {
			t.Errorf("%s: status %d", c.query, r.Status)
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
	r := jobCall(t, a, "GET", "/api/jobs?state=queued&limit=1", nil)
	if link := r.Header.Get("Link"); !strings.Contains(link, "before=3") || !strings.Contains(link, "state=queued") {
		t.Errorf("Link %q", link)
	}
}

func TestJobListBadQuery(t *testing.T) {
	a, _ := jobsAPI(t)
	for _, q := range []string{"?state=stuck", "?state=QUEUED", "?limit=0", "?limit=x", "?before=-1", "?before=x"} {
		var body struct {
			Message string               `json:"message"`
			Errors  []shelter.FieldError `json:"errors"`
		}
		if r := jobCall(t, a, "GET", "/api/jobs"+q, &body); r.Status != 400 || len(body.Errors) != 1 {
			t.Errorf("%s: %d %+v, want 400 with one field error", q, r.Status, body)
		}
	}
}

func TestJobRoutesWithoutAQueue(t *testing.T) {
	st := storetest.Open(t, store.Options{})
	a := serveDeps(t, st, web.Deps{Pets: st, Events: st, DB: st})
	for _, c := range [][2]string{{"GET", "/api/jobs"}, {"POST", "/api/jobs/1/retry"}} {
		if r := jobCall(t, a, c[0], c[1], nil); r.Status != 501 {
			t.Errorf("%s %s: %d, want 501", c[0], c[1], r.Status)
		}
	}
}

package web_test

import (
	"testing"

	"github.com/petstore/petstore/internal/shelter"
)

func TestJobRetry(t *testing.T) {
	a, st := jobsAPI(t)
	jobTestPets(t, st, 2)
	failJobByHand(t, st, 1)

	var j shelter.Job
	if r := jobCall(t, a, "POST", "/api/jobs/1/retry", &j); r.Status != 200 {
		t.Fatalf("retry: %d", r.Status)
	}
	if j.ID != 1 || j.State != shelter.JobQueued || j.Attempts != 0 || j.LastError != "boom" {
		t.Fatalf("retried job %+v", j)
	}
	got, err := st.FindJobByID(ctx, 1)
	if err != nil || got.State != shelter.JobQueued || got.Attempts != 0 || got.FinishedAt != 0 {
		t.Fatalf("stored job %+v, %v", got, err)
	}

	var e struct{ Message string }
	for _, c := range []struct {
		path   string
		status int
	}{
		{"/api/jobs/1/retry", 409}, // queued again: not failed any more
		{"/api/jobs/2/retry", 409}, // queued, never failed
		{"/api/jobs/99/retry", 404},
		{"/api/jobs/abc/retry", 404},
		{"/api/jobs/01/retry", 404},
		{"/api/jobs/0/retry", 404},
	} {
		if r := jobCall(t, a, "POST", c.path, &e); r.Status != c.status || e.Message == "" {
			t.Errorf("POST %s: %d %q, want %d with a message", c.path, r.Status, e.Message, c.status)
		}
	}
	if r := jobCall(t, a, "GET", "/api/jobs/1/retry", nil); r.Status != 405 {
		t.Errorf("GET retry: %d, want 405", r.Status)
	}
}

package web_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
	"github.com/petstore/petstore/web"
)

// newProfileAPI is the harness's api with the store as the server's
// ProfileRequester, as main wires it. Creates enqueue no job, so the only
// jobs are those the requests queue.
func newProfileAPI(t *testing.T) *api {
	t.Helper()
	st := storetest.Open(t, store.Options{CreateJobs: []string{}})
	return serveDeps(t, st, web.Deps{Pets: st, Events: st, DB: st, Profiles: st})
}

type profileQueued struct {
	Message       string `json:"message"`
	PetID         string `json:"petId"`
	JobID         int64  `json:"jobId"`
	AlreadyQueued bool   `json:"alreadyQueued"`
}

func TestPetProfileQueuesEnrichment(t *testing.T) {
	a := newProfileAPI(t)
	for _, ns := range shelter.Namespaces {
		t.Run(ns, func(t *testing.T) {
			r := a.Do(t, "POST", "/"+ns+"/pets", map[string]any{"name": "Luna", "species": "cat", "ageMonths": 18})
			if r.Status != 201 {
				t.Fatalf("create: %d %s", r.Status, r.Body)
			}
			var p shelter.Pet
			r.JSON(t, &p)

			r = a.Do(t, "POST", "/"+ns+"/pets/"+p.ID+"/profile", nil)
			if r.Status != http.StatusAccepted {
				t.Fatalf("POST profile: %d %s", r.Status, r.Body)
			}
			var q profileQueued
			r.JSON(t, &q)
			if q.Message != web.ProfileQueuedMessage || q.PetID != p.ID || q.JobID == 0 || q.AlreadyQueued {
				t.Fatalf("answer = %+v", q)
			}
			j, err := a.Store.FindJobByID(ctx, q.JobID)
			if err != nil || j.Kind != shelter.JobEnrichProfile || j.PetID != p.ID || j.Namespace != ns || j.State != shelter.JobQueued {
				t.Fatalf("job = %+v, %v", j, err)
			}
			evs, _ := a.Store.FindEvents(ctx, shelter.EventFilter{PetID: p.ID})
			if last := evs[len(evs)-1]; last.Type != ns+".profile_enrichment_enqueued" || last.Actor != testTokenName {
				t.Errorf("last event = %s by %s, want %s.profile_enrichment_enqueued by %s", last.Type, last.Actor, ns, testTokenName)
			}

			// Asking again before it runs answers the same job.
			r = a.Do(t, "POST", "/"+ns+"/pets/"+p.ID+"/profile", nil)
			var again profileQueued
			r.JSON(t, &again)
			if r.Status != http.StatusAccepted || again.JobID != q.JobID || !again.AlreadyQueued {
				t.Errorf("second POST: %d %+v, want 202 with job %d already queued", r.Status, again, q.JobID)
			}

			// The pet itself is untouched.
			r = a.Do(t, "GET", "/"+ns+"/pets/"+p.ID, nil)
			var got shelter.Pet
			r.JSON(t, &got)
			if got.Status != shelter.StatusNew || got.UpdatedAt != p.UpdatedAt {
				t.Errorf("pet after the request = %+v", got)
			}
		})
	}
}

func TestPetProfileErrors(t *testing.T) {
	a := newProfileAPI(t)
	r := a.Do(t, "POST", "/api/pets", map[string]any{"name": "Rex", "species": "dog", "ageMonths": 100})
	var p shelter.Pet
	r.JSON(t, &p)
	if r := a.Do(t, "DELETE", "/api/pets/"+p.ID, nil); r.Status != http.StatusAccepted {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	tests := []struct {
		name, path string
		status     int
		message    string
	}{
		{"unknown pet", "/api/pets/999/profile", 404, "Not found"},
		{"not an id", "/js/pets/abc/profile", 404, "Not found"},
		{"deleted pet", "/ts/pets/" + p.ID + "/profile", 409, "Pet " + p.ID + " is deleted: restore it before regenerating its profile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := a.Do(t, "POST", tt.path, nil)
			if r.Status != tt.status || r.Err(t).Message != tt.message {
				t.Errorf("POST %s = %d %s, want %d %q", tt.path, r.Status, r.Body, tt.status, tt.message)
			}
		})
	}
	if js, _ := a.Store.FindJobs(ctx, shelter.JobFilter{Kind: shelter.JobEnrichProfile}); len(js) != 0 {
		t.Errorf("failed requests queued %d jobs", len(js))
	}
}

func TestPetProfileWithoutRequesterIs501(t *testing.T) {
	st := storetest.Open(t, store.Options{CreateJobs: []string{}})
	d := web.Deps{Pets: st, Events: st, DB: st}
	_, cr := withAccounts(t, st, &d)
	srv := web.New(d)
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, bearerReq(httptest.NewRequest("POST", "/api/pets/1/profile", nil), cr.Token))
	if rec.Code != http.StatusNotImplemented {
		t.Errorf("POST profile without a requester = %d %s, want 501", rec.Code, rec.Body)
	}
}

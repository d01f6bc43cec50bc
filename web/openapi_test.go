package web_test

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/web"
)

// TestOpenAPIServed checks the served document is the embedded one, is
// OpenAPI 3.1, and that its routes and the server's agree.
func TestOpenAPIServed(t *testing.T) {
	a := newAPI(t, store.Options{})
	r := a.Do(t, "GET", "/openapi.json", nil)
	if r.Status != 200 || !bytes.Equal(r.Body, web.OpenAPI) {
		t.Fatalf("GET /openapi.json: %d, %d bytes (embedded: %d)", r.Status, len(r.Body), len(web.OpenAPI))
	}
	if a.doc.OpenAPI != "3.1.0" || !a.doc.IsOpenAPI31OrLater() {
		t.Errorf("openapi %q, want 3.1.0", a.doc.OpenAPI)
	}

	// Every documented operation is served, under every namespace.
	srv := web.New(web.Deps{Pets: a.Store, Events: a.Store, DB: a.Store})
	served := map[string]bool{}
	for _, rt := range srv.Echo().Routes() {
		served[rt.Method+" "+rt.Path] = true
	}
	documented := map[string]bool{}
	for path, item := range a.doc.Paths.Map() {
		for method := range item.Operations() {
			for _, ns := range shelter.Namespaces {
				p := strings.ReplaceAll(path, "{ns}", ns)
				p = strings.ReplaceAll(p, "{id}", ":id")
				p = strings.ReplaceAll(p, "{photoId}", ":photoId")
				p = strings.ReplaceAll(p, "{file}", ":file")
				documented[method+" "+p] = true
				if !served[method+" "+p] {
					t.Errorf("documented but not served: %s %s", method, p)
				}
			}
		}
	}
	// Every route of the JSON API is documented: everything under /api/
	// (pets, events, jobs, the reaper) and the namespaces' pets.
	for key := range served {
		_, path, _ := strings.Cut(key, " ")
		ours := path == "/healthz" || path == "/openapi.json" || strings.HasPrefix(path, "/api/")
		for _, ns := range shelter.Namespaces {
			ours = ours || strings.HasPrefix(path, "/"+ns+"/pets")
		}
		if ours && !documented[key] {
			t.Errorf("served but not documented: %s", key)
		}
	}
	// The admin-only operation that runs the reaper documents its refusals.
	op := a.doc.Paths.Find("/api/reaper/run")
	if op == nil || op.Post == nil {
		t.Fatal("POST /api/reaper/run is not documented")
	}
	for _, code := range []string{"200", "401", "403", "409"} {
		if op.Post.Responses.Value(code) == nil {
			t.Errorf("POST /api/reaper/run does not document %s", code)
		}
	}
}

// TestValidatorCatchesDrift proves the harness's check can fail: answers
// the server does not give, but a drifted server might, are refused.
func TestValidatorCatchesDrift(t *testing.T) {
	a := newAPI(t, store.Options{})
	pet := `{"id":"1","name":"Rex","species":"dog","ageMonths":2,"status":"new","createdAt":1,"updatedAt":1,"feedingIntervalMinutes":1440,"version":1}`
	jsonHeader := func(extra ...string) http.Header {
		h := http.Header{"Content-Type": {"application/json"}}
		for i := 0; i+1 < len(extra); i += 2 {
			h.Set(extra[i], extra[i+1])
		}
		return h
	}
	tests := []struct {
		name         string
		method, path string
		body         string
		status       int
		header       http.Header
		respBody     string
		ok           bool
	}{
		{"a good pet", "GET", "/api/pets/1", "", 200, jsonHeader(), pet, true},
		{"pet without id", "GET", "/api/pets/1", "", 200, jsonHeader(), strings.Replace(pet, `"id":"1",`, "", 1), false},
		{"pet with an undocumented field", "GET", "/api/pets/1", "", 200, jsonHeader(), strings.Replace(pet, `"id":"1"`, `"id":"1","colour":"red"`, 1), false},
		{"pet with an unknown status", "GET", "/js/pets/1", "", 200, jsonHeader(), strings.Replace(pet, `"new"`, `"asleep"`, 1), false},
		{"pet with age as a string", "GET", "/js/pets/1", "", 200, jsonHeader(), strings.Replace(pet, `2`, `"2"`, 1), false},
		{"undocumented status", "GET", "/api/pets/1", "", 418, jsonHeader(), `{"message":"teapot"}`, false},
		{"error with extra field", "GET", "/api/pets/1", "", 404, jsonHeader(), `{"message":"Not found","code":"x"}`, false},
		{"list without X-Total-Count", "GET", "/api/pets", "", 200, jsonHeader(), `[]`, false},
		{"list with X-Total-Count", "GET", "/api/pets", "", 200, jsonHeader("X-Total-Count", "0"), `[]`, true},
		{"accepted with a reason", "PUT", "/api/pets/1", `{"status":"healthy"}`, 202, jsonHeader(),
			`{"message":"m","petId":"1","previousStatus":"in_quarantine","requestedStatus":"healthy","status":"available","accepted":true,"reason":"x"}`, false},
		{"rejected without a reason", "PUT", "/api/pets/1", `{"status":"available"}`, 202, jsonHeader(),
			`{"message":"m","petId":"1","previousStatus":"in_quarantine","requestedStatus":"available","status":"in_quarantine","accepted":false}`, false},
		{"rejected with a reason", "PUT", "/api/pets/1", `{"status":"available"}`, 202, jsonHeader(),
			`{"message":"m","petId":"1","previousStatus":"in_quarantine","requestedStatus":"available","status":"in_quarantine","accepted":false,"reason":"r"}`, true},
		{"2xx to a request the document refuses", "POST", "/api/pets", `{"name":"Rex","species":"fish","ageMonths":2}`, 201, jsonHeader(), pet, false},
		{"unknown route answered 200", "GET", "/api/kittens", "", 200, jsonHeader(), `{}`, false},
		{"unknown route answered 404 text", "GET", "/api/kittens", "", 404, http.Header{"Content-Type": {"text/plain"}}, `Not found`, false},
		{"unknown namespace answered 404", "GET", "/zz/pets", "", 404, jsonHeader(), `{"message":"Not found"}`, true},
		{"API path answered with a page", "GET", "/js/pets/1/photo", "", 404, http.Header{"Content-Type": {"text/html"}}, `<p>`, false},
		{"a dashboard page", "GET", "/pets/1", "", 200, http.Header{"Content-Type": {"text/html"}}, `<p>`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctype := ""
			if tc.body != "" {
				ctype = "application/json"
			}
			err := a.check(tc.method, tc.path, ctype, []byte(tc.body), &resp{Status: tc.status, Header: tc.header, Body: []byte(tc.respBody)}, "Bearer "+a.Token)
			if (err == nil) != tc.ok {
				t.Errorf("check: %v, want ok=%v", err, tc.ok)
			}
		})
	}
	// Without a bearer token the document allows only 401 (and 4xx).
	for _, tc := range []struct {
		name   string
		status int
		body   string
		ok     bool
	}{
		{"200 without a token", 200, pet, false},
		{"401 without a token", 401, `{"message":"Authentication required"}`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := a.check("GET", "/api/pets/1", "", nil, &resp{Status: tc.status, Header: jsonHeader(), Body: []byte(tc.body)}, "")
			if (err == nil) != tc.ok {
				t.Errorf("check: %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

// TestOpenAPIStatusesMatchErrors checks each documented error status is
// one the error table can produce.
func TestOpenAPIStatusesMatchErrors(t *testing.T) {
	a := newAPI(t, store.Options{})
	allowed := []string{"200", "201", "202", "204", "304", "400", "401", "403", "404", "405", "409", "412", "413", "415", "500", "501", "503"}
	for path, item := range a.doc.Paths.Map() {
		for method, op := range item.Operations() {
			for code := range op.Responses.Map() {
				if !slices.Contains(allowed, code) {
					t.Errorf("%s %s documents %s", method, path, code)
				}
			}
		}
	}
}

package web_test

import (
	"net/http"
	"testing"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
)

// FuzzPetBody sends arbitrary bodies to create and update: whatever a
// client sends, the answer is never a 5xx and always matches the document
// (the harness checks both). The seed corpus runs in every `go test`;
// `go test -fuzz FuzzPetBody ./web/` explores further.
func FuzzPetBody(f *testing.F) {
	for _, seed := range []string{
		`{"name":"Rex","species":"dog","ageMonths":2}`,
		`{"name":"Rex","species":"dog","ageMonths":2,"notes":"n"}`,
		`{"status":"healthy"}`,
		`{"status":"deleted","name":"x"}`,
		`{"ageMonths":1e400}`,
		`{"ageMonths":-0}`,
		`{"ageMonths":12.0000000000000001}`,
		`{"ageMonths":9223372036854775808}`,
		`{"ageMonths":"12"}`,
		`{"name":null,"species":null,"ageMonths":null,"notes":null,"status":null}`,
		`{"name":"\ud800","species":"cat","ageMonths":1}`,
		"{\"name\":\"a\xffb\",\"species\":\"cat\",\"ageMonths\":1}",
		`{"name":"Rex","name":"Rex"}`,
		`{"__proto__":{}}`,
		`{"":1}`,
		`{}`,
		`[]`,
		`[{"name":"Rex"}]`,
		`"Rex"`,
		`0`,
		`null`,
		`{"a":{"b":{"c":{"d":[[[[[[]]]]]]}}}}`,
		`{"name":`,
		`{"name":"Rex"}}`,
		``,
		"\x00",
		"\ufeff{}",
	} {
		f.Add(seed)
	}
	a := newAPI(f, store.Options{})
	pet := a.Create(f, "api", "Target", shelter.SpeciesDog, 2)
	f.Fuzz(func(t *testing.T, body string) {
		for _, req := range []struct{ method, path string }{
			{"POST", "/api/pets"},
			{"PUT", "/js/pets/" + pet.ID},
		} {
			r := a.DoRaw(t, req.method, req.path, "application/json", []byte(body), nil)
			switch {
			case r.Status >= 500:
				t.Fatalf("%s %s %q: %d %s", req.method, req.path, body, r.Status, r.Body)
			case r.Status == http.StatusBadRequest:
				if e := r.Err(t); e.Message == "" {
					t.Fatalf("%q: 400 without a message", body)
				}
			}
		}
	})
}

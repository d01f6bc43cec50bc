package web_test

import (
	"net/http"
	"strings"
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
		// The reliability review's hostile text (issue 10).
		`{"name":"\u200b","species":"dog","ageMonths":1}`,
		`{"name":"\u200b\u200c\ufeff","species":"dog","ageMonths":1}`,
		`{"name":"Bu\u0000ddy","species":"dog","ageMonths":1}`,
		`{"name":"\u001b[31mRed\u001b[0m","species":"dog","ageMonths":1}`,
		`{"name":"Rex\u202egnp.exe","species":"dog","ageMonths":1}`,
		`{"name":"Rex\nMax","species":"dog","ageMonths":1}`,
		`{"name":"Rex","species":"dog","ageMonths":1,"notes":"line\nline\ttab"}`,
		`{"notes":"bell\u0007"}`,
		`{"notes":"\u2066isolate\u2069"}`,
		"{\"name\":\"\xc3\x28\",\"species\":\"dog\",\"ageMonths\":1}",
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

// FuzzPetListQuery sends arbitrary query strings to the pet list over a
// raw socket: never a 5xx, and every error is the JSON error body.
func FuzzPetListQuery(f *testing.F) {
	for _, seed := range []string{
		"q=Buddy", "q=%00", "q=Buddy%zz", "limit=+5", "limit=%205", "limit=5&limit=6",
		"q=" + strings.Repeat("a", 5000), "q=%ff%fe", "status=new&species=dog", "stauts=new",
		"cursor=abc", "cursor=%00", "q=%e2%80%ae", "&&&", "=", "q", "%zz=1", ";",
	} {
		f.Add(seed)
	}
	a := newAPI(f, store.Options{})
	a.Create(f, "js", "Target", shelter.SpeciesDog, 2)
	f.Fuzz(func(t *testing.T, query string) {
		if strings.ContainsAny(query, " \r\n#") || len(query) > 8000 {
			return // not a query string a request line can carry
		}
		r := rawDo(t, a.URL, "GET", "/js/pets?"+query, []string{"Authorization: Bearer " + a.Token}, nil)
		if r.Status >= 500 {
			t.Fatalf("%q: %d %s", query, r.Status, r.Body)
		}
		if r.Status >= 400 {
			if err := a.checkErrorBody(r); err != nil {
				t.Fatalf("%q: %d %v", query, r.Status, err)
			}
		}
	})
}

package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
)

// TestStatusCodes walks every status code of the API contract under every
// namespace.
func TestStatusCodes(t *testing.T) {
	a := newAPI(t, store.Options{})
	big := `{"name":"Big","species":"dog","ageMonths":1,"notes":"` + strings.Repeat("x", 64<<10) + `"}`
	for _, ns := range shelter.Namespaces {
		t.Run(ns, func(t *testing.T) {
			base := "/" + ns + "/pets"
			live := a.Create(t, ns, "Live", shelter.SpeciesCat, 3)
			gone := a.Create(t, ns, "Gone", shelter.SpeciesDog, 5)
			if r := a.Do(t, "DELETE", base+"/"+gone.ID, nil); r.Status != http.StatusAccepted {
				t.Fatalf("delete: %d", r.Status)
			}
			tests := []struct {
				name, method, path string
				ctype              string // "" sends application/json when there is a body
				body               string
				want               int
				message            string // prefix of the error message
			}{
				{"create", "POST", base, "", `{"name":"Rex","species":"dog","ageMonths":2}`, 201, ""},
				{"create invalid", "POST", base, "", `{"name":"","species":"fish","ageMonths":-1}`, 400, shelter.InvalidPayloadMessage},
				{"create malformed", "POST", base, "", `{"name":`, 400, "Invalid JSON: "},
				{"create array", "POST", base, "", `[]`, 400, "Invalid JSON: "},
				{"create empty body", "POST", base, "", ``, 400, "Invalid JSON: "},
				{"create trailing data", "POST", base, "", `{"name":"Rex","species":"dog","ageMonths":2} {}`, 400, "Invalid JSON: "},
				{"create text/plain", "POST", base, "text/plain", `{"name":"Rex","species":"dog","ageMonths":2}`, 415, "Unsupported media type"},
				{"create no content type", "POST", base, "-", `{"name":"Rex","species":"dog","ageMonths":2}`, 415, "Unsupported media type"},
				{"create form", "POST", base, "application/x-www-form-urlencoded", `name=Rex`, 415, "Unsupported media type"},
				{"create json with charset", "POST", base, "application/json; charset=utf-8", `{"name":"Rex","species":"dog","ageMonths":2}`, 201, ""},
				{"create too large", "POST", base, "", big, 413, "Request body too large"},
				{"list", "GET", base, "", "", 200, ""},
				{"list filtered", "GET", base + "?status=new&species=cat&q=li&limit=5", "", "", 200, ""},
				{"list bad limit", "GET", base + "?limit=0", "", "", 400, "Invalid query parameters"},
				{"list limit too big", "GET", base + "?limit=1001", "", "", 400, "Invalid query parameters"},
				{"list limit not a number", "GET", base + "?limit=ten", "", "", 400, "Invalid query parameters"},
				{"list bad status", "GET", base + "?status=sleepy", "", "", 400, "Invalid query parameters"},
				{"list bad species", "GET", base + "?species=fish", "", "", 400, "Invalid query parameters"},
				{"list bad cursor", "GET", base + "?cursor=%21%21", "", "", 400, "Invalid cursor"},
				{"get", "GET", base + "/" + live.ID, "", "", 200, ""},
				{"get deleted", "GET", base + "/" + gone.ID, "", "", 200, ""},
				{"get unknown", "GET", base + "/999999", "", "", 404, "Not found"},
				{"get not an id", "GET", base + "/abc", "", "", 404, "Not found"},
				{"update fields", "PUT", base + "/" + live.ID, "", `{"notes":"shy"}`, 200, ""},
				{"update status", "PUT", base + "/" + live.ID, "", `{"status":"healthy"}`, 202, ""},
				{"update unknown status", "PUT", base + "/" + live.ID, "", `{"status":"sleepy"}`, 400, shelter.InvalidPayloadMessage},
				{"update empty", "PUT", base + "/" + live.ID, "", `{}`, 400, "Nothing to update"},
				{"update null", "PUT", base + "/" + live.ID, "", `null`, 400, "Invalid JSON: "},
				{"update malformed", "PUT", base + "/" + live.ID, "", `{"notes":}`, 400, "Invalid JSON: "},
				{"update text/plain", "PUT", base + "/" + live.ID, "text/plain", `{"notes":"x"}`, 415, "Unsupported media type"},
				{"update unknown pet", "PUT", base + "/999999", "", `{"notes":"x"}`, 404, "Not found"},
				{"update deleted pet's fields", "PUT", base + "/" + gone.ID, "", `{"notes":"x"}`, 409, "Pet " + gone.ID + " is deleted"},
				{"update too large", "PUT", base + "/" + live.ID, "", big, 413, "Request body too large"},
				{"delete unknown", "DELETE", base + "/999999", "", "", 404, "Not found"},
				{"restore not deleted", "POST", base + "/" + live.ID + "/restore", "", "", 409, "Pet " + live.ID + " is not deleted"},
				{"restore unknown", "POST", base + "/999999/restore", "", "", 404, "Not found"},
				{"restore", "POST", base + "/" + gone.ID + "/restore", "", "", 200, ""},
				{"delete", "DELETE", base + "/" + gone.ID, "", "", 202, ""},
				{"events", "GET", base + "/" + live.ID + "/events", "", "", 200, ""},
				{"events of unknown pet", "GET", base + "/999999/events", "", "", 404, "Not found"},
				{"events bad after", "GET", base + "/" + live.ID + "/events?after=-1", "", "", 400, "Invalid query parameters"},
				{"wrong method on item", "PATCH", base + "/" + live.ID, "", "", 405, "Method not allowed"},
				{"wrong method on collection", "DELETE", base, "", "", 405, "Method not allowed"},
				{"unknown route", "GET", "/" + ns + "/kittens", "", "", 404, "Not found"},
				{"unknown sub-route", "GET", base + "/" + live.ID + "/videos", "", "", 404, "Not found"},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					var raw []byte
					ctype := tc.ctype
					if tc.body != "" || tc.method == "POST" && strings.Contains(tc.name, "empty body") {
						raw = []byte(tc.body)
						if ctype == "" {
							ctype = "application/json"
						}
					}
					if ctype == "-" {
						ctype = ""
					}
					r := a.DoRaw(t, tc.method, tc.path, ctype, raw, nil)
					if r.Status != tc.want {
						t.Fatalf("status %d, want %d: %s", r.Status, tc.want, r.Body)
					}
					if tc.want >= 400 {
						if e := r.Err(t); !strings.HasPrefix(e.Message, tc.message) {
							t.Errorf("message %q, want prefix %q", e.Message, tc.message)
						}
					}
				})
			}
		})
	}
	for _, tc := range []struct {
		path string
		want int
	}{
		{"/api/events", 200},
		{"/api/events?after=3&limit=2", 200},
		{"/api/events?limit=0", 400},
		{"/api/events?after=x", 400},
		{"/nope/pets", 404},
		{"/api/nope", 404},
		{"/api", 404},
	} {
		if r := a.Do(t, "GET", tc.path, nil); r.Status != tc.want {
			t.Errorf("GET %s: %d, want %d: %s", tc.path, r.Status, tc.want, r.Body)
		}
	}
	if r := a.Do(t, "POST", "/api/events", `{}`); r.Status != 405 {
		t.Errorf("POST /api/events: %d, want 405", r.Status)
	}
}

// TestBodyLimit checks the limit is 64 KiB exactly, with and without a
// Content-Length.
func TestBodyLimit(t *testing.T) {
	a := newAPI(t, store.Options{})
	body := func(size int) []byte {
		b := []byte(`{"name":"Pad","species":"dog","ageMonths":1}`)
		return append(b, []byte(strings.Repeat(" ", size-len(b)))...)
	}
	for _, chunked := range []bool{false, true} {
		var h map[string]string
		if chunked {
			h = map[string]string{"chunked": "1"}
		}
		if r := a.DoRaw(t, "POST", "/api/pets", "application/json", body(64<<10), h); r.Status != http.StatusCreated {
			t.Errorf("chunked=%v: 64 KiB body: %d %s", chunked, r.Status, r.Body)
		}
		r := a.DoRaw(t, "POST", "/api/pets", "application/json", body(64<<10+1), h)
		if r.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("chunked=%v: 64 KiB + 1 body: %d %s", chunked, r.Status, r.Body)
		}
	}
}

// TestCreate checks the created pet and its events in every namespace, and
// that all namespaces share one store.
func TestCreate(t *testing.T) {
	a := newAPI(t, store.Options{})
	var ids []string
	for _, ns := range shelter.Namespaces {
		before := time.Now().UnixMilli()
		r := a.Do(t, "POST", "/"+ns+"/pets", `{"name":"  Buddy  ","species":"dog","ageMonths":24}`)
		if r.Status != http.StatusCreated {
			t.Fatalf("%s: %d %s", ns, r.Status, r.Body)
		}
		var m map[string]any
		r.JSON(t, &m)
		for _, k := range []string{"notes", "nextFeedingAt", "deletedAt", "purgeAt", "profile"} {
			if _, ok := m[k]; ok {
				t.Errorf("%s: unset %s is in the answer: %s", ns, k, r.Body)
			}
		}
		var p shelter.Pet
		r.JSON(t, &p)
		if p.Name != "Buddy" || p.Species != "dog" || p.AgeMonths != 24 || p.Status != shelter.StatusNew ||
			p.CreatedAt < before || p.UpdatedAt != p.CreatedAt {
			t.Errorf("%s: created %+v", ns, p)
		}
		if slices.Contains(ids, p.ID) {
			t.Errorf("%s: id %s reused", ns, p.ID)
		}
		ids = append(ids, p.ID)
		evs := a.Events(t, ns, p.ID)
		if len(evs) == 0 || evs[0].Type != ns+".pet.created" || evs[0].Actor != testTokenName || evs[0].Namespace != ns {
			t.Errorf("%s: first event %+v", ns, evs)
		}
		for _, e := range evs {
			if e.Namespace != ns || !strings.HasPrefix(e.Type, ns+".") {
				t.Errorf("%s: event %s in namespace %s", ns, e.Type, e.Namespace)
			}
		}
	}
	if want := []string{"1", "2", "3", "4"}; !slices.Equal(ids, want) {
		t.Errorf("ids %v, want %v", ids, want)
	}
	// One store: a pet created under /js is served under every prefix.
	for _, ns := range shelter.Namespaces {
		if p := a.Get(t, ns, "2"); p.Name != "Buddy" {
			t.Errorf("%s/pets/2: %+v", ns, p)
		}
	}
}

// TestCreateValidation covers the create rules: every problem is reported,
// JSON types are never coerced.
func TestCreateValidation(t *testing.T) {
	a := newAPI(t, store.Options{})
	long := strings.Repeat("é", 101)
	tests := []struct {
		name   string
		body   string
		fields []string // nil: accepted
	}{
		{"valid", `{"name":"Rex","species":"dog","ageMonths":2}`, nil},
		{"valid with notes", `{"name":"Rex","species":"other","ageMonths":0,"notes":"found in the park"}`, nil},
		{"age 12.0 is twelve", `{"name":"Rex","species":"cat","ageMonths":12.0}`, nil},
		{"age 1.2e1 is twelve", `{"name":"Rex","species":"cat","ageMonths":1.2e1}`, nil},
		{"age 600", `{"name":"Rex","species":"bird","ageMonths":600}`, nil},
		{"name of 100 characters", `{"name":"` + strings.Repeat("é", 100) + `","species":"dog","ageMonths":2}`, nil},
		{"empty object", `{}`, []string{"name", "species", "ageMonths"}},
		{"name empty", `{"name":"","species":"dog","ageMonths":2}`, []string{"name"}},
		{"name blank", `{"name":"   ","species":"dog","ageMonths":2}`, []string{"name"}},
		{"name too long", `{"name":"` + long + `","species":"dog","ageMonths":2}`, []string{"name"}},
		{"name a number", `{"name":5,"species":"dog","ageMonths":2}`, []string{"name"}},
		{"name null", `{"name":null,"species":"dog","ageMonths":2}`, []string{"name"}},
		{"name an object", `{"name":{"first":"Rex"},"species":"dog","ageMonths":2}`, []string{"name"}},
		{"species unknown", `{"name":"Rex","species":"fish","ageMonths":2}`, []string{"species"}},
		{"species upper case", `{"name":"Rex","species":"Dog","ageMonths":2}`, []string{"species"}},
		{"species a number", `{"name":"Rex","species":1,"ageMonths":2}`, []string{"species"}},
		{"age a string", `{"name":"Rex","species":"dog","ageMonths":"12"}`, []string{"ageMonths"}},
		{"age a fraction", `{"name":"Rex","species":"dog","ageMonths":12.5}`, []string{"ageMonths"}},
		{"age negative", `{"name":"Rex","species":"dog","ageMonths":-1}`, []string{"ageMonths"}},
		{"age too old", `{"name":"Rex","species":"dog","ageMonths":601}`, []string{"ageMonths"}},
		{"age overflows", `{"name":"Rex","species":"dog","ageMonths":1e400}`, []string{"ageMonths"}},
		{"age huge integer", `{"name":"Rex","species":"dog","ageMonths":99999999999999999999999}`, []string{"ageMonths"}},
		{"age null", `{"name":"Rex","species":"dog","ageMonths":null}`, []string{"ageMonths"}},
		{"age true", `{"name":"Rex","species":"dog","ageMonths":true}`, []string{"ageMonths"}},
		{"notes a number", `{"name":"Rex","species":"dog","ageMonths":2,"notes":7}`, []string{"notes"}},
		{"notes too long", `{"name":"Rex","species":"dog","ageMonths":2,"notes":"` + strings.Repeat("n", 2001) + `"}`, []string{"notes"}},
		{"unknown field", `{"name":"Rex","species":"dog","ageMonths":2,"colour":"brown"}`, []string{"colour"}},
		{"id", `{"id":"7","name":"Rex","species":"dog","ageMonths":2}`, []string{"id"}},
		{"status", `{"name":"Rex","species":"dog","ageMonths":2,"status":"available"}`, []string{"status"}},
		{"timestamps", `{"name":"Rex","species":"dog","ageMonths":2,"createdAt":1,"updatedAt":1,"deletedAt":1,"purgeAt":1,"nextFeedingAt":1}`,
			[]string{"createdAt", "updatedAt", "deletedAt", "purgeAt", "nextFeedingAt"}},
		{"profile", `{"name":"Rex","species":"dog","ageMonths":2,"profile":{}}`, []string{"profile"}},
		{"name twice", `{"name":"Rex","name":"Max","species":"dog","ageMonths":2}`, []string{"name"}},
		{"everything wrong", `{"name":1,"species":"fish","ageMonths":"2","notes":false,"id":"1","x":1}`,
			[]string{"name", "species", "ageMonths", "notes", "id", "x"}},
	}
	for _, ns := range shelter.Namespaces {
		for _, tc := range tests {
			t.Run(ns+"/"+tc.name, func(t *testing.T) {
				total := countPets(t, a)
				r := a.Do(t, "POST", "/"+ns+"/pets", tc.body)
				if tc.fields == nil {
					if r.Status != http.StatusCreated {
						t.Fatalf("status %d, want 201: %s", r.Status, r.Body)
					}
					return
				}
				if r.Status != http.StatusBadRequest {
					t.Fatalf("status %d, want 400: %s", r.Status, r.Body)
				}
				e := r.Err(t)
				if e.Message != shelter.InvalidPayloadMessage {
					t.Errorf("message %q", e.Message)
				}
				if got := e.fields(); !slices.Equal(got, tc.fields) {
					t.Errorf("fields %v, want %v (%s)", got, tc.fields, r.Body)
				}
				for _, f := range e.Errors {
					if f.Message == "" {
						t.Errorf("field %s has no message", f.Field)
					}
				}
				if n := countPets(t, a); n != total {
					t.Errorf("a rejected create stored a pet: %d pets, had %d", n, total)
				}
			})
		}
	}
	// The messages are the domain's, shared with the dashboard.
	r := a.Do(t, "POST", "/api/pets", `{"name":"Rex","species":"fish","ageMonths":-1}`)
	e := r.Err(t)
	if len(e.Errors) != 2 || e.Errors[0].Message != shelter.SpeciesMessage || e.Errors[1].Message != shelter.AgeMessage {
		t.Errorf("messages %+v", e.Errors)
	}
}

func countPets(t testing.TB, a *api) int {
	t.Helper()
	r := a.Do(t, "GET", "/api/pets?limit=1", nil)
	n := 0
	for _, c := range r.Header.Get("X-Total-Count") {
		n = n*10 + int(c-'0')
	}
	return n
}

// TestUpdateFields covers a PUT without a status.
func TestUpdateFields(t *testing.T) {
	a := newAPI(t, store.Options{})
	p := a.Create(t, "ts", "Rex", shelter.SpeciesDog, 2)
	r := a.Do(t, "PUT", "/ts/pets/"+p.ID, `{"name":" Max ","species":"cat","ageMonths":3,"notes":" calm "}`)
	if r.Status != http.StatusOK {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	var got shelter.Pet
	r.JSON(t, &got)
	if got.Name != "Max" || got.Species != "cat" || got.AgeMonths != 3 || got.Notes != "calm" || got.Status != shelter.StatusNew || got.UpdatedAt < got.CreatedAt {
		t.Errorf("updated %+v", got)
	}
	if again := a.Get(t, "js", p.ID); again.Name != "Max" || again.Notes != "calm" {
		t.Errorf("stored %+v", again)
	}
	evs := a.Events(t, "ts", p.ID)
	if last := evs[len(evs)-1]; last.Type != "ts.pet.updated" {
		t.Errorf("last event %+v", last)
	}
	for _, tc := range []struct {
		body   string
		fields []string
	}{
		{`{"name":""}`, []string{"name"}},
		{`{"ageMonths":"3"}`, []string{"ageMonths"}},
		{`{"species":"fish","status":"sleepy"}`, []string{"species", "status"}},
		{`{"status":null}`, []string{"status"}},
		{`{"status":7}`, []string{"status"}},
		{`{"id":"9"}`, []string{"id"}},
		{`{"createdAt":1}`, []string{"createdAt"}},
		{`{"colour":"red","notes":"x"}`, []string{"colour"}},
	} {
		r := a.Do(t, "PUT", "/ts/pets/"+p.ID, tc.body)
		if r.Status != http.StatusBadRequest {
			t.Errorf("%s: %d %s", tc.body, r.Status, r.Body)
			continue
		}
		if e := r.Err(t); e.Message != shelter.InvalidPayloadMessage || !slices.Equal(e.fields(), tc.fields) {
			t.Errorf("%s: %s, want fields %v", tc.body, r.Body, tc.fields)
		}
	}
	if again := a.Get(t, "ts", p.ID); again.Name != "Max" || again.Species != "cat" {
		t.Errorf("a rejected update changed the pet: %+v", again)
	}
	r = a.Do(t, "PUT", "/ts/pets/"+p.ID, `{}`)
	if e := r.Err(t); r.Status != 400 || !strings.Contains(e.Message, "Nothing to update") || len(e.Errors) != 0 {
		t.Errorf("empty PUT: %d %s", r.Status, r.Body)
	}
}

// TestList covers filters, paging and the headers.
func TestList(t *testing.T) {
	a := newAPI(t, store.Options{})
	names := []string{"Rex", "Max", "Bella", "Maxine", "Luna", "Rex_1", "Rex%"}
	for i, n := range names {
		sp := shelter.SpeciesList[i%len(shelter.SpeciesList)]
		a.Create(t, shelter.Namespaces[i%len(shelter.Namespaces)], n, sp, i)
	}
	if r := a.Do(t, "DELETE", "/api/pets/3", nil); r.Status != 202 {
		t.Fatal(r.Status)
	}
	list := func(q string) ([]string, *resp) {
		t.Helper()
		r := a.Do(t, "GET", "/py/pets"+q, nil)
		if r.Status != 200 {
			t.Fatalf("GET %s: %d %s", q, r.Status, r.Body)
		}
		var ps []shelter.Pet
		r.JSON(t, &ps)
		var out []string
		for _, p := range ps {
			out = append(out, p.Name)
		}
		return out, r
	}
	for _, tc := range []struct {
		q     string
		want  []string
		total string
	}{
		{"", names, "7"},
		{"?q=max", []string{"Max", "Maxine"}, "2"},
		{"?q=MAX", []string{"Max", "Maxine"}, "2"},
		{"?q=_", []string{"Rex_1"}, "1"},
		{"?q=%25", []string{"Rex%"}, "1"},
		{"?species=dog", []string{"Rex", "Luna"}, "2"},
		{"?status=deleted", []string{"Bella"}, "1"},
		{"?status=new&species=cat", []string{"Max", "Rex_1"}, "2"},
		{"?q=nobody", nil, "0"},
	} {
		got, r := list(tc.q)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.q, got, tc.want)
		}
		if h := r.Header.Get("X-Total-Count"); h != tc.total {
			t.Errorf("%s: X-Total-Count %q, want %s", tc.q, h, tc.total)
		}
		if l := r.Header.Get("Link"); l != "" {
			t.Errorf("%s: Link %q on the only page", tc.q, l)
		}
		if tc.want == nil && strings.TrimSpace(string(r.Body)) != "[]" {
			t.Errorf("%s: empty list is %s, want []", tc.q, r.Body)
		}
	}
	// Follow the Link headers, keeping the filters.
	var all []string
	next := "/py/pets?q=e&limit=2"
	pages := 0
	for next != "" {
		r := a.Do(t, "GET", next, nil)
		var ps []shelter.Pet
		r.JSON(t, &ps)
		for _, p := range ps {
			all = append(all, p.Name)
		}
		if r.Header.Get("X-Total-Count") != "5" {
			t.Errorf("page %s: X-Total-Count %q", next, r.Header.Get("X-Total-Count"))
		}
		next = ""
		if l := r.Header.Get("Link"); l != "" {
			if !strings.HasPrefix(l, "</py/pets?") || !strings.HasSuffix(l, `>; rel="next"`) || !strings.Contains(l, "q=e") || !strings.Contains(l, "limit=2") {
				t.Fatalf("Link %q", l)
			}
			next = strings.TrimSuffix(strings.TrimPrefix(l, "<"), `>; rel="next"`)
		}
		if pages++; pages > 5 {
			t.Fatal("paging does not end")
		}
	}
	if want := []string{"Rex", "Bella", "Maxine", "Rex_1", "Rex%"}; !slices.Equal(all, want) || pages != 3 {
		t.Errorf("paged %v in %d pages, want %v in 3", all, pages, want)
	}
}

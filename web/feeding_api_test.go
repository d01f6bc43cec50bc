package web_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
)

// TestFeedingRoutes covers POST and GET /{ns}/pets/:id/feedings and the
// feeding filter, every status code.
func TestFeedingRoutes(t *testing.T) {
	a := newAPI(t, store.Options{})
	for _, ns := range shelter.Namespaces {
		t.Run(ns, func(t *testing.T) {
			base := "/" + ns + "/pets/"
			p := a.Create(t, ns, "Luna", shelter.SpeciesCat, 2)
			adopted := a.Create(t, ns, "Ada", shelter.SpeciesDog, 30)
			quarantine(t, a.Store, ns, adopted.ID)
			for _, st := range []shelter.Status{shelter.StatusHealthy, shelter.StatusPending, shelter.StatusAdopted} {
				a.Ask(t, ns, adopted.ID, st)
			}
			gone := a.Create(t, ns, "Gone", shelter.SpeciesDog, 5)
			a.Do(t, "DELETE", base+gone.ID, nil)
			future := strconv.FormatInt(time.Now().Add(time.Hour).UnixMilli(), 10)
			tests := []struct {
				name, method, path, body string
				want                     int
				message                  string
			}{
				{"feed now", "POST", base + p.ID + "/feedings", "", 201, ""},
				{"feed with a note", "POST", base + p.ID + "/feedings", `{"note":"half a tin","fedAt":` + strconv.FormatInt(time.Now().Add(-time.Minute).UnixMilli(), 10) + `}`, 201, ""},
				{"feed in the future", "POST", base + p.ID + "/feedings", `{"fedAt":` + future + `}`, 400, "Invalid feeding"},
				{"feed with an unknown field", "POST", base + p.ID + "/feedings", `{"food":"tuna"}`, 400, "Invalid feeding"},
				{"feed with a note too long", "POST", base + p.ID + "/feedings", `{"note":"` + strings.Repeat("x", 2001) + `"}`, 400, "Invalid feeding"},
				{"feed malformed", "POST", base + p.ID + "/feedings", `{"note":`, 400, "Invalid JSON"},
				{"feed an adopted pet", "POST", base + adopted.ID + "/feedings", "", 409, "Ada is adopted"},
				{"feed a deleted pet", "POST", base + gone.ID + "/feedings", "", 409, "Gone is deleted"},
				{"feed an unknown pet", "POST", base + "999999/feedings", "", 404, "Not found"},
				{"list", "GET", base + p.ID + "/feedings", "", 200, ""},
				{"list bad limit", "GET", base + p.ID + "/feedings?limit=0", "", 400, "Invalid query parameters"},
				{"list of an unknown pet", "GET", base + "999999/feedings", "", 404, "Not found"},
				{"filter due", "GET", "/" + ns + "/pets?feeding=due", "", 200, ""},
				{"filter overdue", "GET", "/" + ns + "/pets?feeding=overdue", "", 200, ""},
				{"filter unknown", "GET", "/" + ns + "/pets?feeding=hungry", "", 400, "Invalid query parameters"},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					var body any
					if tc.body != "" {
						body = tc.body
					}
					r := a.Do(t, tc.method, strings.TrimSuffix(tc.path, "/"), body)
					if r.Status != tc.want {
						t.Fatalf("%d %s, want %d", r.Status, r.Body, tc.want)
					}
					if tc.message != "" && !strings.HasPrefix(r.Err(t).Message, tc.message) {
						t.Fatalf("message %q, want %q…", r.Err(t).Message, tc.message)
					}
				})
			}
			var fs []shelter.Feeding
			a.Do(t, "GET", base+p.ID+"/feedings", nil).JSON(t, &fs)
			if len(fs) != 2 || fs[0].Note != "" || fs[1].Note != "half a tin" || fs[0].Actor != testTokenName {
				t.Fatalf("feedings newest first: %+v", fs)
			}
			got := a.Get(t, ns, p.ID)
			if got.LastFedAt != fs[0].FedAt || got.NextFeedingAt != fs[0].FedAt+24*3600*1000 {
				t.Fatalf("pet after feedings: %+v", got)
			}
			fed := 0
			for _, e := range a.Events(t, ns, p.ID) {
				if e.Type == ns+".pet.fed" && e.Actor == testTokenName {
					fed++
				}
			}
			if fed != 2 {
				t.Fatalf("%d %s.pet.fed events", fed, ns)
			}
			if a.Get(t, ns, adopted.ID).NextFeedingAt != 0 {
				t.Fatal("an adopted pet shows a next feeding")
			}
		})
	}
}

// TestIfMatch covers ETag, If-Match and 412 on PUT and DELETE.
func TestIfMatch(t *testing.T) {
	a := newAPI(t, store.Options{})
	p := a.Create(t, "api", "Luna", shelter.SpeciesCat, 2)
	r := a.Do(t, "GET", "/api/pets/"+p.ID, nil)
	if r.Header.Get("ETag") != `"1"` {
		t.Fatalf("ETag %q", r.Header.Get("ETag"))
	}
	put := func(ifMatch, body string) *resp {
		return a.DoRaw(t, "PUT", "/api/pets/"+p.ID, "application/json", []byte(body), map[string]string{"If-Match": ifMatch})
	}
	if r := put(`"1"`, `{"notes":"first"}`); r.Status != 200 || r.Header.Get("ETag") != `"2"` {
		t.Fatalf("matching If-Match: %d %s %q", r.Status, r.Body, r.Header.Get("ETag"))
	}
	r = put(`"1"`, `{"notes":"stale"}`)
	if r.Status != http.StatusPreconditionFailed || r.Header.Get("ETag") != `"2"` {
		t.Fatalf("stale If-Match: %d %s", r.Status, r.Body)
	}
	var stale struct {
		Message string
		Pet     shelter.Pet
	}
	r.JSON(t, &stale)
	if stale.Pet.Notes != "first" || stale.Pet.Version != 2 || !strings.Contains(stale.Message, "has changed") {
		t.Fatalf("412 body %+v", stale)
	}
	for _, tag := range []string{`W/"2"`, `*`, ``} {
		if r := put(tag, `{"status":"in_quarantine"}`); r.Status != 202 {
			t.Fatalf("If-Match %q: %d %s", tag, r.Status, r.Body)
		}
	}
	for _, tag := range []string{`"abc"`, `2`, `""`} {
		// No version matches it (RFC 9110: 412), and the message says what to send.
		if r := put(tag, `{"notes":"x"}`); r.Status != 412 || !strings.Contains(string(r.Body), "If-Match names no version") {
			t.Fatalf("If-Match %s naming no version: %d %s", tag, r.Status, r.Body)
		}
	}
	// DELETE honours If-Match too, and keeps a reason.
	cur := a.Get(t, "api", p.ID)
	del := func(ifMatch, body string) *resp {
		ct := ""
		var raw []byte
		if body != "" {
			ct, raw = "application/json", []byte(body)
		}
		return a.DoRaw(t, "DELETE", "/api/pets/"+p.ID, ct, raw, map[string]string{"If-Match": ifMatch})
	}
	if r := del(`"`+strconv.FormatInt(cur.Version-1, 10)+`"`, ""); r.Status != 412 {
		t.Fatalf("stale delete: %d %s", r.Status, r.Body)
	}
	if r := del("", `{"reason":"x","why":"y"}`); r.Status != 400 {
		t.Fatalf("delete with an unknown field: %d %s", r.Status, r.Body)
	}
	if r := del(`"`+strconv.FormatInt(cur.Version, 10)+`"`, `{"reason":"Duplicate record"}`); r.Status != 202 {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	evs := a.Events(t, "api", p.ID)
	if last := evs[len(evs)-1]; last.Type != "api.pet.soft.deleted" || !strings.Contains(string(last.Data), "Duplicate record") {
		t.Fatalf("delete event %+v", last)
	}
	// Without If-Match the API behaves as before.
	if r := a.Do(t, "DELETE", "/api/pets/"+p.ID, nil); r.Status != 202 {
		t.Fatalf("delete again: %d", r.Status)
	}
}

// TestTransitionRecords covers a status's note and adopter over HTTP.
func TestTransitionRecords(t *testing.T) {
	a := newAPI(t, store.Options{})
	p := a.Create(t, "api", "Luna", shelter.SpeciesCat, 2)
	quarantine(t, a.Store, "api", p.ID)
	tests := []struct {
		name, body string
		want       int
		field      string
	}{
		{"note without a status", `{"note":"x"}`, 400, "note"},
		{"note too long", `{"status":"ill","note":"` + strings.Repeat("x", 2001) + `"}`, 400, "note"},
		{"adopter with another status", `{"status":"healthy","adopter":{"name":"Ada"}}`, 400, "adopter"},
		{"adopter without a name", `{"status":"pending","adopter":{"email":"ada@example.org"}}`, 400, "adopter.name"},
		{"adopter with a bad email", `{"status":"pending","adopter":{"name":"Ada","email":"ada@"}}`, 400, "adopter.email"},
		{"adopter with an unknown field", `{"status":"pending","adopter":{"name":"Ada","age":3}}`, 400, "adopter.age"},
		{"adopter not an object", `{"status":"pending","adopter":"Ada"}`, 400, "adopter"},
		{"interval too short", `{"feedingIntervalMinutes":5}`, 400, "feedingIntervalMinutes"},
		{"ill with a diagnosis", `{"status":"ill","note":"Ear mites"}`, 202, ""},
		{"own interval", `{"feedingIntervalMinutes":480}`, 200, ""},
		{"recovered with a summary", `{"status":"recovered","note":"Drops for 10 days"}`, 202, ""},
		{"pending with an applicant", `{"status":"pending","adopter":{"name":"Ada Lovelace","email":"ada@example.org","phone":"+44 20 7946 0000"}}`, 202, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := a.Do(t, "PUT", "/api/pets/"+p.ID, tc.body)
			if r.Status != tc.want {
				t.Fatalf("%d %s, want %d", r.Status, r.Body, tc.want)
			}
			if tc.field != "" && !strings.Contains(strings.Join(r.Err(t).fields(), ","), tc.field) {
				t.Fatalf("fields %v, want %s", r.Err(t).fields(), tc.field)
			}
		})
	}
	got := a.Get(t, "api", p.ID)
	if got.Status != shelter.StatusPending || got.Adopter == nil || got.Adopter.Name != "Ada Lovelace" || got.FeedingIntervalMinutes != 480 {
		t.Fatalf("pet %+v", got)
	}
	var today shelter.Today
	if r := a.Do(t, "GET", "/api/today", nil); r.Status != 200 {
		t.Fatalf("today: %d %s", r.Status, r.Body)
	} else {
		r.JSON(t, &today)
	}
	if today.Pending.Total != 1 || today.Pending.Pets[0].Adopter.Name != "Ada Lovelace" || today.Arrived.Total != 1 {
		t.Fatalf("today %+v", today)
	}
	// A bare pending still works (the seed's contract).
	a.Do(t, "PUT", "/api/pets/"+p.ID, `{"status":"available","note":"Withdrawn"}`)
	if got := a.Get(t, "api", p.ID); got.Adopter != nil || got.StatusNote != "Withdrawn" {
		t.Fatalf("after withdrawal %+v", got)
	}
	if sc := a.Ask(t, "api", p.ID, shelter.StatusPending); !sc.Accepted {
		t.Fatalf("bare pending: %+v", sc)
	}
	if r := a.Do(t, "GET", "/api/today", nil); r.Status != 200 {
		t.Fatal(r.Status)
	}
}

// A status request for the status a pet already has, sent with fields:
// the fields are written, and the answer says so instead of "nothing
// changed".
func TestSameStatusWithFieldsSaysWhatWasSaved(t *testing.T) {
	a := newAPI(t, store.Options{})
	p := a.Create(t, "api", "Rex", shelter.SpeciesDog, 3)
	quarantine(t, a.Store, "api", p.ID)
	r := a.Do(t, "PUT", "/api/pets/"+p.ID, `{"status": "in_quarantine", "notes": "Loves tennis balls"}`)
	var sc struct {
		Message  string `json:"message"`
		Accepted bool   `json:"accepted"`
	}
	r.JSON(t, &sc)
	if r.Status != 202 || !sc.Accepted || sc.Message != "Pet is already in_quarantine: the other changes were saved" {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	if got := a.Get(t, "api", p.ID); got.Notes != "Loves tennis balls" {
		t.Fatalf("notes %q", got.Notes)
	}
	// Without fields it still changes nothing.
	r = a.Do(t, "PUT", "/api/pets/"+p.ID, `{"status": "in_quarantine"}`)
	if r.JSON(t, &sc); sc.Message != "Pet is already in_quarantine: nothing changed" {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
}

// A feeding from before the pet arrived is refused and records nothing.
func TestFeedingBeforeArrivalIsRefused(t *testing.T) {
	a := newAPI(t, store.Options{})
	p := a.Create(t, "api", "Rex", shelter.SpeciesDog, 3)
	quarantine(t, a.Store, "api", p.ID)
	r := a.Do(t, "POST", "/api/pets/"+p.ID+"/feedings", `{"fedAt": 1}`)
	if r.Status != 409 || !strings.Contains(string(r.Body), "Rex arrived on") {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	if got := a.Get(t, "api", p.ID); got.LastFedAt != 0 {
		t.Fatalf("lastFedAt %d after a refused feeding", got.LastFedAt)
	}
	// Fed before staff entered it (the night shift): recorded.
	earlier := p.CreatedAt - 90*60*1000
	if r := a.Do(t, "POST", "/api/pets/"+p.ID+"/feedings", fmt.Sprintf(`{"fedAt": %d}`, earlier)); r.Status != 201 {
		t.Fatalf("a feeding 90 minutes before the record: %d %s", r.Status, r.Body)
	}
}

// A create says where the pet lives and its version; a restore its version.
func TestCreateAndRestoreAnswerTheirETag(t *testing.T) {
	a := newAPI(t, store.Options{})
	r := a.Do(t, "POST", "/js/pets", `{"name": "Rex", "species": "dog", "ageMonths": 3}`)
	var p shelter.Pet
	r.JSON(t, &p)
	if r.Status != 201 || r.Header.Get("Location") != "/js/pets/"+p.ID || r.Header.Get("ETag") != fmt.Sprintf(`"%d"`, p.Version) {
		t.Fatalf("create: %d Location %q ETag %q", r.Status, r.Header.Get("Location"), r.Header.Get("ETag"))
	}
	if d := a.Do(t, "DELETE", "/api/pets/"+p.ID, nil); d.Status != 202 {
		t.Fatalf("delete: %d %s", d.Status, d.Body)
	}
	r = a.Do(t, "POST", "/api/pets/"+p.ID+"/restore", nil)
	r.JSON(t, &p)
	if r.Status != 200 || r.Header.Get("ETag") != fmt.Sprintf(`"%d"`, p.Version) {
		t.Fatalf("restore: %d ETag %q", r.Status, r.Header.Get("ETag"))
	}
}

// A pet's feedings page newest first, as far back as they go: a long-stay
// pet fed three times a day passes the 1,000 of one page in a year.
func TestFeedingsPageBack(t *testing.T) {
	a := newAPI(t, store.Options{})
	p := a.Create(t, "api", "Rex", shelter.SpeciesDog, 3)
	quarantine(t, a.Store, "api", p.ID)
	at := p.CreatedAt
	for i := range 5 {
		body := fmt.Sprintf(`{"fedAt": %d, "note": "n%d"}`, at+int64(i%3)*1000, i) // ties in fedAt too
		if r := a.Do(t, "POST", "/api/pets/"+p.ID+"/feedings", body); r.Status != 201 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	}
	var seen []string
	path := "/api/pets/" + p.ID + "/feedings?limit=2"
	for pages := 0; path != ""; pages++ {
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		r := a.Do(t, "GET", path, nil)
		var fs []shelter.Feeding
		r.JSON(t, &fs)
		for _, f := range fs {
			seen = append(seen, f.Note)
		}
		path = ""
		if l := r.Header.Get("Link"); l != "" {
			path = l[1:strings.Index(l, ">")]
		}
	}
	// Newest fedAt first, the later recorded first among equal times.
	if got, want := strings.Join(seen, ","), "n2,n4,n1,n3,n0"; got != want {
		t.Fatalf("pages gave %s, want every feeding once, newest first (%s)", got, want)
	}
	if r := a.Do(t, "GET", "/api/pets/"+p.ID+"/feedings?before=x", nil); r.Status != 400 {
		t.Fatalf("before=x: %d", r.Status)
	}
}

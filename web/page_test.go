package web_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/auth"
	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
	"github.com/petstore/petstore/web"
)

// dash is the dashboard on a real store, with the live broker wired as
// main wires it.
type dash struct {
	URL   string
	Store *store.Store
	Srv   *web.Server
	Live  *web.Broker
	// Creds are the signed-in admin's: every request carries the session
	// cookie and the CSRF token, as the dashboard in a browser does.
	Creds    creds
	Accounts *auth.Service
}

func newDash(t testing.TB) *dash {
	t.Helper()
	st := storetest.Open(t, store.Options{})
	live := web.NewBroker()
	st.OnEvent(live.Notify)
	return serveDash(t, st, web.Deps{Pets: st, Events: st, DB: st, Live: live, Photos: st})
}

// serveDash serves d for the dashboard tests, with accounts over st and a
// signed-in admin.
func serveDash(t testing.TB, st *store.Store, d web.Deps) *dash {
	t.Helper()
	accts, cr := withAccounts(t, st, &d)
	srv := web.New(d)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	if d.Live != nil {
		t.Cleanup(d.Live.Close) // open streams end before the server closes
	}
	return &dash{URL: ts.URL, Store: st, Srv: srv, Live: d.Live, Creds: cr, Accounts: accts}
}

// noRedirects is a client that shows redirects instead of following them.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

type answer struct {
	Status int
	Header http.Header
	Body   string
}

// do sends a request; form non-nil makes it a form POST. htmx adds the
// headers htmx sends; every request accepts HTML, as a browser's does.
func (d *dash) do(t testing.TB, method, path string, form url.Values, htmx string) answer {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, d.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	sessionReq(req, d.Creds.Session)
	if htmx != "" {
		req.Header.Set("HX-Request", "true")
		req.Header.Set("HX-Target", htmx)
	}
	resp, err := noRedirects.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, string(b)}
}

func (d *dash) pet(t testing.TB, name string) *shelter.Pet {
	t.Helper()
	sp, age := shelter.SpeciesDog, 12
	p, err := d.Store.CreatePet(context.Background(), shelter.Origin{Namespace: "api", Actor: "api"}, shelter.PetFields{Name: &name, Species: &sp, AgeMonths: &age})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDashboardPages(t *testing.T) {
	d := newDash(t)
	p := d.pet(t, "Rex")
	for _, tt := range []struct{ path, testid string }{
		{"/", `data-testid="today-live"`},
		{"/pets", `data-testid="pets-table"`},
		{"/pets?q=re&species=dog&status=new&sort=name", `data-testid="pet-row"`},
		{"/pets/" + p.ID + "/card", `data-testid="kennel-card"`},
		{"/pets/new", `data-testid="new-pet-form"`},
		{"/pets/" + p.ID, `data-testid="no-transitions"`},
		{"/deleted", `data-testid="no-pets"`},
		{"/workflow", `data-testid="diagram"`},
	} {
		a := d.do(t, "GET", tt.path, nil, "")
		if a.Status != 200 || !strings.HasPrefix(a.Header.Get("Content-Type"), "text/html") {
			t.Errorf("GET %s: %d %s", tt.path, a.Status, a.Header.Get("Content-Type"))
		}
		if !strings.Contains(a.Body, tt.testid) || !strings.Contains(a.Body, "<!doctype html>") {
			t.Errorf("GET %s: no %s in the page", tt.path, tt.testid)
		}
		if csp := a.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("GET %s: Content-Security-Policy %q", tt.path, csp)
		}
	}
	// The live refreshes get fragments, not pages.
	for _, tt := range []struct{ path, target, id string }{
		{"/pets", "board-live", `id="board-live"`},
		{"/", "today-live", `id="today-live"`},
		{"/pets/" + p.ID + "/live", "pet-live", `id="pet-live"`},
		{"/workflow", "workflow-live", `id="workflow-live"`},
	} {
		a := d.do(t, "GET", tt.path, nil, tt.target)
		if a.Status != 200 || strings.Contains(a.Body, "<html") || !strings.HasPrefix(a.Body, "<div "+tt.id) {
			t.Errorf("htmx GET %s: %d, want the fragment %s alone, got %.80q", tt.path, a.Status, tt.id, a.Body)
		}
	}
}

func TestDashboardErrors(t *testing.T) {
	d := newDash(t)
	p := d.pet(t, "Rex")
	tests := []struct {
		name, method, path string
		form               url.Values
		htmx               bool
		status             int
		want               string // in the body
	}{
		{"unknown species", "GET", "/pets?species=dragon", nil, false, 400, `Unknown species &#34;dragon&#34;`},
		{"unknown status", "GET", "/pets?status=lost", nil, false, 400, `Unknown status &#34;lost&#34;`},
		{"unknown sort", "GET", "/pets?sort=price", nil, false, 400, `Unknown sort &#34;price&#34;`},
		{"bad cursor", "GET", "/pets?cursor=%21%21", nil, false, 400, "Invalid cursor"},
		{"long search", "GET", "/pets?q=" + strings.Repeat("a", 101), nil, false, 400, "Search is too long"},
		{"no pet", "GET", "/pets/999", nil, false, 404, "Not found"},
		{"no pet id", "GET", "/pets/abc", nil, false, 404, "Not found"},
		{"no page", "GET", "/nowhere", nil, false, 404, "Not found"},
		{"no pet, htmx", "GET", "/pets/999/live", nil, true, 404, `data-testid="toast"`},
		{"bad status", "POST", "/pets/" + p.ID + "/status", url.Values{"status": {"flying"}}, false, 400, `Unknown status &#34;flying&#34;`},
		{"rejected", "POST", "/pets/" + p.ID + "/status", url.Values{"status": {"adopted"}}, false, 409, "Rex is new now: “Complete adoption” can&#39;t be done from there."},
		{"status of no pet", "POST", "/pets/999/status", url.Values{"status": {"healthy"}}, false, 404, "Not found"},
		{"delete no pet", "POST", "/pets/999/delete", url.Values{}, false, 404, "Not found"},
		{"restore not deleted", "POST", "/pets/" + p.ID + "/restore", url.Values{}, true, 409, "is not deleted"},
		{"edit no pet", "POST", "/pets/999/edit", url.Values{"name": {"A"}, "species": {"dog"}, "ageMonths": {"1"}}, false, 404, "Not found"},
		{"profiles off", "POST", "/pets/" + p.ID + "/profile", url.Values{}, false, 501, "AI profiles are switched off"},
		{"wrong method", "PUT", "/pets/new", url.Values{}, false, 405, "Method not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := ""
			if tt.htmx {
				target = "pet-live"
			}
			a := d.do(t, tt.method, tt.path, tt.form, target)
			if a.Status != tt.status || !strings.Contains(a.Body, tt.want) {
				t.Fatalf("%s %s: %d %.300q, want %d with %q", tt.method, tt.path, a.Status, a.Body, tt.status, tt.want)
			}
			if !strings.HasPrefix(a.Header.Get("Content-Type"), "text/html") {
				t.Errorf("Content-Type %q, want HTML", a.Header.Get("Content-Type"))
			}
			if tt.htmx {
				if a.Header.Get("HX-Retarget") != "#toasts" || a.Header.Get("HX-Reswap") != "beforeend" || strings.Contains(a.Body, "<html") {
					t.Errorf("htmx error: HX-Retarget %q HX-Reswap %q, body %.100q: want a toast into #toasts",
						a.Header.Get("HX-Retarget"), a.Header.Get("HX-Reswap"), a.Body)
				}
			} else if !strings.Contains(a.Body, `data-testid="error-page"`) {
				t.Errorf("not an error page: %.200q", a.Body)
			}
		})
	}
	// A refused click from a page that was behind (the pet has moved on)
	// answers with the pet as it is now, its buttons included, and says why
	// nothing changed: the page does not go on showing the old status.
	a := d.do(t, "POST", "/pets/"+p.ID+"/status", url.Values{"status": {"healthy"}}, "pet-live")
	for _, want := range []string{`id="pet-live"`, `data-status="new"`, `hx-swap-oob="beforeend:#toasts"`, `role="alert"`,
		"Rex is new now: “Mark healthy” can&#39;t be done from there."} {
		if a.Status != 409 || !strings.Contains(a.Body, want) || strings.Contains(a.Body, "<html") || a.Header.Get("HX-Retarget") != "" {
			t.Fatalf("refused htmx click: %d, HX-Retarget %q, want the live part with %q: %.300q", a.Status, a.Header.Get("HX-Retarget"), want, a.Body)
		}
	}
	// The API keeps answering JSON, even to a browser.
	for _, path := range []string{"/api/pets/999", "/js/pets/999", "/events/stream?after=x"} {
		a := d.do(t, "GET", path, nil, "")
		if a.Header.Get("Content-Type") != "application/json" || !strings.HasPrefix(a.Body, `{"message":`) {
			t.Errorf("GET %s: %s %q, want JSON", path, a.Header.Get("Content-Type"), a.Body)
		}
	}
	// A client that does not ask for HTML gets JSON for an unknown page.
	req, _ := http.NewRequest("GET", d.URL+"/nowhere", nil)
	resp, err := http.DefaultClient.Do(sessionReq(req, d.Creds.Session))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("GET /nowhere without Accept: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

func TestCreateForm(t *testing.T) {
	d := newDash(t)
	bad := url.Values{"name": {"  "}, "species": {"dragon"}, "ageMonths": {"twelve"}, "notes": {"kept"}}
	a := d.do(t, "POST", "/pets/new", bad, "")
	for _, want := range []string{`Name must not be empty`, `Species must be one of dog, cat, bird, other`,
		`Age in months must be a whole number from 0 to 600`, `value="twelve"`, `>kept</textarea>`, `<!doctype html>`} {
		if a.Status != 400 || !strings.Contains(a.Body, want) {
			t.Errorf("POST bad form: %d, no %q", a.Status, want)
		}
	}
	a = d.do(t, "POST", "/pets/new", url.Values{"name": {"Rex"}, "ageMonths": {"601"}}, "new-pet-form")
	if a.Status != 400 || strings.Contains(a.Body, "<html") || !strings.HasPrefix(a.Body, `<form id="new-pet-form"`) ||
		!strings.Contains(a.Body, "Species is required") || !strings.Contains(a.Body, "Age in months must be a whole number") {
		t.Errorf("htmx POST bad form: %d %.200q, want the form alone with its errors", a.Status, a.Body)
	}
	a = d.do(t, "POST", "/pets/new", url.Values{"name": {"Rex"}, "species": {"dog"}, "ageMonths": {"12"}}, "")
	if a.Status != http.StatusSeeOther || a.Header.Get("Location") != "/pets/1" {
		t.Errorf("POST good form: %d Location %q, want 303 /pets/1", a.Status, a.Header.Get("Location"))
	}
	a = d.do(t, "POST", "/pets/new", url.Values{"name": {"Tom"}, "species": {"cat"}, "ageMonths": {"3"}}, "new-pet-form")
	if a.Status != 200 || a.Header.Get("HX-Redirect") != "/pets/2" {
		t.Errorf("htmx POST good form: %d HX-Redirect %q, want /pets/2", a.Status, a.Header.Get("HX-Redirect"))
	}
	p, err := d.Store.FindPetByID(context.Background(), "2")
	if err != nil || p.Name != "Tom" || p.Status != shelter.StatusNew {
		t.Fatalf("stored pet: %+v %v", p, err)
	}
	evs, _ := d.Store.FindEvents(context.Background(), shelter.EventFilter{PetID: "2"})
	if len(evs) == 0 || evs[0].Type != "web.pet.created" || evs[0].Actor != d.Creds.Email {
		t.Errorf("first event %+v, want web.pet.created by %s", evs[0], d.Creds.Email)
	}
}

func TestEditAndStatusForms(t *testing.T) {
	d := newDash(t)
	p := d.pet(t, "Rex")
	ctx := context.Background()
	a := d.do(t, "POST", "/pets/"+p.ID+"/edit", url.Values{"name": {""}, "species": {""}, "ageMonths": {"-1"}, "notes": {"x"}}, "")
	for _, want := range []string{"Name must not be empty", "Species is required", "Age in months must be a whole number", `data-testid="pet-live"`} {
		if a.Status != 400 || !strings.Contains(a.Body, want) {
			t.Errorf("POST bad edit: %d, no %q", a.Status, want)
		}
	}
	a = d.do(t, "POST", "/pets/"+p.ID+"/edit", url.Values{"name": {"Rexy"}, "species": {"dog"}, "ageMonths": {"13"}, "notes": {"Good boy"}}, "edit-form")
	if a.Status != 200 || !strings.Contains(a.Body, `hx-swap-oob="beforeend:#toasts"`) || !strings.Contains(a.Body, `value="Rexy"`) {
		t.Errorf("htmx POST edit: %d %.200q", a.Status, a.Body)
	}
	if got, _ := d.Store.FindPetByID(ctx, p.ID); got.Name != "Rexy" || got.AgeMonths != 13 || got.Notes != "Good boy" {
		t.Errorf("after edit: %+v", got)
	}

	// A transition from a plain form redirects; from htmx it answers the
	// fresh fragment with the new buttons.
	moveToQuarantine(t, d.Store, p.ID)
	a = d.do(t, "POST", "/pets/"+p.ID+"/status", url.Values{"status": {"healthy"}}, "")
	if a.Status != http.StatusSeeOther || a.Header.Get("Location") != "/pets/"+p.ID {
		t.Errorf("POST status: %d %q", a.Status, a.Header.Get("Location"))
	}
	a = d.do(t, "POST", "/pets/"+p.ID+"/status", url.Values{"status": {"pending"}}, "pet-live")
	if a.Status != 200 || !strings.HasPrefix(a.Body, `<div id="pet-live"`) || !strings.Contains(a.Body, `data-testid="transition-adopted"`) {
		t.Errorf("htmx POST status: %d %.200q", a.Status, a.Body)
	}

	// Delete, then restore from the Deleted page.
	a = d.do(t, "POST", "/pets/"+p.ID+"/delete", url.Values{}, "")
	if a.Status != http.StatusSeeOther {
		t.Errorf("POST delete: %d", a.Status)
	}
	if a = d.do(t, "GET", "/deleted", nil, ""); !strings.Contains(a.Body, `data-pet-id="`+p.ID+`"`) {
		t.Errorf("deleted pet not on /deleted")
	}
	a = d.do(t, "POST", "/pets/"+p.ID+"/restore", url.Values{"next": {"/deleted"}}, "")
	if a.Status != http.StatusSeeOther || a.Header.Get("Location") != "/deleted" {
		t.Errorf("POST restore: %d %q", a.Status, a.Header.Get("Location"))
	}
	d.do(t, "POST", "/pets/"+p.ID+"/delete", url.Values{}, "")
	a = d.do(t, "POST", "/pets/"+p.ID+"/restore", url.Values{"next": {"https://evil.example/"}}, "")
	if a.Header.Get("Location") != "/pets/"+p.ID+"?restored=1" {
		t.Errorf("restore with a foreign next went to %q", a.Header.Get("Location"))
	}
	if got, _ := d.Store.FindPetByID(ctx, p.ID); got.Status != shelter.StatusPending {
		t.Errorf("after restore: %s, want pending", got.Status)
	}
}

// moveToQuarantine applies the feeding reminder's trigger, as the job
// runner does, so a handler test need not run the runner.
func moveToQuarantine(t testing.TB, st *store.Store, id string) {
	t.Helper()
	ctx := context.Background()
	if _, _, err := st.ApplyTrigger(ctx, shelter.SystemOrigin, id, shelter.TriggerFeedingReminderCompleted); err != nil {
		t.Fatal(err)
	}
}

// stream opens the live stream and returns a function reading the next
// event's name (empty on end of stream).
func (d *dash) stream(t testing.TB, query, lastEventID string) (func() (name, data string), context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", d.URL+"/events/stream"+query, nil)
	if lastEventID != "" {
		req.Header.Set("Last-Event-ID", lastEventID)
	}
	resp, err := http.DefaultClient.Do(sessionReq(req, d.Creds.Session))
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	t.Cleanup(func() { cancel(); resp.Body.Close() })
	r := bufio.NewReader(resp.Body)
	return func() (string, string) {
		var name, data string
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return "", ""
			}
			line = strings.TrimSuffix(line, "\n")
			switch {
			case line == "" && name != "":
				return name, data
			case strings.HasPrefix(line, "event: "):
				name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				data += strings.TrimPrefix(line, "data: ")
			}
		}
	}, cancel
}

func TestEventStream(t *testing.T) {
	d := newDash(t)
	d.pet(t, "Before") // events 1 (created) and 2 (feeding reminder queued)

	next, _ := d.stream(t, "?after=2&feed=1", "")
	waitFor(t, func() bool { return d.Live.Subscribers() == 1 })
	p := d.pet(t, "Live")
	got := map[string]string{}
	for len(got) < 3 {
		name, data := next()
		if name == "" {
			t.Fatalf("stream ended; got %v", got)
		}
		got[name] = data
	}
	if got["pet-"+p.ID] != "4" || got["pets"] != "4" || !strings.Contains(got["feed"], `data-event-type="api.pet.created"`) {
		t.Errorf("events: %v", got)
	}
	if strings.Contains(got["feed"], `Before`) || strings.Contains(got["feed"], `href="/pets/1"`) {
		t.Errorf("feed repeats events before after=2: %q", got["feed"])
	}

	// Last-Event-ID (a reconnecting browser) wins over ?after=.
	next2, _ := d.stream(t, "?after=0", "2")
	if name, data := next2(); name != "pet-"+p.ID || data != "4" {
		t.Errorf("resumed stream: first event %s %s, want pet-%s 4", name, data, p.ID)
	}

	// Closing the broker ends every stream, so shutdown does not wait.
	d.Live.Close()
	done := make(chan struct{})
	go func() {
		for {
			if name, _ := next(); name == "" {
				close(done)
				return
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("stream still open after Close")
	}
	waitFor(t, func() bool { return d.Live.Subscribers() == 0 })
}

func TestBrokerNotifyNeverBlocks(t *testing.T) {
	b := web.NewBroker()
	for range 1000 {
		b.Notify() // no subscriber, then a full one: neither blocks
	}
	b.Close()
	b.Close() // twice is fine
}

func waitFor(t testing.TB, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 5s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

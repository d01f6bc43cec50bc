package web_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

// rawDo sends one request exactly as written (request line, headers, body)
// over a new connection and reads the answer: a client library would
// refuse or repair most of what these tests send.
func rawDo(t *testing.T, base, method, target string, header []string, body []byte) *resp {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n", method, target, u.Host)
	for _, h := range header {
		b.WriteString(h + "\r\n")
	}
	if body != nil {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n")
	b.Write(body)
	if _, err := conn.Write(b.Bytes()); err != nil {
		t.Fatal(err)
	}
	req := &http.Request{Method: method}
	res, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		t.Fatalf("%s %s: read answer: %v", method, target, err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return &resp{Status: res.StatusCode, Header: res.Header, Body: out}
}

func gz(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

// TestHostileRequests sends, over the real router and a real socket, every
// kind of odd input the reliability review found: never a 5xx, and on an
// API path always the JSON error body with a message (and the status the
// README's table names).
func TestHostileRequests(t *testing.T) {
	a := newAPI(t, store.Options{})
	live := a.Create(t, "js", "Buddy", "dog", 3)
	gone := a.Create(t, "js", "Gone", "cat", 3)
	if r := a.Do(t, "DELETE", "/js/pets/"+gone.ID, nil); r.Status != http.StatusAccepted {
		t.Fatalf("delete: %d", r.Status)
	}
	auth := "Authorization: Bearer " + a.Token
	jsonCT := "Content-Type: application/json"
	long := strings.Repeat("a", 50_000)
	for _, tc := range []struct {
		name           string
		method, target string
		header         []string
		body           []byte
		want           int
		msg            string // the message starts with this ("" any)
		field          string // and names this field ("" none asked)
	}{
		{"q of 50,000 characters", "GET", "/js/pets?q=" + long, []string{auth}, nil, 400, "Invalid query parameters", "q"},
		{"q of 101 characters", "GET", "/js/pets?q=" + strings.Repeat("é", 101), []string{auth}, nil, 400, "Invalid query parameters", "q"},
		{"q NUL", "GET", "/js/pets?q=%00", []string{auth}, nil, 400, "Invalid query parameters", "q"},
		{"q ANSI escape", "GET", "/js/pets?q=%1b%5b31m", []string{auth}, nil, 400, "Invalid query parameters", "q"},
		{"q bad escape", "GET", "/js/pets?q=Buddy%zz", []string{auth}, nil, 400, "Invalid query parameters", "q"},
		{"q invalid UTF-8", "GET", "/js/pets?q=%ff%fe", []string{auth}, nil, 400, "Invalid query parameters", "q"},
		{"q twice", "GET", "/js/pets?q=a&q=b", []string{auth}, nil, 400, "Invalid query parameters", "q"},
		{"unknown parameter", "GET", "/js/pets?stauts=new", []string{auth}, nil, 400, "Invalid query parameters", "stauts"},
		{"limit +5", "GET", "/js/pets?limit=+5", []string{auth}, nil, 400, "Invalid query parameters", "limit"},
		{"limit %2B5", "GET", "/js/pets?limit=%2B5", []string{auth}, nil, 400, "Invalid query parameters", "limit"},
		{"limit %205", "GET", "/js/pets?limit=%205", []string{auth}, nil, 400, "Invalid query parameters", "limit"},
		{"limit -1", "GET", "/js/pets?limit=-1", []string{auth}, nil, 400, "Invalid query parameters", "limit"},
		{"limit huge", "GET", "/js/pets?limit=99999999999999999999999", []string{auth}, nil, 400, "Invalid query parameters", "limit"},
		{"events after +1", "GET", "/api/events?after=+1", []string{auth}, nil, 400, "Invalid query parameters", "after"},
		{"jobs before 0x10", "GET", "/api/jobs?before=0x10", []string{auth}, nil, 400, "Invalid query parameters", "before"},
		{"export q NUL", "GET", "/api/pets/export?q=%00", []string{auth}, nil, 400, "Invalid query parameters", "q"},
		{"bad escape in the path", "GET", "/js/pets/%zz", []string{auth}, nil, 400, "", ""},
		{"bad escape in an unknown API path", "GET", "/api/pets/%zz", []string{auth}, nil, 400, "", ""},
		{"pet id of 400 digits", "GET", "/js/pets/" + strings.Repeat("9", 400), []string{auth}, nil, 404, "Not found", ""},
		{"pet id NUL", "GET", "/js/pets/%00", []string{auth}, nil, 404, "Not found", ""},
		{"unknown API path", "GET", "/api/nothing", []string{auth}, nil, 404, "Not found", ""},
		{"wrong method", "PATCH", "/js/pets/" + live.ID, []string{auth}, nil, 405, "Method not allowed", ""},
		{"two Authorization headers", "GET", "/js/pets", []string{auth, "Authorization: Bearer other"}, nil, 400, "Send one Authorization header", ""},
		{"two Authorization headers, public route", "GET", "/healthz", []string{auth, auth}, nil, 400, "Send one Authorization header", ""},
		{"invalid UTF-8 in a JSON body", "POST", "/js/pets", []string{auth, jsonCT}, []byte("{\"name\":\"Bu\xffddy\",\"species\":\"dog\",\"ageMonths\":1}"), 400, "Invalid JSON: the body is not valid UTF-8", ""},
		{"zero-width name", "POST", "/js/pets", []string{auth, jsonCT}, []byte(`{"name":"\u200b\u200b","species":"dog","ageMonths":1}`), 400, "Invalid payload", "name"},
		{"NUL in a name", "POST", "/js/pets", []string{auth, jsonCT}, []byte(`{"name":"Bu\u0000ddy","species":"dog","ageMonths":1}`), 400, "Invalid payload", "name"},
		{"ANSI escape in a name", "POST", "/js/pets", []string{auth, jsonCT}, []byte(`{"name":"\u001b[31mRed","species":"dog","ageMonths":1}`), 400, "Invalid payload", "name"},
		{"bidi override in a name", "POST", "/js/pets", []string{auth, jsonCT}, []byte(`{"name":"Rex\u202egnp","species":"dog","ageMonths":1}`), 400, "Invalid payload", "name"},
		{"newline in a name", "POST", "/js/pets", []string{auth, jsonCT}, []byte(`{"name":"Rex\nMax","species":"dog","ageMonths":1}`), 400, "Invalid payload", "name"},
		{"control character in notes", "PUT", "/js/pets/" + live.ID, []string{auth, jsonCT}, []byte(`{"notes":"ok\u0007bell"}`), 400, "Invalid payload", "notes"},
		{"gzip body", "POST", "/js/pets", []string{auth, jsonCT, "Content-Encoding: gzip"}, gz(`{"name":"Rex","species":"dog","ageMonths":1}`), 415, "Unsupported Content-Encoding", ""},
		{"plain JSON labelled gzip", "POST", "/js/pets", []string{auth, jsonCT, "Content-Encoding: gzip"}, []byte(`{"name":"Rex","species":"dog","ageMonths":1}`), 415, "Unsupported Content-Encoding", ""},
		{"br body", "PUT", "/js/pets/" + live.ID, []string{auth, jsonCT, "Content-Encoding: identity, br"}, []byte(`{"notes":"x"}`), 415, "Unsupported Content-Encoding", ""},
		{"status request on a deleted pet", "PUT", "/js/pets/" + gone.ID, []string{auth, jsonCT}, []byte(`{"status":"healthy"}`), 409, "Pet " + gone.ID + " is deleted", ""},
		{"status deleted on a deleted pet", "PUT", "/js/pets/" + gone.ID, []string{auth, jsonCT}, []byte(`{"status":"deleted"}`), 409, "Pet " + gone.ID + " is deleted", ""},
		{"body too large", "POST", "/js/pets", []string{auth, jsonCT}, []byte(`{"notes":"` + strings.Repeat("x", 70<<10) + `"}`), 413, "Request body too large", ""},
		{"not JSON", "POST", "/js/pets", []string{auth, "Content-Type: text/plain"}, []byte(`hi`), 415, "Unsupported media type", ""},
		{"no credentials", "GET", "/js/pets", nil, nil, 401, "Authentication required", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rawDo(t, a.URL, tc.method, tc.target, tc.header, tc.body)
			if r.Status >= 500 {
				t.Fatalf("%d %s: a server error", r.Status, truncate(r.Body))
			}
			if r.Status != tc.want {
				t.Errorf("status %d %s, want %d", r.Status, truncate(r.Body), tc.want)
			}
			if err := a.checkErrorBody(r); err != nil {
				t.Fatalf("%v: %s", err, truncate(r.Body))
			}
			e := r.Err(t)
			if e.Message == "" || !strings.HasPrefix(e.Message, tc.msg) {
				t.Errorf("message %q, want it to start with %q", e.Message, tc.msg)
			}
			if tc.field != "" && !strings.Contains(strings.Join(e.fields(), ","), tc.field) {
				t.Errorf("fields %v, want %q named", e.fields(), tc.field)
			}
			if r.Status == 503 && r.Header.Get("Retry-After") == "" {
				t.Error("503 without Retry-After")
			}
		})
	}
	// Nothing of it was stored.
	var n int
	if r := a.Do(t, "GET", "/js/pets", nil); r.Status == 200 {
		var pets []json.RawMessage
		r.JSON(t, &pets)
		n = len(pets)
	}
	if n != 2 {
		t.Errorf("%d pets after the hostile requests, want the 2 created", n)
	}
}

// HEAD is answered wherever GET is: the same status and headers, no body.
func TestHeadWhereverGet(t *testing.T) {
	a := newAPI(t, store.Options{})
	p := a.Create(t, "js", "Buddy", "dog", 3)
	auth := "Authorization: Bearer " + a.Token
	for _, target := range []string{"/healthz", "/openapi.json", "/js/pets", "/js/pets/" + p.ID, "/js/pets/" + p.ID + "/events",
		"/api/events", "/api/jobs", "/static/app.css", "/favicon.ico", "/robots.txt", "/", "/jobs", "/events/stream", "/pets/" + p.ID + "/live"} {
		get := rawDo(t, a.URL, "GET", target, []string{auth}, nil)
		if target == "/events/stream" || strings.HasSuffix(target, "/live") {
			get = &resp{Status: 200} // a stream does not end; its HEAD must
		}
		head := rawDo(t, a.URL, "HEAD", target, []string{auth}, nil)
		if head.Status != get.Status || head.Status != 200 {
			t.Errorf("HEAD %s: %d, GET %d, want 200 for both", target, head.Status, get.Status)
		}
		if len(head.Body) != 0 {
			t.Errorf("HEAD %s sent a body of %d bytes", target, len(head.Body))
		}
		if get.Header != nil && head.Header.Get("Content-Type") != get.Header.Get("Content-Type") {
			t.Errorf("HEAD %s: Content-Type %q, GET %q", target, head.Header.Get("Content-Type"), get.Header.Get("Content-Type"))
		}
	}
	// Where GET is not served, neither is HEAD; unknown paths are 404.
	if r := rawDo(t, a.URL, "HEAD", "/api/reaper/run", []string{auth}, nil); r.Status != 405 {
		t.Errorf("HEAD on a POST-only route: %d, want 405", r.Status)
	}
	if r := rawDo(t, a.URL, "HEAD", "/api/nothing", []string{auth}, nil); r.Status != 404 {
		t.Errorf("HEAD on an unknown path: %d, want 404", r.Status)
	}
}

// A full database (SQLite's max_page_count stands in for a full disk; the
// built-binary test in internal/e2e fills a real filesystem): creates
// answer 503 with Retry-After and the cause, as the document says, and so
// does /healthz; both recover by themselves once there is room, and every
// acknowledged pet is there.
func TestStorageFullAnswers503(t *testing.T) {
	storetest.SQLiteOnly(t, "fills the database with max_page_count (db.FaultOf's PostgreSQL codes are tested in db)")
	a := newAPI(t, store.Options{})
	w := a.Store.DB().Write
	var pages int
	if err := w.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Exec(fmt.Sprintf(`PRAGMA max_page_count = %d`, pages+40)); err != nil {
		t.Fatal(err)
	}
	var acked []string
	var full *resp
	for i := 0; i < 3000; i++ {
		r := a.Do(t, "POST", "/js/pets", map[string]any{"name": fmt.Sprintf("Pet %d %s", i, strings.Repeat("x", 80)), "species": "cat", "ageMonths": 1})
		if r.Status != http.StatusCreated {
			full = r
			break
		}
		var p struct{ ID string }
		r.JSON(t, &p)
		acked = append(acked, p.ID)
	}
	if full == nil || full.Status != http.StatusServiceUnavailable {
		t.Fatalf("never refused: %+v", full)
	}
	if e := full.Err(t); !strings.HasPrefix(e.Message, "The database disk is full") || full.Header.Get("Retry-After") == "" {
		t.Fatalf("503 %q Retry-After %q", e.Message, full.Header.Get("Retry-After"))
	}
	time.Sleep(1100 * time.Millisecond) // the health probe runs at most once a second
	h := a.Do(t, "GET", "/healthz", nil)
	if h.Status != http.StatusServiceUnavailable || !strings.Contains(string(h.Body), "The database disk is full") {
		t.Fatalf("/healthz while full: %d %s", h.Status, h.Body)
	}
	if _, err := w.Exec(`PRAGMA max_page_count = 1000000`); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)
	if h := a.Do(t, "GET", "/healthz", nil); h.Status != http.StatusOK {
		t.Fatalf("/healthz after space returned: %d %s", h.Status, h.Body)
	}
	a.Create(t, "js", "After", "dog", 1)
	for _, id := range acked {
		a.Get(t, "js", id)
	}
}

// Every free-text field refuses control characters (NUL, ANSI escapes),
// as names and notes do: they would reach the CSV export, the log and a
// terminal as they were sent.
func TestEveryTextFieldRefusesControlCharacters(t *testing.T) {
	a := newAPI(t, store.Options{})
	p := a.Create(t, "api", "Rex", shelter.SpeciesDog, 3)
	quarantine(t, a.Store, "api", p.ID)
	for _, c := range []struct {
		name, method, path, body, field string
	}{
		{"breed", "PUT", "/api/pets/" + p.ID, `{"breed": "a\u0007b"}`, "breed"},
		{"color", "PUT", "/api/pets/" + p.ID, `{"color": "x\u0000y"}`, "color"},
		{"location", "PUT", "/api/pets/" + p.ID, `{"location": "\u001b[2J"}`, "location"},
		{"status note", "PUT", "/api/pets/" + p.ID, `{"status": "ill", "note": "a\u0000b"}`, "note"},
		{"adopter", "PUT", "/api/pets/" + p.ID, `{"status": "pending", "adopter": {"name": "Ada\u001b[31m"}}`, "adopter.name"},
		{"feeding note", "POST", "/api/pets/" + p.ID + "/feedings", `{"note": "a\u0000b"}`, "note"},
		{"delete reason", "DELETE", "/api/pets/" + p.ID, `{"reason": "dup\u0000"}`, "reason"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := a.Do(t, c.method, c.path, c.body)
			if e := r.Err(t); r.Status != 400 || !slices.Contains(e.fields(), c.field) || !strings.Contains(string(r.Body), shelter.TextControl) {
				t.Fatalf("%s %s %s: %d %s, want 400 naming %s", c.method, c.path, c.body, r.Status, r.Body, c.field)
			}
		})
	}
	got := a.Get(t, "api", p.ID)
	if got.Status != shelter.StatusInQuarantine || got.Breed != "" || got.Location != "" || got.Deleted() {
		t.Fatalf("a refused write changed the pet: %+v", got)
	}
}

// Every list and read of the API refuses a query parameter it does not
// know (a typo such as ?status= for ?state= would otherwise answer with
// everything), as the pet, event and job lists already did.
func TestUnknownQueryParametersAreRefused(t *testing.T) {
	a := newAPI(t, store.Options{})
	p := a.Create(t, "api", "Rex", shelter.SpeciesDog, 3)
	for _, path := range []string{"/api/pets/" + p.ID + "/feedings?lmit=5", "/api/pets/" + p.ID + "/photos?primary=1", "/api/today?day=2"} {
		r := a.Do(t, "GET", path, nil)
		if e := r.Err(t); r.Status != 400 || len(e.Errors) != 1 {
			t.Errorf("GET %s: %d %s, want 400 naming the parameter", path, r.Status, r.Body)
		}
	}
	if r := a.Do(t, "GET", "/api/pets/"+p.ID+"/feedings?limit=5", nil); r.Status != 200 {
		t.Errorf("a known parameter: %d %s", r.Status, r.Body)
	}
}

// A JSON body that starts with a byte order mark (PowerShell's UTF8
// encoding writes one) is read as the JSON after it.
func TestJSONBodyWithAByteOrderMark(t *testing.T) {
	a := newAPI(t, store.Options{})
	// Past the harness: the OpenAPI checker's own JSON reader refuses it.
	r := rawDo(t, a.URL, "POST", "/api/pets", []string{"Authorization: Bearer " + a.Token, "Content-Type: application/json"},
		[]byte("\xEF\xBB\xBF"+`{"name": "Rex", "species": "dog", "ageMonths": 3}`))
	if r.Status != 201 || !strings.Contains(string(r.Body), `"name":"Rex"`) {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
}

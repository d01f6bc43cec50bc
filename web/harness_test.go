package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/petstore/petstore/internal/auth"
	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
	"github.com/petstore/petstore/web"
)

var ctx = context.Background()

// api is a real server on a real SQLite file, and the only client the
// handler tests use: every response it receives is checked against the
// OpenAPI document the server itself serves, and so is every request whose
// route the document knows.
type api struct {
	URL   string
	Store *store.Store
	// Token is an admin bearer token (named testTokenName) every request
	// carries unless its header map sets "Authorization" ("" for none).
	Token    string
	Creds    creds
	Accounts *auth.Service
	srv      *httptest.Server
	doc      *openapi3.T
	router   routers.Router
}

// newAPI serves a new store in t's temp directory.
func newAPI(t testing.TB, o store.Options) *api {
	t.Helper()
	return serveStore(t, storetest.Open(t, o))
}

// serveStore serves st, with its job queue, on an httptest server closed
// when the test ends.
func serveStore(t testing.TB, st *store.Store) *api {
	t.Helper()
	return serveDeps(t, st, web.Deps{Pets: st, Events: st, DB: st, Jobs: st, Photos: st})
}

// serveDeps serves d (its Logger discarded) for a test, with accounts over
// st and the standard admin credentials (withAccounts).
func serveDeps(t testing.TB, st *store.Store, d web.Deps) *api {
	t.Helper()
	d.Logger = quiet
	accts, cr := withAccounts(t, st, &d)
	srv := web.New(d)
	ts := httptest.NewUnstartedServer(srv.Handler())
	ts.Listener = web.Listener(ts.Listener) // as Serve does
	ts.Start()
	t.Cleanup(ts.Close)
	a := &api{URL: ts.URL, Store: st, Token: cr.Token, Creds: cr, Accounts: accts, srv: ts}
	a.doc, a.router = loadServedDoc(t, ts.URL)
	return a
}

// docCache keeps the parsed document per served bytes: loading it is the
// slow part of a test server's start.
var docCache = map[string]*openapi3.T{}

// loadServedDoc fetches /openapi.json from the server and loads it.
func loadServedDoc(t testing.TB, base string) (*openapi3.T, routers.Router) {
	t.Helper()
	res, err := http.Get(base + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET /openapi.json: %d %v", res.StatusCode, err)
	}
	doc, ok := docCache[string(raw)]
	if !ok {
		loader := openapi3.NewLoader()
		if doc, err = loader.LoadFromData(raw); err != nil {
			t.Fatalf("load served OpenAPI document: %v", err)
		}
		if err := doc.Validate(loader.Context); err != nil {
			t.Fatalf("served OpenAPI document is invalid: %v", err)
		}
		docCache[string(raw)] = doc
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatalf("route the OpenAPI document: %v", err)
	}
	return doc, router
}

// resp is one answer, already checked against the document.
type resp struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test when it cannot.
func (r *resp) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Err decodes an error body.
func (r *resp) Err(t testing.TB) errBody {
	t.Helper()
	var e errBody
	r.JSON(t, &e)
	return e
}

type errBody struct {
	Message string               `json:"message"`
	Errors  []shelter.FieldError `json:"errors"`
}

// fields lists the fields named by an error body, in order.
func (e errBody) fields() []string {
	var out []string
	for _, f := range e.Errors {
		out = append(out, f.Field)
	}
	return out
}

// Do sends body (nil: none; string or []byte: raw JSON; anything else:
// marshalled) as application/json, and checks request and response.
func (a *api) Do(t testing.TB, method, path string, body any) *resp {
	t.Helper()
	var raw []byte
	ctype := ""
	switch b := body.(type) {
	case nil:
	case string:
		raw, ctype = []byte(b), "application/json"
	case []byte:
		raw, ctype = b, "application/json"
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			t.Fatal(err)
		}
		ctype = "application/json"
	}
	return a.DoRaw(t, method, path, ctype, raw, nil)
}

// DoRaw sends exactly raw with the given Content-Type (none when empty).
// header adds request headers; a nil body with a non-nil header map
// "chunked" sends the body without a Content-Length.
func (a *api) DoRaw(t testing.TB, method, path, ctype string, raw []byte, header map[string]string) *resp {
	t.Helper()
	var body io.Reader
	if raw != nil {
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, a.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if a.Token != "" {
		req.Header.Set("Authorization", "Bearer "+a.Token)
	}
	for k, v := range header {
		if k == "Authorization" && v == "" {
			req.Header.Del(k)
			continue
		}
		if k == "chunked" {
			req.ContentLength = -1
			req.Body = io.NopCloser(bytes.NewReader(raw))
			continue
		}
		req.Header.Set(k, v)
	}
	res, err := a.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	r := &resp{Status: res.StatusCode, Header: res.Header, Body: out}
	if err := a.check(method, path, ctype, raw, r, req.Header.Get("Authorization")); err != nil {
		t.Errorf("%s %s → %d %s\ndoes not match the OpenAPI document: %v", method, path, r.Status, truncate(out), err)
	}
	if r.Status >= 500 && r.Status != http.StatusServiceUnavailable && r.Status != http.StatusNotImplemented {
		t.Errorf("%s %s → %d %s: a server error", method, path, r.Status, truncate(out))
	}
	return r
}

// checkBearer is the validator's check of the document's security
// requirement: the request carries a bearer token (whether the server
// accepts it is the server's business; a refused one must get 401).
func checkBearer(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	if in.SecurityScheme == nil || in.SecurityScheme.Type != "http" || in.SecurityScheme.Scheme != "bearer" {
		return fmt.Errorf("security scheme %q is not the bearer scheme", in.SecuritySchemeName)
	}
	scheme, tok, ok := strings.Cut(in.RequestValidationInput.Request.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return errors.New("no bearer token")
	}
	return nil
}

func truncate(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// check validates the exchange against the document. A route of the API's
// URL space (apiPath) the document does not know must have been answered 404 (unknown path) or 405 (known
// path, other method) with the Error body. On a known route the response
// must match its operation, status included; a request the document
// rejects must have been answered 4xx, and a 2xx answer needs a request the
// document accepts.
func (a *api) check(method, path, ctype string, raw []byte, r *resp, authorization string) error {
	vreq, err := http.NewRequest(method, a.URL+path, bytes.NewReader(raw))
	if err != nil {
		return err
	}
	if ctype != "" {
		vreq.Header.Set("Content-Type", ctype)
	}
	if authorization != "" {
		vreq.Header.Set("Authorization", authorization)
	}
	route, params, err := a.router.FindRoute(vreq)
	if err == nil {
		// The router ignores the path parameters' schemas: /nope/pets is
		// not a route when ns must be one of the namespaces.
		pathOnly := &openapi3filter.Options{ExcludeRequestBody: true, ExcludeRequestQueryParams: true, SkipSettingDefaults: true,
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
		if perr := openapi3filter.ValidateRequest(ctx, &openapi3filter.RequestValidationInput{
			Request: vreq.Clone(ctx), PathParams: params, Route: route, Options: pathOnly}); perr != nil {
			err = fmt.Errorf("path parameters: %w", perr)
		}
	}
	if err != nil && !apiPath(path) {
		return nil // the dashboard's pages: not the API's document
	}
	if err != nil {
		want := http.StatusNotFound
		if errors.Is(err, routers.ErrMethodNotAllowed) {
			want = http.StatusMethodNotAllowed
		}
		if r.Status != want {
			return fmt.Errorf("route not in the document (%v): status %d, want %d", err, r.Status, want)
		}
		return a.checkErrorBody(r)
	}
	opts := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true, SkipSettingDefaults: true,
		AuthenticationFunc: checkBearer}
	in := &openapi3filter.RequestValidationInput{Request: vreq, PathParams: params, Route: route, Options: opts}
	reqErr := openapi3filter.ValidateRequest(ctx, in)
	switch {
	case reqErr != nil && (r.Status < 400 || r.Status >= 500):
		return fmt.Errorf("the document rejects the request (%v) but the server answered %d", reqErr, r.Status)
	case reqErr == nil && r.Status == http.StatusUnsupportedMediaType:
		return fmt.Errorf("the document accepts the request but the server answered 415")
	}
	return openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 r.Status,
		Header:                 r.Header,
		Body:                   io.NopCloser(bytes.NewReader(r.Body)),
		Options:                opts,
	})
}

// apiPath reports whether path is in the JSON API's part of the URL space:
// under a namespace's prefix or /api/.
func apiPath(path string) bool {
	for _, ns := range shelter.Namespaces {
		if path == "/"+ns || strings.HasPrefix(path, "/"+ns+"/") || strings.HasPrefix(path, "/"+ns+"?") {
			return true
		}
	}
	return false
}

func (a *api) checkErrorBody(r *resp) error {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return fmt.Errorf("error answer has Content-Type %q", ct)
	}
	var v any
	if err := json.Unmarshal(r.Body, &v); err != nil {
		return fmt.Errorf("error answer is not JSON: %v", err)
	}
	return a.doc.Components.Schemas["Error"].Value.VisitJSON(v, openapi3.EnableJSONSchema2020())
}

// Create registers a pet under ns and returns it, failing unless 201.
func (a *api) Create(t testing.TB, ns, name string, sp shelter.Species, age int) *shelter.Pet {
	t.Helper()
	r := a.Do(t, "POST", "/"+ns+"/pets", map[string]any{"name": name, "species": sp, "ageMonths": age})
	if r.Status != http.StatusCreated {
		t.Fatalf("create %s: %d %s", name, r.Status, r.Body)
	}
	var p shelter.Pet
	r.JSON(t, &p)
	return &p
}

// Get returns a pet, failing unless 200.
func (a *api) Get(t testing.TB, ns, id string) *shelter.Pet {
	t.Helper()
	r := a.Do(t, "GET", "/"+ns+"/pets/"+id, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("get %s: %d %s", id, r.Status, r.Body)
	}
	var p shelter.Pet
	r.JSON(t, &p)
	return &p
}

// statusChange mirrors the 202 answer of a PUT with a status.
type statusChange struct {
	Message         string         `json:"message"`
	PetID           string         `json:"petId"`
	PreviousStatus  shelter.Status `json:"previousStatus"`
	RequestedStatus shelter.Status `json:"requestedStatus"`
	Status          shelter.Status `json:"status"`
	Accepted        bool           `json:"accepted"`
	Reason          *string        `json:"reason"`
}

// Ask PUTs a status and returns the orchestrator's answer, failing unless 202.
func (a *api) Ask(t testing.TB, ns, id string, st shelter.Status) statusChange {
	t.Helper()
	r := a.Do(t, "PUT", "/"+ns+"/pets/"+id, map[string]any{"status": st})
	if r.Status != http.StatusAccepted {
		t.Fatalf("ask %s for %s: %d %s", id, st, r.Status, r.Body)
	}
	var sc statusChange
	r.JSON(t, &sc)
	return sc
}

// Events returns a pet's timeline.
func (a *api) Events(t testing.TB, ns, id string) []shelter.Event {
	t.Helper()
	r := a.Do(t, "GET", "/"+ns+"/pets/"+id+"/events", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("events of %s: %d %s", id, r.Status, r.Body)
	}
	var evs []shelter.Event
	r.JSON(t, &evs)
	return evs
}

// quarantine does what the feeding reminder job does when it completes:
// the orchestrator's trigger, in one transaction, as the system actor in
// the namespace ns.
func quarantine(t testing.TB, st *store.Store, ns, id string) {
	t.Helper()
	_, _, err := st.ApplyTrigger(ctx, shelter.Origin{Namespace: ns, Actor: shelter.ActorSystem}, id, shelter.TriggerFeedingReminderCompleted)
	if err != nil {
		t.Fatalf("quarantine %s: %v", id, err)
	}
}

package web_test

import (
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/petstore/petstore/internal/auth"
	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
	"github.com/petstore/petstore/web"
)

// authEnv is a server with accounts, an admin (session and token) and a
// staff member (session and personal token), for the security tests.
type authEnv struct {
	URL   string
	St    *store.Store
	Acc   *auth.Service
	Srv   *web.Server
	ts    *httptest.Server
	Admin creds
	Staff creds
}

type envOptions struct {
	tls, trustProxy bool
	limits          auth.Limits
}

func newAuthEnv(t *testing.T, opts ...envOptions) *authEnv {
	t.Helper()
	var o envOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	st := storetest.Open(t, store.Options{CreateJobs: []string{shelter.JobFeedingReminder}})
	d := web.Deps{Pets: st, Events: st, DB: st, Jobs: st, TrustProxy: o.trustProxy}
	_, admin := withAccounts(t, st, &d)
	acc := newAccounts(st, auth.Options{Limits: o.limits})
	d.Accounts = acc
	srv := web.New(d)
	var ts *httptest.Server
	if o.tls {
		ts = httptest.NewTLSServer(srv.Handler())
	} else {
		ts = httptest.NewServer(srv.Handler())
	}
	t.Cleanup(ts.Close)
	u := mustUser(t, acc, "Sam Staff", "sam@example.org", shelter.RoleStaff)
	staff := creds{Email: u.Email, UserID: u.ID, Session: mustSession(t, acc, u),
		Token: mustToken(t, acc, "sams-laptop", shelter.RoleStaff, u.ID)}
	return &authEnv{URL: ts.URL, St: st, Acc: acc, Srv: srv, ts: ts, Admin: admin, Staff: staff}
}

// call sends a request. body: nil, url.Values (a form) or a string (JSON).
// hdr adds headers; the special keys "session" and "bearer" add those
// credentials, and "csrf" the CSRF token as header and cookie.
func (e *authEnv) call(t *testing.T, method, path string, body any, hdr map[string]string) answer {
	t.Helper()
	var r io.Reader
	ctype := ""
	switch b := body.(type) {
	case url.Values:
		r, ctype = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	case string:
		r, ctype = strings.NewReader(b), "application/json"
	}
	req, err := http.NewRequest(method, e.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for k, v := range hdr { // plain headers first: the cookies below add to Cookie
		if !slices.Contains([]string{"session", "secure-session", "bearer", "csrf"}, k) {
			req.Header.Set(k, v)
		}
	}
	for k, v := range hdr {
		switch k {
		case "session":
			req.AddCookie(&http.Cookie{Name: "petstore_session", Value: v})
		case "secure-session":
			req.AddCookie(&http.Cookie{Name: "__Host-petstore_session", Value: v})
		case "bearer":
			req.Header.Set("Authorization", "Bearer "+v)
		case "csrf":
			req.AddCookie(&http.Cookie{Name: "petstore_csrf", Value: v})
			req.Header.Set("X-CSRF-Token", v)
		}
	}
	client := e.ts.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, string(b)}
}

// signIn posts the sign-in form as a browser would (Sec-Fetch-Site).
func (e *authEnv) signIn(t *testing.T, email, password string, hdr map[string]string) answer {
	t.Helper()
	h := map[string]string{"Sec-Fetch-Site": "same-origin", "Accept": "text/html"}
	for k, v := range hdr {
		h[k] = v
	}
	return e.call(t, "POST", "/login", url.Values{"email": {email}, "password": {password}}, h)
}

func cookieNamed(a answer, name string) *http.Cookie {
	for _, c := range (&http.Response{Header: a.Header}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// concrete turns a route pattern into a path: ":id" → "1", "*" → "x".
func concrete(pattern string) string {
	p := regexp.MustCompile(`:[a-z]+`).ReplaceAllString(pattern, "1")
	return strings.ReplaceAll(p, "*", "x")
}

var httpMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}

// TestRouteInventory walks the router's own routes: every route that is
// not on the public list refuses a request without credentials (401 for
// the API, a redirect to /login for pages, never 2xx); every public and
// admin entry of the access table is a real route; admin routes refuse a
// staff token and a staff session with 403. A new route is closed unless
// someone puts it on the public list.
func TestRouteInventory(t *testing.T) {
	e := newAuthEnv(t)
	routes := map[string]bool{}
	for _, rt := range e.Srv.Echo().Routes() {
		if !slices.Contains(httpMethods, rt.Method) {
			continue
		}
		key := rt.Method + " " + rt.Path
		routes[key] = true
		access := web.RouteAccess(rt.Method, rt.Path)
		if access == web.AccessPublic {
			continue
		}
		path := concrete(rt.Path)
		for _, accept := range []string{"application/json", "text/html"} {
			a := e.call(t, rt.Method, path, nil, map[string]string{"Accept": accept})
			api := strings.HasPrefix(path, "/api/") || strings.HasPrefix(path, "/js/") || strings.HasPrefix(path, "/ts/") ||
				strings.HasPrefix(path, "/py/") || path == "/events/stream" || path == "/metrics" ||
				strings.HasPrefix(path, "/photos/") && accept != "text/html" // a browser opening a photo signs in first
			switch {
			case a.Status >= 200 && a.Status < 300:
				t.Errorf("%s %s (%s) without credentials: %d — the route is open", rt.Method, path, accept, a.Status)
			case api && (a.Status != 401 || a.Body != `{"message":"Authentication required"}`+"\n" ||
				a.Header.Get("WWW-Authenticate") != `Bearer realm="petstore"`):
				t.Errorf("%s %s without credentials: %d %q WWW-Authenticate %q, want 401 JSON", rt.Method, path, a.Status, a.Body, a.Header.Get("WWW-Authenticate"))
			case !api && (a.Status != http.StatusSeeOther || !strings.HasPrefix(a.Header.Get("Location"), "/login")):
				t.Errorf("%s %s without credentials: %d Location %q, want 303 to /login", rt.Method, path, a.Status, a.Header.Get("Location"))
			}
		}
		if access == web.AccessAdmin || access == web.AccessMetrics {
			for name, h := range map[string]map[string]string{
				"staff token":   {"bearer": e.Staff.Token, "Accept": "application/json"},
				"staff session": {"session": e.Staff.Session, "Sec-Fetch-Site": "same-origin", "Accept": "text/html"},
			} {
				if a := e.call(t, rt.Method, path, nil, h); a.Status != http.StatusForbidden {
					t.Errorf("%s %s with a %s: %d, want 403", rt.Method, path, name, a.Status)
				}
			}
		}
	}
	for _, list := range [][]string{web.PublicRoutes(), web.AdminRoutes()} {
		for _, key := range list {
			if !routes[key] {
				t.Errorf("access table names %q, which is not a route", key)
			}
		}
	}
	// Unknown addresses need credentials too: strangers learn nothing.
	if a := e.call(t, "GET", "/no/such/page", nil, map[string]string{"Accept": "text/html"}); a.Status != http.StatusSeeOther {
		t.Errorf("unknown page without credentials: %d", a.Status)
	}
	if a := e.call(t, "GET", "/api/nothing", nil, nil); a.Status != 401 {
		t.Errorf("unknown API path without credentials: %d", a.Status)
	}
	// The public list is exactly this: the test fails when it grows.
	pub := web.PublicRoutes()
	slices.Sort(pub)
	// The public adoption page's five routes were added deliberately
	// (issue 13): read-only views of available pets, and one form.
	want := []string{"GET /adopt", "GET /adopt/:id", "GET /adopt/:id/thanks", "GET /adopt/photos/:photoId/:file",
		"GET /favicon.ico", "GET /healthz", "GET /login", "GET /openapi.json", "GET /readyz", "GET /robots.txt", "GET /setup", "GET /static/*",
		"POST /adopt/:id/inquiry", "POST /login", "POST /setup"}
	if !slices.Equal(pub, want) {
		t.Errorf("public routes %q, want %q", pub, want)
	}
}

// TestPublicRoutesAnswerWithoutCredentials: the public list works for a
// stranger.
func TestPublicRoutesAnswerWithoutCredentials(t *testing.T) {
	e := newAuthEnv(t)
	for _, path := range []string{"/healthz", "/openapi.json", "/login", "/robots.txt", "/favicon.ico"} {
		if a := e.call(t, "GET", path, nil, nil); a.Status != 200 {
			t.Errorf("GET %s: %d", path, a.Status)
		}
	}
}

func TestUnauthenticatedAnswers(t *testing.T) {
	e := newAuthEnv(t)
	// Pages go to the sign-in page and come back.
	a := e.call(t, "GET", "/pets/7?x=1", nil, map[string]string{"Accept": "text/html"})
	if a.Status != 303 || a.Header.Get("Location") != "/login?next="+url.QueryEscape("/pets/7?x=1") {
		t.Errorf("page: %d %q", a.Status, a.Header.Get("Location"))
	}
	// A photo's file, or any request with a token that does not work,
	// gets 401 JSON (a script following redirects would read the sign-in
	// page instead).
	for _, h := range []map[string]string{nil, {"bearer": "nope"}} {
		a = e.call(t, "GET", "/photos/1/thumb-abc.jpg", nil, h)
		if a.Status != 401 || a.Header.Get("Location") != "" || !strings.HasPrefix(a.Body, `{"message":`) {
			t.Errorf("photo file %v: %d %q %.80s", h, a.Status, a.Header.Get("Location"), a.Body)
		}
	}
	if a = e.call(t, "GET", "/pets/7", nil, map[string]string{"bearer": "nope", "Accept": "text/html"}); a.Status != 401 {
		t.Errorf("a page with a bad token: %d, want 401", a.Status)
	}
	// htmx gets HX-Redirect to the page it is on.
	a = e.call(t, "POST", "/pets/7/status", nil, map[string]string{"HX-Request": "true", "HX-Current-URL": e.URL + "/pets/7"})
	if a.Status != 401 || a.Header.Get("HX-Redirect") != "/login?next=%2Fpets%2F7" {
		t.Errorf("htmx: %d HX-Redirect %q", a.Status, a.Header.Get("HX-Redirect"))
	}
	// A bad token is refused even with a good session cookie.
	a = e.call(t, "GET", "/api/pets", nil, map[string]string{"bearer": "pst_nonsense", "session": e.Admin.Session})
	if a.Status != 401 {
		t.Errorf("bogus bearer with a good cookie: %d", a.Status)
	}
	for _, h := range []string{"Basic YTpi", "Bearer", "Bearer ", "pst_x"} {
		if a := e.call(t, "GET", "/api/pets", nil, map[string]string{"Authorization": h}); a.Status != 401 {
			t.Errorf("Authorization %q: %d", h, a.Status)
		}
	}
	// Behind a reverse proxy with its own Basic sign-in, which passes the
	// header on, the dashboard's session still works.
	if a := e.call(t, "GET", "/pets", nil, map[string]string{"Authorization": "Basic YTpi", "session": e.Admin.Session, "Accept": "text/html"}); a.Status != 200 {
		t.Errorf("a page with a proxy's Basic header and a session: %d", a.Status)
	}
	if a := e.call(t, "GET", "/pets", nil, map[string]string{"Authorization": "Basic YTpi", "Accept": "text/html"}); a.Status != 303 {
		t.Errorf("a page with a proxy's Basic header and no session: %d, want the sign-in page", a.Status)
	}
	// 403 body for a staff token on an admin route.
	a = e.call(t, "POST", "/api/jobs/1/retry", nil, map[string]string{"bearer": e.Staff.Token})
	if a.Status != 403 || a.Body != `{"message":"Only an admin may do this."}`+"\n" {
		t.Errorf("staff retry: %d %q", a.Status, a.Body)
	}
	// A staff token works on staff routes.
	if a := e.call(t, "GET", "/api/pets", nil, map[string]string{"bearer": e.Staff.Token}); a.Status != 200 {
		t.Errorf("staff token GET /api/pets: %d", a.Status)
	}
}

func TestSignInCookieAndSignOut(t *testing.T) {
	e := newAuthEnv(t)
	a := e.signIn(t, "SAM@example.org ", testPassword, nil)
	ck := cookieNamed(a, "petstore_session")
	if a.Status != 303 || a.Header.Get("Location") != "/" || ck == nil {
		t.Fatalf("sign in: %d %q cookies %q", a.Status, a.Header.Get("Location"), a.Header.Values("Set-Cookie"))
	}
	if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure || ck.Path != "/" || ck.MaxAge != int((12*time.Hour).Seconds()) || len(ck.Value) < 22 {
		t.Errorf("session cookie %+v: want HttpOnly, SameSite=Lax, not Secure over HTTP, Path=/, Max-Age 12h, 128 bits", ck)
	}
	// A new id at every sign-in.
	b := e.signIn(t, "sam@example.org", testPassword, map[string]string{"session": ck.Value})
	ck2 := cookieNamed(b, "petstore_session")
	if ck2 == nil || ck2.Value == ck.Value {
		t.Fatalf("second sign-in kept the session id")
	}
	if a := e.call(t, "GET", "/api/pets", nil, map[string]string{"session": ck.Value}); a.Status != 401 {
		t.Errorf("the replaced session still works: %d", a.Status)
	}
	if a := e.call(t, "GET", "/", nil, map[string]string{"session": ck2.Value}); a.Status != 200 || !strings.Contains(a.Body, `data-testid="signed-in-as" title="sam@example.org"`) {
		t.Errorf("board after sign-in: %d, no signed-in-as", a.Status)
	}
	// next: local paths only.
	for next, want := range map[string]string{"/pets/3": "/pets/3", "//evil.example": "/", "https://evil.example/": "/", "/\\evil.example": "/"} {
		a := e.call(t, "POST", "/login", url.Values{"email": {"sam@example.org"}, "password": {testPassword}, "next": {next}},
			map[string]string{"Sec-Fetch-Site": "same-origin"})
		if a.Header.Get("Location") != want {
			t.Errorf("next %q: Location %q, want %q", next, a.Header.Get("Location"), want)
		}
	}
	// Sign-out ends the session on the server and in the browser.
	out := e.call(t, "POST", "/logout", url.Values{}, map[string]string{"session": ck2.Value, "Sec-Fetch-Site": "same-origin"})
	if out.Status != 303 || out.Header.Get("Location") != "/login" {
		t.Errorf("sign out: %d %q", out.Status, out.Header.Get("Location"))
	}
	if c := cookieNamed(out, "petstore_session"); c == nil || c.MaxAge >= 0 && c.Value != "" {
		t.Errorf("sign out did not expire the cookie: %+v", c)
	}
	if a := e.call(t, "GET", "/api/pets", nil, map[string]string{"session": ck2.Value}); a.Status != 401 {
		t.Errorf("session after sign-out: %d, want 401", a.Status)
	}
}

func TestSecureCookieOverTLS(t *testing.T) {
	e := newAuthEnv(t, envOptions{tls: true})
	a := e.signIn(t, "sam@example.org", testPassword, nil)
	ck := cookieNamed(a, "__Host-petstore_session")
	if ck == nil || !ck.Secure || !ck.HttpOnly || ck.Path != "/" || ck.Domain != "" {
		t.Fatalf("over TLS: cookie %q, want __Host- and Secure", a.Header.Values("Set-Cookie"))
	}
	if h := a.Header.Get("Strict-Transport-Security"); h != "max-age=31536000" {
		t.Errorf("HSTS %q", h)
	}
	if a := e.call(t, "GET", "/api/pets", nil, map[string]string{"secure-session": ck.Value}); a.Status != 200 {
		t.Errorf("secure session: %d", a.Status)
	}
	if c := cookieNamed(a, "petstore_csrf"); c != nil && !c.Secure {
		t.Errorf("CSRF cookie over TLS not Secure")
	}
}

func TestForwardedProtoOnlyWhenTrusted(t *testing.T) {
	for _, trust := range []bool{false, true} {
		e := newAuthEnv(t, envOptions{trustProxy: trust})
		a := e.signIn(t, "sam@example.org", testPassword, map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
		secure := cookieNamed(a, "__Host-petstore_session")
		plain := cookieNamed(a, "petstore_session")
		hsts := a.Header.Get("Strict-Transport-Security") != ""
		if trust && (secure == nil || !secure.Secure || !hsts) {
			t.Errorf("trusted proxy, https: cookies %q HSTS %v, want a Secure __Host- cookie and HSTS", a.Header.Values("Set-Cookie"), hsts)
		}
		if !trust && (plain == nil || plain.Secure || hsts) {
			t.Errorf("untrusted X-Forwarded-Proto was believed: cookies %q HSTS %v", a.Header.Values("Set-Cookie"), hsts)
		}
		// The address counted for throttling is the connection's unless
		// the proxy is trusted.
		ck := plain
		if trust {
			ck = secure
		}
		if ck == nil {
			continue // reported above
		}
		var addr string
		if err := e.St.DB().Read.QueryRow(`SELECT addr FROM sessions WHERE secret_hash = ?`, auth.HashSecret(ck.Value)).Scan(&addr); err != nil {
			t.Fatal(err)
		}
		if want := map[bool]string{false: "127.0.0.1", true: "203.0.113.9"}[trust]; addr != want {
			t.Errorf("trust=%v: session address %q, want %q", trust, addr, want)
		}
	}
}

func TestDisablingEndsSessionsAndTokens(t *testing.T) {
	e := newAuthEnv(t)
	admin := map[string]string{"session": e.Admin.Session, "Sec-Fetch-Site": "same-origin", "Accept": "text/html"}
	a := e.call(t, "POST", "/staff/"+e.Staff.UserID+"/disable", url.Values{}, admin)
	if a.Status != 303 || a.Header.Get("Location") != "/staff?done=disabled" {
		t.Fatalf("disable: %d %q %s", a.Status, a.Header.Get("Location"), a.Body)
	}
	if a := e.call(t, "GET", "/api/pets", nil, map[string]string{"session": e.Staff.Session}); a.Status != 401 {
		t.Errorf("disabled staff's session: %d", a.Status)
	}
	if a := e.call(t, "GET", "/api/pets", nil, map[string]string{"bearer": e.Staff.Token}); a.Status != 401 {
		t.Errorf("disabled staff's personal token: %d", a.Status)
	}
	if a := e.signIn(t, "sam@example.org", testPassword, nil); a.Status != 401 || !strings.Contains(a.Body, "Incorrect email or password.") {
		t.Errorf("disabled staff signs in: %d", a.Status)
	}
	// Enabled again, they sign in; the old session stays ended.
	if a := e.call(t, "POST", "/staff/"+e.Staff.UserID+"/enable", url.Values{}, admin); a.Status != 303 {
		t.Errorf("enable: %d", a.Status)
	}
	if a := e.signIn(t, "sam@example.org", testPassword, nil); a.Status != 303 {
		t.Errorf("enabled staff signs in: %d", a.Status)
	}
	if a := e.call(t, "GET", "/api/pets", nil, map[string]string{"session": e.Staff.Session}); a.Status != 401 {
		t.Errorf("old session after enable: %d", a.Status)
	}
	// An admin cannot disable themself (the page refuses; the store keeps
	// the last admin too).
	if a := e.call(t, "POST", "/staff/"+e.Admin.UserID+"/disable", url.Values{}, admin); a.Status != 409 {
		t.Errorf("admin disables self: %d", a.Status)
	}
}

func TestCSRF(t *testing.T) {
	e := newAuthEnv(t)
	form := url.Values{"name": {"Rex"}, "species": {"dog"}, "ageMonths": {"3"}}
	sess := func(extra map[string]string) map[string]string {
		h := map[string]string{"session": e.Staff.Session, "Accept": "text/html"}
		for k, v := range extra {
			h[k] = v
		}
		return h
	}
	// Refused: no token and no Sec-Fetch-Site; a wrong token; cross-site
	// even with the right token; same-site without a token.
	for name, h := range map[string]map[string]string{
		"no token":               sess(nil),
		"wrong token":            sess(map[string]string{"Cookie": "petstore_csrf=tok-right-one", "X-CSRF-Token": "tok-wrong-one"}),
		"cross-site with token":  sess(map[string]string{"csrf": "tok-1234567890", "Sec-Fetch-Site": "cross-site"}),
		"same-site, no token":    sess(map[string]string{"Sec-Fetch-Site": "same-site"}),
		"login form, cross-site": {"Sec-Fetch-Site": "cross-site"},
	} {
		path := "/pets/new"
		if strings.HasPrefix(name, "login") {
			path = "/login"
		}
		a := e.call(t, "POST", path, form, h)
		if a.Status != 403 || !strings.Contains(a.Body, "This form expired or came from another site") {
			t.Errorf("%s: %d %.200q, want 403 with the message", name, a.Status, a.Body)
		}
	}
	if n, _ := e.St.FindPets(ctx, shelter.PetFilter{Limit: 10}); len(n.Pets) != 0 {
		t.Fatalf("refused requests created %d pets", len(n.Pets))
	}
	// Accepted: the token in the header (htmx), in the form (no JS), or
	// a same-origin request; a bearer request needs none.
	withField := url.Values{"_csrf": {"tok-abcdefghij"}}
	for k, v := range form {
		withField[k] = v
	}
	for name, c := range map[string]struct {
		body url.Values
		h    map[string]string
	}{
		"header token": {form, sess(map[string]string{"csrf": "tok-1234567890"})},
		"form token":   {withField, sess(map[string]string{"Cookie": "petstore_csrf=tok-abcdefghij"})},
		"same-origin":  {form, sess(map[string]string{"Sec-Fetch-Site": "same-origin"})},
	} {
		if a := e.call(t, "POST", "/pets/new", c.body, c.h); a.Status != 303 {
			t.Errorf("%s: %d %.300q, want 303", name, a.Status, a.Body)
		}
	}
	if a := e.call(t, "POST", "/api/pets", `{"name":"Rex","species":"dog","ageMonths":3}`, map[string]string{"bearer": e.Staff.Token}); a.Status != 201 {
		t.Errorf("bearer POST without a CSRF token: %d", a.Status)
	}
	// A page carries the token for htmx and for plain forms.
	a := e.call(t, "GET", "/pets/new", nil, sess(nil))
	ck := cookieNamed(a, "petstore_csrf")
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode {
		t.Fatalf("no CSRF cookie on a page: %q", a.Header.Values("Set-Cookie"))
	}
	if !strings.Contains(a.Body, `hx-headers="{&#34;X-CSRF-Token&#34;:&#34;`+ck.Value+`&#34;}"`) ||
		!strings.Contains(a.Body, `<input type="hidden" name="_csrf" value="`+ck.Value+`">`) {
		t.Errorf("page lacks the CSRF token in hx-headers or the form")
	}
}

func TestThrottledSignIn(t *testing.T) {
	e := newAuthEnv(t)
	var bodies []string
	for i := range 5 {
		a := e.signIn(t, "sam@example.org", "wrong password "+strconv.Itoa(i), nil)
		if a.Status != 401 || !strings.Contains(a.Body, "Incorrect email or password.") {
			t.Fatalf("failure %d: %d", i+1, a.Status)
		}
		bodies = append(bodies, a.Body)
	}
	a := e.signIn(t, "sam@example.org", testPassword, nil)
	if a.Status != 429 || !strings.Contains(a.Body, "Too many failed sign-ins. Try again in 15 minutes.") {
		t.Fatalf("6th attempt (right password): %d %.300q, want 429", a.Status, a.Body)
	}
	if ra, err := strconv.Atoi(a.Header.Get("Retry-After")); err != nil || ra < 800 || ra > 900 {
		t.Errorf("Retry-After %q", a.Header.Get("Retry-After"))
	}
	if cookieNamed(a, "petstore_session") != nil {
		t.Errorf("a throttled sign-in set a session")
	}
	// An unknown email gets the same answer as a known one.
	u := e.signIn(t, "nobody@example.org", "whatever it is", nil)
	if u.Status != 401 || strings.ReplaceAll(u.Body, "nobody@example.org", "sam@example.org") != bodies[0] {
		t.Errorf("unknown email answered differently: %d", u.Status)
	}
	// Per address: 20 failures over many accounts, then 429.
	e2 := newAuthEnv(t)
	for i := range 20 {
		if a := e2.signIn(t, "user"+strconv.Itoa(i)+"@example.org", "wrong password", nil); a.Status != 401 {
			t.Fatalf("address failure %d: %d", i+1, a.Status)
		}
	}
	if a := e2.signIn(t, "sam@example.org", testPassword, nil); a.Status != 429 || a.Header.Get("Retry-After") == "" {
		t.Errorf("21st from one address: %d, want 429", a.Status)
	}
}

func TestTokensPageAndRevocation(t *testing.T) {
	e := newAuthEnv(t)
	staff := map[string]string{"session": e.Staff.Session, "Sec-Fetch-Site": "same-origin", "Accept": "text/html"}
	// Staff create a token: shown once, in this answer only.
	a := e.call(t, "POST", "/tokens", url.Values{"name": {"intake-script"}, "role": {"admin"}}, staff)
	m := regexp.MustCompile(`data-testid="new-token">(pst_[^<]+)<`).FindStringSubmatch(a.Body)
	if a.Status != 201 || m == nil {
		t.Fatalf("create token: %d, no secret in %.300q", a.Status, a.Body)
	}
	secret := m[1]
	tok, err := e.Acc.AuthenticateToken(ctx, secret)
	if err != nil || tok.Token.Role != shelter.RoleStaff || tok.Token.UserID != e.Staff.UserID {
		t.Fatalf("token %+v %v: want a staff token of the staff member (role forced to staff)", tok, err)
	}
	if a := e.call(t, "GET", "/tokens", nil, staff); strings.Contains(a.Body, secret) || !strings.Contains(a.Body, `data-name="intake-script"`) ||
		strings.Contains(a.Body, `data-name="tests"`) || !strings.Contains(a.Body, secret[:8]+"…") {
		t.Errorf("token list: secret shown again, or others' tokens listed, or no hint")
	}
	// Bad names and taken names are form errors.
	if a := e.call(t, "POST", "/tokens", url.Values{"name": {"bad name!"}}, staff); a.Status != 400 || !strings.Contains(a.Body, `data-testid="error-name"`) {
		t.Errorf("bad token name: %d", a.Status)
	}
	if a := e.call(t, "POST", "/tokens", url.Values{"name": {"intake-script"}}, staff); a.Status != 409 {
		t.Errorf("taken token name: %d", a.Status)
	}
	// It works, and its use shows.
	r := e.call(t, "POST", "/api/pets", `{"name":"Ci","species":"cat","ageMonths":3}`, map[string]string{"bearer": secret})
	if r.Status != 201 {
		t.Fatalf("create with the new token: %d", r.Status)
	}
	a = e.call(t, "GET", "/tokens", nil, staff)
	if m := regexp.MustCompile(`data-name="intake-script"[\s\S]*?data-testid="token-last-used">\s*([^<]*?)\s*<`).FindStringSubmatch(a.Body); m == nil || m[1] == "Never" || m[1] == "" {
		t.Errorf("last used not shown after use: %q", m)
	}
	// The actor is the token's name.
	var p shelter.Pet
	_ = json.Unmarshal([]byte(r.Body), &p)
	evs, _ := e.St.FindEvents(ctx, shelter.EventFilter{PetID: p.ID})
	if len(evs) == 0 || evs[0].Actor != "intake-script" {
		t.Errorf("events of a token's create: %+v, want actor intake-script", evs)
	}
	// Staff may not revoke another's token; an admin may revoke any.
	all, _ := e.Acc.FindTokens(ctx, "")
	var adminTok, mine string
	for _, t := range all {
		switch t.Name {
		case testTokenName:
			adminTok = t.ID
		case "intake-script":
			mine = t.ID
		}
	}
	if a := e.call(t, "POST", "/tokens/"+adminTok+"/revoke", url.Values{}, staff); a.Status != 403 {
		t.Errorf("staff revokes another's token: %d", a.Status)
	}
	if a := e.call(t, "POST", "/tokens/"+mine+"/revoke", url.Values{}, staff); a.Status != 303 {
		t.Errorf("staff revokes own token: %d", a.Status)
	}
	if a := e.call(t, "GET", "/api/pets", nil, map[string]string{"bearer": secret}); a.Status != 401 {
		t.Errorf("revoked token: %d, want 401", a.Status)
	}
	admin := map[string]string{"session": e.Admin.Session, "Sec-Fetch-Site": "same-origin", "Accept": "text/html"}
	if a := e.call(t, "GET", "/tokens", nil, admin); !strings.Contains(a.Body, `data-name="sams-laptop"`) || !strings.Contains(a.Body, "All tokens") {
		t.Errorf("admin does not see every token")
	}
	if a := e.call(t, "POST", "/tokens/"+adminTok+"/revoke", url.Values{}, admin); a.Status != 303 {
		t.Errorf("admin revokes a token: %d", a.Status)
	}
	if a := e.call(t, "GET", "/api/pets", nil, map[string]string{"bearer": e.Admin.Token}); a.Status != 401 {
		t.Errorf("revoked admin token: %d", a.Status)
	}
}

func TestStaffPage(t *testing.T) {
	e := newAuthEnv(t)
	admin := map[string]string{"session": e.Admin.Session, "Sec-Fetch-Site": "same-origin", "Accept": "text/html"}
	if a := e.call(t, "GET", "/staff", nil, admin); a.Status != 200 || !strings.Contains(a.Body, `data-email="sam@example.org"`) {
		t.Fatalf("staff page: %d", a.Status)
	}
	staff := map[string]string{"session": e.Staff.Session, "Sec-Fetch-Site": "same-origin", "Accept": "text/html"}
	if a := e.call(t, "GET", "/staff", nil, staff); a.Status != 403 || !strings.Contains(a.Body, `data-testid="error-page"`) {
		t.Errorf("staff on /staff: %d, want a 403 page", a.Status)
	}
	if a := e.call(t, "GET", "/", nil, staff); strings.Contains(a.Body, `href="/staff"`) {
		t.Errorf("staff see a link to /staff")
	}
	// Add: the policy applies; problems show per field.
	a := e.call(t, "POST", "/staff", url.Values{"name": {""}, "email": {"bad"}, "role": {"staff"}, "password": {"password"}}, admin)
	for _, f := range []string{"error-name", "error-email", "error-password"} {
		if a.Status != 400 || !strings.Contains(a.Body, `data-testid="`+f+`"`) {
			t.Errorf("bad account: %d, no %s", a.Status, f)
		}
	}
	if a := e.call(t, "POST", "/staff", url.Values{"name": {"Sam Two"}, "email": {"sam@example.org"}, "role": {"staff"}, "password": {"another fine phrase"}}, admin); a.Status != 409 {
		t.Errorf("taken email: %d", a.Status)
	}
	a = e.call(t, "POST", "/staff", url.Values{"name": {"Kim"}, "email": {"kim@example.org"}, "role": {"staff"}, "password": {"kim's first phrase"}}, admin)
	if a.Status != 303 || a.Header.Get("Location") != "/staff?done=added" {
		t.Fatalf("add: %d %q", a.Status, a.Header.Get("Location"))
	}
	if a := e.signIn(t, "kim@example.org", "kim's first phrase", nil); a.Status != 303 {
		t.Errorf("new account signs in: %d", a.Status)
	}
	// Reset password: the old sessions end; the new password works.
	if a := e.call(t, "POST", "/staff/"+e.Staff.UserID+"/password", url.Values{"password": {"short"}}, admin); a.Status != 400 || !strings.Contains(a.Body, `data-testid="error-password"`) {
		t.Errorf("short password: %d", a.Status)
	}
	if a := e.call(t, "POST", "/staff/"+e.Staff.UserID+"/password", url.Values{"password": {"a brand new phrase"}}, admin); a.Status != 303 {
		t.Errorf("reset password: %d", a.Status)
	}
	if a := e.call(t, "GET", "/api/pets", nil, map[string]string{"session": e.Staff.Session}); a.Status != 401 {
		t.Errorf("session after a password reset: %d", a.Status)
	}
	if a := e.signIn(t, "sam@example.org", "a brand new phrase", nil); a.Status != 303 {
		t.Errorf("sign in with the new password: %d", a.Status)
	}
	if a := e.call(t, "POST", "/staff/999/disable", url.Values{}, admin); a.Status != 404 {
		t.Errorf("disable unknown: %d", a.Status)
	}
}

func TestSetupLink(t *testing.T) {
	st := storetest.Open(t, store.Options{})
	acc := newAccounts(st, auth.Options{})
	secret, _, err := acc.Bootstrap(ctx, "", "")
	if err != nil || secret == "" {
		t.Fatalf("bootstrap: %q %v", secret, err)
	}
	ts := httptest.NewServer(web.New(web.Deps{Pets: st, Events: st, DB: st, Accounts: acc, Logger: quiet}).Handler())
	t.Cleanup(ts.Close)
	e := &authEnv{URL: ts.URL, St: st, Acc: acc, ts: ts}
	h := map[string]string{"Sec-Fetch-Site": "same-origin", "Accept": "text/html"}
	if a := e.call(t, "GET", "/setup?token="+secret, nil, h); a.Status != 200 || !strings.Contains(a.Body, `data-testid="setup-form"`) {
		t.Fatalf("setup page: %d", a.Status)
	}
	if a := e.call(t, "GET", "/setup?token=wrong", nil, h); a.Status != 401 || !strings.Contains(a.Body, "not valid any more") {
		t.Errorf("wrong setup token: %d", a.Status)
	}
	form := url.Values{"token": {secret}, "name": {"Ana"}, "email": {"ana@example.org"}, "password": {"password1"}}
	if a := e.call(t, "POST", "/setup", form, h); a.Status != 400 || !strings.Contains(a.Body, "too common") {
		t.Errorf("common password: %d", a.Status)
	}
	form.Set("password", "ana picks a long one")
	a := e.call(t, "POST", "/setup", form, h)
	ck := cookieNamed(a, "petstore_session")
	if a.Status != 303 || a.Header.Get("Location") != "/" || ck == nil {
		t.Fatalf("complete setup: %d %q", a.Status, a.Header.Get("Location"))
	}
	if a := e.call(t, "GET", "/staff", nil, map[string]string{"session": ck.Value}); a.Status != 200 {
		t.Errorf("the first admin reaches /staff: %d", a.Status)
	}
	if a := e.call(t, "POST", "/setup", form, h); a.Status != 401 || !strings.Contains(a.Body, "not valid any more") {
		t.Errorf("setup link used twice: %d", a.Status)
	}
	if a := e.call(t, "GET", "/setup?token="+secret, nil, h); a.Status != 401 {
		t.Errorf("spent setup link: %d", a.Status)
	}
}

// TestSecurityHeaders: every kind of answer carries them.
func TestSecurityHeaders(t *testing.T) {
	e := newAuthEnv(t)
	for _, c := range []struct {
		path string
		h    map[string]string
	}{
		{"/api/pets", map[string]string{"bearer": e.Admin.Token}},
		{"/", map[string]string{"session": e.Admin.Session}},
		{"/api/pets/999", map[string]string{"bearer": e.Admin.Token}},
		{"/nope", map[string]string{"session": e.Admin.Session, "Accept": "text/html"}},
		{"/api/pets", nil},
		{"/login", nil},
		{"/healthz", nil},
		{"/static/x.css", nil},
	} {
		a := e.call(t, "GET", c.path, nil, c.h)
		for k, want := range map[string]string{
			"X-Content-Type-Options": "nosniff",
			"X-Frame-Options":        "DENY",
			"Referrer-Policy":        "same-origin",
		} {
			if got := a.Header.Get(k); got != want {
				t.Errorf("GET %s (%d): %s %q, want %q", c.path, a.Status, k, got, want)
			}
		}
		csp := a.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("GET %s: CSP %q", c.path, csp)
		}
		if a.Header.Get("Strict-Transport-Security") != "" {
			t.Errorf("GET %s: HSTS over plain HTTP", c.path)
		}
	}
	if a := e.call(t, "GET", "/api/pets", nil, map[string]string{"bearer": e.Admin.Token}); a.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("authenticated JSON Cache-Control %q", a.Header.Get("Cache-Control"))
	}
}

// TestActorIsWhoDidIt: the events of a change name the session's email or
// the token's name; automatic steps stay "system".
func TestActorIsWhoDidIt(t *testing.T) {
	e := newAuthEnv(t)
	ci := mustToken(t, e.Acc, "ci", shelter.RoleStaff, "")
	r := e.call(t, "POST", "/js/pets", `{"name":"Rex","species":"dog","ageMonths":3}`, map[string]string{"bearer": ci})
	var p shelter.Pet
	if err := json.Unmarshal([]byte(r.Body), &p); err != nil || r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	quarantine(t, e.St, "js", p.ID)
	a := e.call(t, "POST", "/pets/"+p.ID+"/status", url.Values{"status": {"healthy"}},
		map[string]string{"session": e.Staff.Session, "Sec-Fetch-Site": "same-origin", "Accept": "text/html"})
	if a.Status != 303 {
		t.Fatalf("status by the dashboard: %d %.300s", a.Status, a.Body)
	}
	evs, _ := e.St.FindEvents(ctx, shelter.EventFilter{PetID: p.ID})
	var got []string
	for _, ev := range evs {
		got = append(got, ev.Type+" by "+ev.Actor)
	}
	for _, want := range []string{"js.pet.created by ci", "js.lifecycle.transition.completed by system",
		"web.status.update.requested by sam@example.org", "web.lifecycle.transition.completed by sam@example.org"} {
		if !slices.Contains(got, want) {
			t.Errorf("no event %q in %q", want, got)
		}
	}
	page := e.call(t, "GET", "/pets/"+p.ID, nil, map[string]string{"session": e.Staff.Session})
	if !strings.Contains(page.Body, "by sam@example.org<") || !strings.Contains(page.Body, "by ci<") || !strings.Contains(page.Body, "by system") {
		t.Errorf("the timeline does not show the actors")
	}
}

// TestSecurityHeadersAsEchoSets: every answer carries the security headers
// echo's SecureWithConfig set with the server's old configuration, HSTS
// over HTTPS only, and an Add to one of them leaves the others alone.
func TestSecurityHeadersAsEchoSets(t *testing.T) {
	want := func(secure bool) http.Header {
		e := echo.New()
		mw := middleware.SecureWithConfig(middleware.SecureConfig{ContentTypeNosniff: "nosniff", XFrameOptions: "DENY",
			HSTSMaxAge: 31536000, HSTSExcludeSubdomains: true, ContentSecurityPolicy: web.DashboardCSP, ReferrerPolicy: "same-origin"})
		req := httptest.NewRequest("GET", "/", nil)
		if secure {
			req.TLS = &tls.ConnectionState{}
		}
		rec := httptest.NewRecorder()
		if err := mw(func(c echo.Context) error { return c.NoContent(204) })(e.NewContext(req, rec)); err != nil {
			t.Fatal(err)
		}
		return rec.Header()
	}
	for _, secure := range []bool{false, true} {
		got := web.SecurityHeadersOf(secure)
		if w := want(secure); !reflect.DeepEqual(got, w) {
			t.Errorf("secure %v:\n got %v\nwant %v", secure, got, w)
		}
		got.Add("X-Frame-Options", "SAMEORIGIN")
		if got.Get("Content-Security-Policy") != web.DashboardCSP || len(got.Values("X-Frame-Options")) != 2 {
			t.Errorf("after an Add: %v", got)
		}
	}
}

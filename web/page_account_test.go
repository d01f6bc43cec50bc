package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/petstore/petstore/internal/shelter"
)

func TestAccountPageAndHeaderLink(t *testing.T) {
	e := newAuthEnv(t)
	page := map[string]string{"session": e.Staff.Session, "Accept": "text/html"}
	a := e.call(t, "GET", "/account", nil, page)
	if a.Status != 200 || !strings.Contains(a.Body, `data-testid="account-email">sam@example.org<`) ||
		!strings.Contains(a.Body, `name="current"`) || !strings.Contains(a.Body, `autocomplete="current-password"`) ||
		!strings.Contains(a.Body, `autocomplete="new-password"`) || !strings.Contains(a.Body, `name="_csrf"`) {
		t.Fatalf("account page: %d\n%s", a.Status, a.Body)
	}
	// Every page's header links to it, next to the signed-in name.
	a = e.call(t, "GET", "/", nil, page)
	if i, j := strings.Index(a.Body, `data-testid="signed-in-as"`), strings.Index(a.Body, `href="/account" data-testid="account-link"`); i < 0 || j < i {
		t.Errorf("header: signed-in-as at %d, account link at %d", i, j)
	}
	// A token is not a person with a password.
	for _, m := range []string{"GET", "POST"} {
		path := "/account"
		if m == "POST" {
			path = "/account/password"
		}
		if a := e.call(t, m, path, url.Values{"current": {testPassword}, "password": {"token picks a passphrase"}},
			map[string]string{"bearer": e.Staff.Token, "Accept": "application/json"}); a.Status != http.StatusForbidden {
			t.Errorf("%s %s with a token: %d", m, path, a.Status)
		}
	}
	if _, _, err := e.Acc.SignIn(ctx, e.Staff.Email, testPassword, shelter.ClientInfo{Addr: "192.0.2.1"}); err != nil {
		t.Errorf("a token's refused change changed the password: %v", err)
	}
}

func TestChangeOwnPassword(t *testing.T) {
	e := newAuthEnv(t)
	const next = "sam now uses this passphrase"
	form := func(current, password string) url.Values {
		return url.Values{"current": {current}, "password": {password}}
	}
	post := func(f url.Values, hdr map[string]string) answer {
		h := map[string]string{"session": e.Staff.Session, "csrf": testCSRF, "Accept": "text/html"}
		for k, v := range hdr {
			h[k] = v
		}
		return e.call(t, "POST", "/account/password", f, h)
	}
	laptop := mustSession(t, e.Acc, &shelter.User{ID: e.Staff.UserID})

	// Problems show the form again, per field; nothing changes.
	for _, c := range []struct {
		name          string
		f             url.Values
		field, substr string
	}{
		{"wrong current", form("not my password", next), "current", "not correct"},
		{"weak new", form(testPassword, "password1"), "password", "too common"},
		{"short new", form(testPassword, "short"), "password", "at least 8"},
	} {
		a := post(c.f, nil)
		if a.Status != http.StatusBadRequest || !strings.Contains(a.Body, `data-testid="error-`+c.field+`"`) || !strings.Contains(a.Body, c.substr) {
			t.Errorf("%s: %d, want 400 with error-%s %q", c.name, a.Status, c.field, c.substr)
		}
		if strings.Contains(a.Body, testPassword) || strings.Contains(a.Body, next) {
			t.Errorf("%s: the page repeats a password", c.name)
		}
	}
	// Without the CSRF token: refused.
	if a := e.call(t, "POST", "/account/password", form(testPassword, next), map[string]string{"session": e.Staff.Session}); a.Status != http.StatusForbidden {
		t.Errorf("without CSRF: %d", a.Status)
	}

	a := post(form(testPassword, next), nil)
	ck := cookieNamed(a, "petstore_session")
	if a.Status != http.StatusSeeOther || a.Header.Get("Location") != "/account?done=password" || ck == nil ||
		ck.Value == e.Staff.Session || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.MaxAge <= 0 {
		t.Fatalf("change: %d %q cookies %q", a.Status, a.Header.Get("Location"), a.Header.Values("Set-Cookie"))
	}
	// This browser continues with the new id; the old id and the other
	// session are over; the admin's session is untouched.
	if a := e.call(t, "GET", "/account?done=password", nil, map[string]string{"session": ck.Value, "Accept": "text/html"}); a.Status != 200 ||
		!strings.Contains(a.Body, "Password changed") {
		t.Errorf("new session: %d", a.Status)
	}
	for name, s := range map[string]string{"old id": e.Staff.Session, "other session": laptop} {
		if a := e.call(t, "GET", "/account", nil, map[string]string{"session": s, "Accept": "text/html"}); a.Status != http.StatusSeeOther {
			t.Errorf("%s after the change: %d, want 303 to /login", name, a.Status)
		}
	}
	if a := e.call(t, "GET", "/account", nil, map[string]string{"session": e.Admin.Session, "Accept": "text/html"}); a.Status != 200 {
		t.Errorf("another user's session: %d", a.Status)
	}
	if a := e.signIn(t, e.Staff.Email, testPassword, nil); a.Status != http.StatusUnauthorized {
		t.Errorf("old password signs in: %d", a.Status)
	}
	if a := e.signIn(t, e.Staff.Email, next, nil); a.Status != http.StatusSeeOther {
		t.Errorf("new password: %d", a.Status)
	}
	// Token personal to the user keeps working: tokens are not sessions.
	if a := e.call(t, "GET", "/api/pets", nil, map[string]string{"bearer": e.Staff.Token}); a.Status != 200 {
		t.Errorf("personal token after a password change: %d", a.Status)
	}
}

func TestChangeOwnPasswordThrottled(t *testing.T) {
	e := newAuthEnv(t)
	h := map[string]string{"session": e.Staff.Session, "csrf": testCSRF, "Accept": "text/html"}
	wrong := url.Values{"current": {"guess"}, "password": {"sam now uses this passphrase"}}
	for i := range 5 {
		if a := e.call(t, "POST", "/account/password", wrong, h); a.Status != http.StatusBadRequest {
			t.Fatalf("guess %d: %d", i+1, a.Status)
		}
	}
	right := url.Values{"current": {testPassword}, "password": {"sam now uses this passphrase"}}
	a := e.call(t, "POST", "/account/password", right, h)
	if a.Status != http.StatusTooManyRequests || a.Header.Get("Retry-After") == "" || !strings.Contains(a.Body, "Too many failed sign-ins") {
		t.Errorf("after 5 wrong guesses: %d Retry-After %q", a.Status, a.Header.Get("Retry-After"))
	}
	// The session itself is untouched.
	if a := e.call(t, "GET", "/account", nil, h); a.Status != 200 {
		t.Errorf("session after throttling: %d", a.Status)
	}
}

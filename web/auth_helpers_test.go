package web_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/alexedwards/argon2id"

	"github.com/petstore/petstore/internal/auth"
	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/web"
)

// cheapHash keeps password hashing fast in tests; auth's own tests check
// the real parameters.
var cheapHash = &argon2id.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// Credentials every test server gets: an admin account with a session,
// and an admin API token of the command line's kind (no owner).
const (
	testTokenName = "tests"
	testEmail     = "admin@example.org"
	testPassword  = "tabby cats nap at noon"
	// testCSRF is the CSRF token the dashboard tests send, as header and
	// cookie (the double-submit check compares the two).
	testCSRF = "test-csrf-token-0123456789abcdef"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// newAccounts is the auth service over st with cheap hashing.
func newAccounts(st *store.Store, o auth.Options) *auth.Service {
	o.HashParams = cheapHash
	if o.Logger == nil {
		o.Logger = quiet
	}
	return auth.New(st, o)
}

// creds are one principal's credentials on a test server.
type creds struct {
	Email   string
	UserID  string
	Session string // the session cookie's value
	Token   string // a bearer token
}

// mustUser adds an account with testPassword.
func mustUser(t testing.TB, a *auth.Service, name, email string, role shelter.Role) *shelter.User {
	t.Helper()
	u, err := a.CreateUser(ctx, shelter.UserInput{Name: name, Email: email, Role: role, Password: testPassword})
	if err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

// mustSession signs u in without a password.
func mustSession(t testing.TB, a *auth.Service, u *shelter.User) string {
	t.Helper()
	secret, _, err := a.StartSession(ctx, u.ID, shelter.ClientInfo{Addr: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// mustToken creates a token (userID "" for a command-line token).
func mustToken(t testing.TB, a *auth.Service, name string, role shelter.Role, userID string) string {
	t.Helper()
	secret, _, err := a.CreateToken(ctx, shelter.TokenInput{Name: name, Role: role, UserID: userID})
	if err != nil {
		t.Fatalf("create token %s: %v", name, err)
	}
	return secret
}

// withAccounts wires an auth service over st into d and creates the
// standard admin credentials.
func withAccounts(t testing.TB, st *store.Store, d *web.Deps) (*auth.Service, creds) {
	t.Helper()
	a := newAccounts(st, auth.Options{})
	d.Accounts = a
	if d.Logger == nil {
		d.Logger = quiet
	}
	// A second server over the same store (a restart) reuses the account
	// and gets a token of its own.
	users, err := a.FindUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	name := testTokenName
	var u *shelter.User
	for _, x := range users {
		if x.Email == testEmail {
			u = x
			tokens, err := a.FindTokens(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			name = fmt.Sprintf("%s-%d", testTokenName, len(tokens)+1)
		}
	}
	if u == nil {
		u = mustUser(t, a, "Ada Admin", testEmail, shelter.RoleAdmin)
	}
	return a, creds{Email: u.Email, UserID: u.ID, Session: mustSession(t, a, u),
		Token: mustToken(t, a, name, shelter.RoleAdmin, "")}
}

// bearerReq adds the token to a request.
func bearerReq(r *http.Request, token string) *http.Request {
	r.Header.Set("Authorization", "Bearer "+token)
	return r
}

// sessionReq adds a session cookie, and the CSRF token as header and
// cookie, to a request.
func sessionReq(r *http.Request, session string) *http.Request {
	r.AddCookie(&http.Cookie{Name: "petstore_session", Value: session})
	r.AddCookie(&http.Cookie{Name: "petstore_csrf", Value: testCSRF})
	r.Header.Set("X-CSRF-Token", testCSRF)
	return r
}

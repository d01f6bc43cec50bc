package auth_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/petstore/petstore/internal/auth"
	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/internal/store/storetest"
)

var ctx = context.Background()

// cheap keeps the tests fast; one test checks the default parameters.
var cheap = &argon2id.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type env struct {
	svc *auth.Service
	st  *store.Store
	clk *clock
}

func newEnv(t testing.TB, o auth.Options) *env {
	t.Helper()
	clk := &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	st := storetest.Open(t, store.Options{Now: clk.Now})
	if o.HashParams == nil {
		o.HashParams = cheap
	}
	o.Now = clk.Now
	o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	return &env{svc: auth.New(st, o), st: st, clk: clk}
}

func (e *env) user(t *testing.T, email, password string, role shelter.Role) *shelter.User {
	t.Helper()
	u, err := e.svc.CreateUser(ctx, shelter.UserInput{Name: "Name " + email, Email: email, Role: role, Password: password})
	if err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

func code(err error) string { return shelter.ErrorCode(err) }

func ptr[T any](v T) *T { return &v }

var client = shelter.ClientInfo{Addr: "203.0.113.7", UserAgent: "test"}

// newEnvB is newEnv for benchmarks, with the given hash parameters or the
// cheap ones.
func newEnvB(b *testing.B, p ...argon2id.Params) *env {
	o := auth.Options{}
	if len(p) > 0 {
		o.HashParams = &p[0]
	}
	return newEnv(b, o)
}

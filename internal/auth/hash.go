package auth

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/alexedwards/argon2id"
)

// DefaultHashParams are OWASP's Password Storage Cheat Sheet's first
// argon2id setting: 19 MiB of memory, 2 passes, 1 lane. With hashing
// capped at one per CPU, sign-ins use at most 19 MiB per CPU.
var DefaultHashParams = argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// Hasher hashes and verifies passwords with argon2id, at most one per CPU
// at a time so that a burst of sign-ins cannot exhaust memory.
type Hasher struct {
	params argon2id.Params
	sem    chan struct{}

	dummyOnce sync.Once
	dummy     string
	dummyErr  error
}

// NewHasher returns a Hasher with the given parameters.
func NewHasher(p argon2id.Params) *Hasher {
	return &Hasher{params: p, sem: make(chan struct{}, runtime.NumCPU())}
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// release ends a hash or verification. When none is left running, the
// memory argon2id used goes back to the system at once: otherwise its
// 19 MiB block, live at the last collection, sets the heap's next target
// at about twice that, and the server's memory stays tens of MB above what
// it needs until much later. A collection costs far less than the
// hashing.
func (h *Hasher) release() {
	<-h.sem
	if len(h.sem) == 0 {
		debug.FreeOSMemory()
	}
}

// Hash returns the PHC string of pw ("$argon2id$v=19$m=...").
func (h *Hasher) Hash(ctx context.Context, pw string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	defer h.release()
	s, err := argon2id.CreateHash(pw, &h.params)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return s, nil
}

// Verify reports whether pw matches the PHC string hash, in constant time.
func (h *Hasher) Verify(ctx context.Context, pw, hash string) (bool, error) {
	if err := h.acquire(ctx); err != nil {
		return false, fmt.Errorf("verify password: %w", err)
	}
	defer h.release()
	ok, err := argon2id.ComparePasswordAndHash(pw, hash)
	if err != nil {
		return false, fmt.Errorf("verify password: %w", err)
	}
	return ok, nil
}

// VerifyNothing spends the time of a verification against a throwaway
// hash, so that a sign-in for an unknown email takes as long as one with a
// wrong password and does not tell which emails have accounts.
func (h *Hasher) VerifyNothing(ctx context.Context, pw string) error {
	h.dummyOnce.Do(func() {
		h.dummy, h.dummyErr = argon2id.CreateHash("not a password of anyone", &h.params)
	})
	if h.dummyErr != nil {
		return fmt.Errorf("verify password: %w", h.dummyErr)
	}
	_, err := h.Verify(ctx, pw, h.dummy)
	return err
}

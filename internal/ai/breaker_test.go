package ai

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/shelter"
)

// flaky is a model that fails with err while down, and answers otherwise.
type flaky struct {
	down  atomic.Bool
	err   error
	calls atomic.Int32
}

func (f *flaky) DescribePet(ctx context.Context, p shelter.Pet) (shelter.Profile, error) {
	f.calls.Add(1)
	if f.down.Load() {
		return shelter.Profile{}, f.err
	}
	return shelter.Profile{Bio: "from the model", Source: shelter.ProfileSourceAI}, nil
}

func (f *flaky) FallbackProfile(p shelter.Pet) shelter.Profile { return Fallback(p, time.Unix(0, 0)) }

func TestBreakerOpensFallsBackAtOnceAndRecovers(t *testing.T) {
	for _, down := range []*Error{
		{Kind: KindTimeout, Err: context.DeadlineExceeded},
		{Kind: KindServer, Status: 503, Err: errors.New("overloaded")},
		{Kind: KindUnreachable, Err: errors.New("connection refused")},
	} {
		t.Run(down.Kind, func(t *testing.T) {
			var logs bytes.Buffer
			model := &flaky{err: down}
			model.down.Store(true)
			b := NewBreaker(model, 5, time.Minute, slog.New(slog.NewTextHandler(&logs, nil)))
			now := time.Unix(1_800_000_000, 0)
			b.now = func() time.Time { return now }
			recovered := make(chan struct{}, 1)
			b.OnRecover(func() { recovered <- struct{}{} })
			ctx := context.Background()
			pet := shelter.Pet{ID: "1", Name: "Luna", Species: "cat"}

			for i := range 5 {
				if _, err := b.DescribePet(ctx, pet); !errors.Is(err, down.Err) {
					t.Fatalf("call %d: %v", i, err)
				}
			}
			if b.Status() == "" {
				t.Fatal("not open after 5 failures in a row")
			}
			// Open: no call, the outage error at once (not retryable: the
			// job writes the fallback now).
			for range 20 {
				_, err := b.DescribePet(ctx, pet)
				var e *Error
				if !errors.As(err, &e) || !e.Outage() || e.Retryable() || !e.ModelDown() {
					t.Fatalf("while open: %v", err)
				}
			}
			if n := model.calls.Load(); n != 5 {
				t.Fatalf("%d calls reached the model, want 5", n)
			}
			// After the cool-down one probe goes through; still down: open
			// again, nothing more in the log.
			now = now.Add(61 * time.Second)
			b.DescribePet(ctx, pet)
			if n := model.calls.Load(); n != 6 || b.Status() == "" {
				t.Fatalf("probe: %d calls, status %q", n, b.Status())
			}
			b.DescribePet(ctx, pet)
			if n := model.calls.Load(); n != 6 {
				t.Fatalf("a failed probe did not open the breaker again: %d calls", n)
			}
			// The model is back: the next probe closes it and OnRecover runs.
			model.down.Store(false)
			now = now.Add(61 * time.Second)
			if p, err := b.DescribePet(ctx, pet); err != nil || p.Bio != "from the model" {
				t.Fatalf("after recovery: %+v %v", p, err)
			}
			select {
			case <-recovered:
			case <-time.After(5 * time.Second):
				t.Fatal("OnRecover did not run")
			}
			if b.Status() != "" {
				t.Errorf("status after recovery: %q", b.Status())
			}
			if n := strings.Count(logs.String(), "failed 5 times in a row"); n != 1 {
				t.Errorf("%d outage lines, want 1:\n%s", n, logs.String())
			}
			if !strings.Contains(logs.String(), "answers again") {
				t.Errorf("no recovery line:\n%s", logs.String())
			}
		})
	}
}

// Rate limits, refusals and bad replies are answers: they never open it.
func TestBreakerIgnoresAnswers(t *testing.T) {
	for _, kind := range []string{KindRateLimited, KindRejected, KindBadReply} {
		model := &flaky{err: &Error{Kind: kind, Err: errors.New(kind)}}
		model.down.Store(true)
		b := NewBreaker(model, 3, time.Minute, slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)))
		for range 10 {
			b.DescribePet(context.Background(), shelter.Pet{ID: "1"})
		}
		if b.Status() != "" || model.calls.Load() != 10 {
			t.Errorf("%s: status %q after %d calls", kind, b.Status(), model.calls.Load())
		}
	}
}

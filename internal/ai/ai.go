// Package ai writes adopter-facing pet profiles: with a language model over
// the OpenAI Chat Completions API (OpenAI itself or any compatible server),
// and with a deterministic fallback when no model is configured or its
// reply cannot be used.
package ai

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/petstore/petstore/internal/shelter"
)

// Describer writes the profile of one pet.
type Describer interface {
	// DescribePet returns a profile for p. An error that is an *Error says
	// whether trying again may help (Retryable) and when (RetryAfter);
	// any other error comes from ctx (cancelled or past its deadline).
	DescribePet(ctx context.Context, p shelter.Pet) (shelter.Profile, error)
	// FallbackProfile returns the deterministic profile of p, used when
	// DescribePet cannot give one.
	FallbackProfile(p shelter.Pet) shelter.Profile
}

// Defaults of Config.
const (
	DefaultModel       = "gpt-4o-mini"
	DefaultTimeout     = 20 * time.Second
	DefaultConcurrency = 2
)

// Config configures New. Zero values take the defaults.
type Config struct {
	// APIKey is the bearer token; without it AI is off and every profile is
	// the fallback.
	APIKey string
	// BaseURL is the API's base, such as http://localhost:11434/v1 for
	// Ollama; empty means OpenAI.
	BaseURL string
	// Model names the model (default gpt-4o-mini).
	Model string
	// Timeout bounds one call (default 20s).
	Timeout time.Duration
	// Concurrency caps the calls in flight (default 2).
	Concurrency int
	// Now is the clock of GeneratedAt (default time.Now).
	Now func() time.Time
	// Logger receives the one line that says whether AI is on.
	Logger *slog.Logger
	// BreakerThreshold is how many consecutive timeouts, 5xx or failed
	// connections open the circuit breaker (default 5); BreakerCooldown is
	// how long the model is then left alone (default 1m).
	BreakerThreshold int
	BreakerCooldown  time.Duration
}

// New returns the OpenAI-backed Describer behind a circuit breaker
// (*Breaker), or Off when there is no API key. It logs one line saying
// which.
func New(c Config) Describer {
	log := c.Logger
	if log == nil {
		log = slog.Default()
	}
	if c.APIKey == "" {
		log.Info("🤖 AI profile enrichment is off (OPENAI_API_KEY is not set): every pet gets the fallback profile")
		return Off{Now: c.Now}
	}
	cl := NewClient(c)
	base := c.BaseURL
	if base == "" {
		base = "OpenAI"
	}
	log.Info("🤖 AI profile enrichment is on", "model", cl.model, "baseURL", base, "timeout", cl.timeout, "concurrency", cap(cl.sem))
	return NewBreaker(cl, c.BreakerThreshold, c.BreakerCooldown, log)
}

// Off is the Describer used when AI is switched off: DescribePet answers
// the fallback profile at once, without a call.
type Off struct {
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// DescribePet returns the fallback profile of p.
func (o Off) DescribePet(ctx context.Context, p shelter.Pet) (shelter.Profile, error) {
	return o.FallbackProfile(p), nil
}

// Local is true: Off answers without a call.
func (o Off) Local() bool { return true }

// FallbackProfile returns the fallback profile of p.
func (o Off) FallbackProfile(p shelter.Pet) shelter.Profile {
	return Fallback(p, now(o.Now))
}

func now(f func() time.Time) time.Time {
	if f == nil {
		return time.Now()
	}
	return f()
}

// Failure kinds of an *Error.
const (
	KindRateLimited = "rate_limited" // 429: retryable
	KindServer      = "server"       // 5xx: retryable
	KindUnreachable = "unreachable"  // no connection to the server: retryable
	KindTimeout     = "timeout"      // no answer within the timeout
	KindRejected    = "rejected"     // any other 4xx (bad key, unknown model)
	KindBadReply    = "bad_reply"    // malformed JSON or a reply that fails the checks
)

// Error is a failed DescribePet. Retryable errors are worth another try
// later (the job queue's backoff, no sooner than RetryAfter); the others
// call for the fallback profile.
type Error struct {
	Kind string
	// Status is the HTTP status the server answered, 0 if none.
	Status int
	// Delay is the server's Retry-After, 0 when it sent none.
	Delay time.Duration
	Err   error
}

func (e *Error) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("ai %s (HTTP %d): %v", e.Kind, e.Status, e.Err)
	}
	return fmt.Sprintf("ai %s: %v", e.Kind, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Retryable reports whether trying again later may succeed.
func (e *Error) Retryable() bool {
	switch e.Kind {
	case KindRateLimited, KindServer, KindUnreachable:
		return true
	}
	return false
}

// RetryAfter is how long the server asked us to wait, 0 if it did not say.
func (e *Error) RetryAfter() time.Duration { return e.Delay }

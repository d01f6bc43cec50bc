package ai

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/petstore/petstore/internal/shelter"
)

// KindOutage is the failure of a call not made: the model failed several
// times in a row (timeouts, 5xx, no connection) and is left alone for a
// cool-down. Not retryable: the job writes the fallback profile at once,
// and the pet is enriched again once the model answers (Breaker.OnRecover).
const KindOutage = "outage"

// Defaults of the breaker.
const (
	DefaultBreakerThreshold = 5
	DefaultBreakerCooldown  = time.Minute
)

// Outage reports whether the error is a call skipped during an outage.
func (e *Error) Outage() bool { return e.Kind == KindOutage }

// ModelDown reports whether the error says the model is down or hangs (an
// outage, a timeout, a 5xx, no connection): a fallback written because of
// it is worth replacing once the model answers again.
func (e *Error) ModelDown() bool { return e.Kind == KindOutage || outageLike(e) }

// Breaker is a circuit breaker around a Describer that calls a model.
// After Threshold consecutive failures that say the model is down or hangs
// (a timeout, a 5xx, no connection; not a rate limit, a refusal or a bad
// reply), it stops calling the model for Cooldown: every DescribePet fails
// at once with KindOutage, so each pet gets its fallback profile without
// waiting AI_TIMEOUT. After the cool-down one call goes through as a probe:
// an answer closes the breaker (and OnRecover runs, to enrich again the
// pets that got the fallback because of the outage), a failure opens it
// for another cool-down. The outage is logged once when it starts and once
// when it ends, and Status describes it for the Jobs page.
type Breaker struct {
	Describer
	threshold int
	cooldown  time.Duration
	now       func() time.Time
	log       *slog.Logger

	mu        sync.Mutex
	failures  int       // consecutive outage-like failures
	openUntil time.Time // zero: closed
	since     time.Time // start of the outage, zero when none
	probing   bool      // a probe call is in flight
	skipped   int       // calls answered KindOutage during this outage
	onRecover func()
}

// NewBreaker wraps d. threshold and cooldown ≤ 0 take the defaults.
func NewBreaker(d Describer, threshold int, cooldown time.Duration, log *slog.Logger) *Breaker {
	if threshold <= 0 {
		threshold = DefaultBreakerThreshold
	}
	if cooldown <= 0 {
		cooldown = DefaultBreakerCooldown
	}
	if log == nil {
		log = slog.Default()
	}
	return &Breaker{Describer: d, threshold: threshold, cooldown: cooldown, now: time.Now, log: log}
}

// OnRecover sets f to run (in its own goroutine) when the model answers
// again after an outage.
func (b *Breaker) OnRecover(f func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.onRecover = f
}

// outageLike reports failures that say the model is down or hangs.
func outageLike(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Kind {
	case KindTimeout, KindServer, KindUnreachable:
		return true
	}
	return false
}

// allow says whether a call may go to the model now, and whether it is
// the probe after a cool-down.
func (b *Breaker) allow() (ok, probe bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.openUntil.IsZero() {
		return true, false
	}
	if b.now().Before(b.openUntil) || b.probing {
		b.skipped++
		return false, false
	}
	b.probing = true
	return true, true
}

// record notes the outcome of a call that went to the model.
func (b *Breaker) record(err error, probe bool, ctx context.Context) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if probe {
		b.probing = false
	}
	switch {
	case err == nil || (!outageLike(err) && ctx.Err() == nil):
		// The model answered (a refusal or a bad reply is an answer).
		b.failures = 0
		if !b.openUntil.IsZero() {
			b.log.Info("✅ The AI model answers again: profiles come from it again; pets that got the fallback during the outage are enriched again",
				"outageLasted", b.now().Sub(b.since).Round(time.Second).String(), "fallbacksDuringOutage", b.skipped)
			b.openUntil, b.since, b.skipped = time.Time{}, time.Time{}, 0
			if f := b.onRecover; f != nil {
				go f()
			}
		}
	case ctx.Err() != nil:
		// Stopping: says nothing about the model.
	default:
		b.failures++
		if probe {
			b.openUntil = b.now().Add(b.cooldown) // still down: another cool-down, said already
			return
		}
		if b.openUntil.IsZero() && b.failures >= b.threshold {
			b.since = b.now()
			b.openUntil = b.since.Add(b.cooldown)
			b.log.Warn(fmt.Sprintf("🔌 The AI model failed %d times in a row: new profiles use the fallback at once, and the model is tried again every %s", b.failures, b.cooldown),
				"err", err)
			go b.probeLoop()
		}
	}
}

// probePet is the pet of the breaker's own probe calls.
var probePet = shelter.Pet{ID: "0", Name: "Probe", Species: shelter.SpeciesDog, AgeMonths: 12}

// probeLoop tries the model after each cool-down while the breaker is
// open, so that it closes (and the outage's fallbacks are enriched again)
// even when no job asks meanwhile.
func (b *Breaker) probeLoop() {
	for {
		time.Sleep(b.cooldown)
		b.mu.Lock()
		open := !b.openUntil.IsZero()
		b.mu.Unlock()
		if !open {
			return
		}
		b.DescribePet(context.Background(), probePet) // the inner client has its timeout
	}
}

func (b *Breaker) outageErr() error {
	return &Error{Kind: KindOutage, Err: errors.New("the model is not called during its cool-down after repeated failures")}
}

// DescribePet calls the model unless the breaker is open.
func (b *Breaker) DescribePet(ctx context.Context, p shelter.Pet) (shelter.Profile, error) {
	ok, probe := b.allow()
	if !ok {
		return shelter.Profile{}, b.outageErr()
	}
	prof, err := b.Describer.DescribePet(ctx, p)
	b.record(err, probe, ctx)
	return prof, err
}

// DescribePetPhoto is DescribePet with a photo, when the model can look.
func (b *Breaker) DescribePetPhoto(ctx context.Context, p shelter.Pet, photo []byte) (shelter.Profile, error) {
	pd, ok := b.Describer.(interface {
		DescribePetPhoto(ctx context.Context, p shelter.Pet, jpeg []byte) (shelter.Profile, error)
	})
	if !ok {
		return b.DescribePet(ctx, p)
	}
	allowed, probe := b.allow()
	if !allowed {
		return shelter.Profile{}, b.outageErr()
	}
	prof, err := pd.DescribePetPhoto(ctx, p, photo)
	b.record(err, probe, ctx)
	return prof, err
}

// Status describes an outage for the Jobs page, "" when there is none.
func (b *Breaker) Status() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.openUntil.IsZero() {
		return ""
	}
	next := "now"
	if d := b.openUntil.Sub(b.now()); d > 0 {
		next = "in " + d.Round(time.Second).String()
	}
	return fmt.Sprintf("The AI model has not been answering since %s: new pets get the fallback profile at once (%d so far), "+
		"and are enriched again when it answers. Next try %s.", b.since.UTC().Format("15:04 UTC"), b.skipped, next)
}

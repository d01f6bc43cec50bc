package shelter

import (
	"fmt"
	"math"
	"time"
)

// ThrottledError is the error of a refused sign-in. It unwraps to an
// ETHROTTLED *Error; RetryAfter is for the Retry-After header. It lives in
// the domain so that the web layer can answer it without knowing who
// throttles.
type ThrottledError struct {
	RetryAfter time.Duration
	err        *Error
}

// NewThrottledError returns the error of a sign-in refused for retry (at
// least a second), with a message that says when to try again in minutes.
func NewThrottledError(retry time.Duration) *ThrottledError {
	retry = max(retry, time.Second)
	mins := int(math.Ceil(retry.Minutes()))
	unit := "minutes"
	if mins == 1 {
		unit = "minute"
	}
	return &ThrottledError{RetryAfter: retry, err: Errorf(ETHROTTLED,
		"Too many failed sign-ins. Try again in %d %s.", mins, unit)}
}

func (e *ThrottledError) Error() string { return fmt.Sprintf("sign-in throttled: %v", e.err) }

// Unwrap returns the ETHROTTLED *Error.
func (e *ThrottledError) Unwrap() error { return e.err }

// LoginFailures counts recent failed sign-ins for one account and one
// client address, with the time of the oldest of each (milliseconds; zero
// when there is none), so that a caller can say when to try again.
type LoginFailures struct {
	Account, Addr             int
	AccountOldest, AddrOldest int64
}

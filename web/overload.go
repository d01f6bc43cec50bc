package web

import (
	"net/http"
	"sync/atomic"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
)

// MaxWritesInFlight bounds the write requests (any method but GET, HEAD
// and OPTIONS) served at once. Writes queue for the one database writer;
// past this many, a write offered faster than the writer commits would
// only wait longer and hold more memory (thousands of waiting requests took
// hundreds of megabytes and tens of seconds each), so it is answered 503
// with Retry-After at once, and the client tries again later.
const MaxWritesInFlight = 256

// errTooBusy answers a write refused by shedWrites.
var errTooBusy = shelter.Errorf(shelter.EUNAVAILABLE, "Too many changes at once: try again shortly")

// shedWrites refuses writes beyond max in flight (see MaxWritesInFlight).
func shedWrites(max int64, inFlight *atomic.Int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			switch c.Request().Method {
			case http.MethodGet, http.MethodHead, http.MethodOptions:
				return next(c)
			}
			if inFlight.Add(1) > max {
				inFlight.Add(-1)
				return errTooBusy
			}
			defer inFlight.Add(-1)
			return next(c)
		}
	}
}

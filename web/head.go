package web

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"
)

// HEAD is served wherever GET is, static files included, without a HEAD
// route for each: headAsGet (before routing) lets the router find the GET
// route, and headRestore (after routing) gives the request its method
// back, so that handlers, the error handler and net/http (which sends no
// body for HEAD and the GET's Content-Length) see a HEAD.

const ctxHead = "petstore.head"

// headAsGet routes a HEAD request as a GET.
func headAsGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if r := c.Request(); r.Method == http.MethodHead {
			r.Method = http.MethodGet // the router reads this very request
			c.Set(ctxHead, true)
		}
		return next(c)
	}
}

// headRestore makes a routed HEAD a HEAD again. A live stream answered to
// HEAD ends once its headers are out: the request's context is cancelled
// at its first flush.
func headRestore(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Get(ctxHead) != true {
			return next(c)
		}
		r := c.Request()
		r.Method = http.MethodHead
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		c.SetRequest(r.WithContext(ctx))
		c.Response().Writer = &headWriter{ResponseWriter: c.Response().Writer, cancel: cancel}
		return next(c)
	}
}

// headWriter ends a HEAD request's handler at its first flush.
type headWriter struct {
	http.ResponseWriter
	cancel context.CancelFunc
}

func (w *headWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
	w.cancel()
}

func (w *headWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

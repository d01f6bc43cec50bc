package web

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// unmatchedRoute labels requests no route matched, so that scanners
// probing random paths cannot grow the metrics without bound.
const unmatchedRoute = "unmatched"

// observe answers the request, then counts it (Observer) and logs its
// access line (AccessLog): method, path without the query (where secrets
// such as the setup token travel), status, duration, bytes, client and
// actor.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err) // the one error handler writes the answer now, so its status is known
		}
		if s.observer == nil && !s.accessLog {
			return nil
		}
		d := time.Since(start)
		req, res := c.Request(), c.Response()
		route := c.Path()
		if route == "" || route == "/*" || (res.Status == http.StatusNotFound && c.Handler() == nil) {
			route = unmatchedRoute
		}
		if s.observer != nil {
			s.observer.ObserveHTTP(req.Method, route, res.Status, d)
		}
		if h := s.log.Handler(); s.accessLog && h.Enabled(req.Context(), slog.LevelInfo) {
			actor := "-"
			if p := principal(c); p != nil && p.Actor() != "" {
				actor = p.Actor()
			}
			// The handler directly, as Logger.LogAttrs would call it but
			// without looking up the caller's program counter (no source
			// is logged): the same line for less.
			r := slog.NewRecord(start.Add(d), slog.LevelInfo, "http", 0)
			r.AddAttrs(slog.String("method", req.Method), slog.String("path", req.URL.Path), slog.String("route", route),
				slog.Int("status", res.Status), slog.Duration("duration", d), slog.Int64("bytes", res.Size),
				slog.String("ip", c.RealIP()), slog.String("actor", actor))
			_ = h.Handle(req.Context(), r)
		}
		return nil
	}
}

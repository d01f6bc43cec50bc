package web

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
)

// health is the body of /healthz and /readyz.
type health struct {
	Status  string `json:"status"`
	Message string `json:"message,omitempty"`
	Version string `json:"version,omitempty"`
}

// handleHealth answers 200 when the database answers and can be written,
// 503 otherwise, with the cause when it is known ("The database disk is
// full: try again later"). After a storage fault it recovers by itself as
// soon as a write succeeds again (the store probes while the fault lasts).
// It is the liveness check; /readyz is the readiness one.
func (s *Server) handleHealth(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		msg := "Database does not answer"
		if shelter.ErrorCode(err) == shelter.EUNAVAILABLE {
			msg = shelter.ErrorMessage(err) // the store has logged the fault
		} else {
			s.log.Error("health check failed", "err", err)
		}
		c.Response().Header().Set("Retry-After", retryAfterUnavailable)
		return c.JSON(http.StatusServiceUnavailable, health{Status: "unavailable", Message: msg, Version: s.version})
	}
	return c.JSON(http.StatusOK, health{Status: "ok", Version: s.version})
}

// handleReady answers 200 once the server is ready for traffic (the
// database migrated, the jobs running) and 503 while it starts or shuts
// down (a load balancer then sends it nothing), or as /healthz does.
func (s *Server) handleReady(c echo.Context) error {
	if s.ready != nil && !s.ready() {
		return c.JSON(http.StatusServiceUnavailable, health{Status: "unavailable", Message: "Starting or shutting down", Version: s.version})
	}
	return s.handleHealth(c)
}

// handleMetrics serves the Prometheus metrics (admins and the metrics
// token: see the access table).
func (s *Server) handleMetrics(c echo.Context) error {
	if s.metrics == nil {
		return shelter.ErrNotFound()
	}
	s.metrics.ServeHTTP(c.Response(), c.Request())
	return nil
}

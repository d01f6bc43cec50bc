package web

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/petstore/petstore/internal/shelter"
)

// handleHealth answers 200 when the database answers and can be written,
// 503 otherwise, with the cause when it is known ("The database disk is
// full: try again later"). After a storage fault it recovers by itself as
// soon as a write succeeds again (the store probes while the fault lasts).
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
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "message": msg})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// Package web serves the JSON API and the staff dashboard over echo.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/petstore/petstore/internal/shelter"
)

// MaxBodyBytes is the largest request body any route accepts.
const MaxBodyBytes = 64 << 10

// Pinger reports whether the database answers.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Deps are what the server serves. Pets, Events and DB are required.
type Deps struct {
	Pets   shelter.PetService
	Events shelter.EventService
	DB     Pinger
	Logger *slog.Logger

	// Live wakes the dashboard's live streams; main wires the store's
	// OnEvent hook to its Notify. Nil: a broker nobody notifies.
	Live *Broker
	// PurgeAfter is how long a deleted pet is kept, for the dashboard's
	// delete confirmation (default 720h).
	PurgeAfter time.Duration
	// Jobs shows the dashboard's Jobs page; nil leaves it out.
	Jobs shelter.JobService
	// Profiles adds the "Regenerate" button to a pet's AI profile; nil
	// leaves it out.
	Profiles ProfileRequester
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Server is the HTTP server of the API and the dashboard.
type Server struct {
	echo   *echo.Echo
	pets   shelter.PetService
	events shelter.EventService
	db     Pinger
	log    *slog.Logger

	// The dashboard's.
	live       *Broker
	purgeAfter time.Duration
	jobs       shelter.JobService
	profiles   ProfileRequester
	now        func() time.Time
	reaper     NextRunner
}

// New builds the server and registers every route.
func New(d Deps) *Server {
	s := &Server{echo: echo.New(), pets: d.Pets, events: d.Events, db: d.DB, log: d.Logger}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.live, s.purgeAfter, s.jobs, s.profiles, s.now = d.Live, d.PurgeAfter, d.Jobs, d.Profiles, d.Now
	if s.live == nil {
		s.live = NewBroker()
	}
	if s.purgeAfter <= 0 {
		s.purgeAfter = 720 * time.Hour
	}
	if s.now == nil {
		s.now = time.Now
	}
	e := s.echo
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true, LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
		s.log.Error("panic in handler", "path", c.Request().URL.Path, "err", err, "stack", string(stack))
		return err
	}}))
	e.Use(middleware.BodyLimit("64KiB")) // = MaxBodyBytes ("64K" would mean 64,000)
	s.routes()
	return s
}

// Handler returns the server's http.Handler (for httptest).
func (s *Server) Handler() http.Handler { return s.echo }

// Echo exposes the router, for tests that walk its routes.
func (s *Server) Echo() *echo.Echo { return s.echo }

// Serve answers requests on l until Shutdown.
func (s *Server) Serve(l net.Listener) error {
	srv := &http.Server{Handler: s.echo, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second}
	s.echo.Server = srv
	s.echo.Listener = l
	if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Shutdown stops accepting requests and waits for those in flight. The
// dashboard's live streams are ended first: they would never finish.
func (s *Server) Shutdown(ctx context.Context) error {
	s.live.Close()
	return s.echo.Shutdown(ctx)
}

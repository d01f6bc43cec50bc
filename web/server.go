// Package web serves the JSON API and the staff dashboard over echo.
package web

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
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
	// Feedings records feedings and reads the Today page; nil takes Pets
	// when it has them (the store does).
	Feedings shelter.FeedingService
	DB       Pinger
	Logger   *slog.Logger

	// Live wakes the dashboard's live streams; internal/app wires the store's
	// OnEvent hook to its Notify. Nil: a broker nobody notifies.
	Live *Broker
	// PurgeAfter is how long a deleted pet is kept, for the dashboard's
	// delete confirmation (default 720h).
	PurgeAfter time.Duration
	// Public is the public adoption page's read-only view and its
	// inquiries; Site its settings. Nil or not Enabled: 404.
	Public shelter.PublicService
	Site   PublicSite
	// Inquiries are the staff's side of inquiries; nil: 501.
	Inquiries shelter.InquiryService
	// Photos keeps pets' photos; nil answers the photo routes 501.
	Photos shelter.PhotoService
	// Jobs shows the dashboard's Jobs page; nil leaves it out.
	Jobs shelter.JobService
	// Profiles adds the "Regenerate" button to a pet's AI profile; nil
	// leaves it out.
	Profiles ProfileRequester
	// Reaper runs the deletion reaper when an admin asks (POST
	// /api/reaper/run and the Jobs page's button); give it the reaper the
	// schedule runs, so that runs never overlap. Nil: those answer 501.
	Reaper ReaperRunner
	// AIStatus describes an outage of the AI model for the Jobs page (""
	// when there is none); nil: never.
	AIStatus func() string
	// StreamHeartbeat is how often an idle live stream sends a heartbeat
	// and checks that its session or token is still valid (default 25s).
	StreamHeartbeat time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time

	// Accounts signs staff in and checks API tokens. Without it nobody
	// gets past the public routes.
	Accounts Accounts
	// TrustProxy makes the server believe X-Forwarded-For and
	// X-Forwarded-Proto from loopback and private addresses
	// (TRUST_PROXY_HEADERS); otherwise the connection decides the client's
	// address and scheme.
	TrustProxy bool

	// Operations.
	// Observer counts requests and failed sign-ins (the metrics); nil
	// counts nothing.
	Observer Observer
	// Metrics serves GET /metrics to admins, and to MetricsToken when it is
	// set; nil answers 404.
	Metrics      http.Handler
	MetricsToken string
	// AccessLog logs one line per request at info (ACCESS_LOG).
	AccessLog bool
	// Ready reports whether the server is ready for traffic (/readyz):
	// migrated, jobs running, not stopping. Nil: always ready.
	Ready func() bool
	// Version is the build's version, shown by /healthz.
	Version string
}

// Observer is told about each answered request and each failed sign-in.
type Observer interface {
	ObserveHTTP(method, route string, status int, d time.Duration)
	SignInFailed()
}

// Server is the HTTP server of the API and the dashboard.
type Server struct {
	// writesInFlight counts the write requests being served (shedWrites).
	writesInFlight atomic.Int64

	echo     *echo.Echo
	chain    echo.HandlerFunc // the middleware, composed once (New)
	handle   echo.HandlerFunc // headAsGet, routing, chain
	pets     shelter.PetService
	events   shelter.EventService
	feedings shelter.FeedingService
	db       Pinger
	log      *slog.Logger

	// The dashboard's.
	live       *Broker
	purgeAfter time.Duration
	jobs       shelter.JobService
	profiles   ProfileRequester
	now        func() time.Time
	reaper     NextRunner
	backup     NextRunner
	reap       ReaperRunner
	heartbeat  time.Duration

	accounts Accounts
	aiStatus func() string

	// Operations.
	observer     Observer
	metrics      http.Handler
	metricsToken string
	accessLog    bool
	ready        func() bool
	version      string
	photos       shelter.PhotoService
	public       shelter.PublicService
	site         PublicSite
	inquiries    shelter.InquiryService
}

// New builds the server and registers every route.
func New(d Deps) *Server {
	s := &Server{echo: echo.New(), pets: d.Pets, events: d.Events, db: d.DB, log: d.Logger}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.live, s.purgeAfter, s.jobs, s.profiles, s.now = d.Live, d.PurgeAfter, d.Jobs, d.Profiles, d.Now
	s.accounts, s.reap, s.heartbeat = d.Accounts, d.Reaper, d.StreamHeartbeat
	s.aiStatus = d.AIStatus
	s.observer, s.metrics, s.metricsToken, s.accessLog, s.ready, s.version = d.Observer, d.Metrics, d.MetricsToken, d.AccessLog, d.Ready, d.Version
	if s.feedings = d.Feedings; s.feedings == nil {
		s.feedings, _ = d.Pets.(shelter.FeedingService)
	}
	s.photos = d.Photos
	s.public, s.site, s.inquiries = d.Public, d.Site, d.Inquiries
	if s.heartbeat <= 0 {
		s.heartbeat = streamHeartbeat
	}
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
	setClientExtractors(e, d.TrustProxy)
	// The middleware every request goes through, composed once here: echo's
	// e.Use would compose them again for every request (a closure each, and
	// SecureWithConfig's copies its whole config), which was ~3% of the
	// server's CPU per GET by id. ServeHTTP routes, then runs the chain; the
	// chain ends in the handler the router found (404 and 405 included).
	s.chain = applyMiddleware(routeHandler,
		// First, so that it sees every answer, errors and panics included.
		s.observe,
		headRestore, // headAsGet runs before routing, in ServeHTTP
		middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true, LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.log.Error("panic in handler", "path", c.Request().URL.Path, "err", err, "stack", string(stack))
			return err
		}}),
		shedWrites(MaxWritesInFlight, &s.writesInFlight),
		bodyLimit(), // MaxBodyBytes; a photo upload maxUploadBody
		identityEncodingOnly,
		// Security headers on every answer, then who is asking (and may
		// they), then CSRF for browsers. The chain runs after routing, so
		// the access table sees the route's pattern.
		securityHeaders(),
		s.authenticate,
		csrf(),
		s.withInquiryCount,
	)
	s.handle = headAsGet(s.routed)
	s.routes()
	return s
}

// Handler returns the server's http.Handler (for httptest).
func (s *Server) Handler() http.Handler { return s }

// ServeHTTP answers one request: what echo's own ServeHTTP does with a
// Pre middleware (headAsGet) and e.Use middlewares, but with the chain
// composed once in New.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e := s.echo
	c := e.AcquireContext()
	c.Reset(r, w)
	if err := s.handle(c); err != nil {
		e.HTTPErrorHandler(err, c)
	}
	e.ReleaseContext(c)
}

// routed finds the request's route, then runs the chain.
func (s *Server) routed(c echo.Context) error {
	r := c.Request()
	s.echo.Router().Find(r.Method, echo.GetPath(r), c)
	return s.chain(c)
}

// routeHandler ends the chain: the handler the router found.
func routeHandler(c echo.Context) error { return c.Handler()(c) }

// applyMiddleware wraps h in middleware, the first outermost.
func applyMiddleware(h echo.HandlerFunc, middleware ...echo.MiddlewareFunc) echo.HandlerFunc {
	for i := len(middleware) - 1; i >= 0; i-- {
		h = middleware[i](h)
	}
	return h
}

// Echo exposes the router, for tests that walk its routes.
func (s *Server) Echo() *echo.Echo { return s.echo }

// Serve answers requests on l until Shutdown.
func (s *Server) Serve(l net.Listener) error {
	return s.serve(l, "", "")
}

// ServeTLS answers HTTPS requests on l until Shutdown, with the PEM
// certificate and key files (TLS 1.2 or newer).
func (s *Server) ServeTLS(l net.Listener, certFile, keyFile string) error {
	return s.serve(l, certFile, keyFile)
}

func (s *Server) serve(l net.Listener, certFile, keyFile string) error {
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second}
	s.echo.Server = srv
	s.echo.Listener = l
	var err error
	if certFile != "" {
		srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		err = srv.ServeTLS(l, certFile, keyFile)
	} else {
		err = srv.Serve(Listener(l))
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
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

// Package app wires the program: it opens the store, builds the accounts,
// the web server, the job runners and the schedule from the configuration,
// runs them, and shuts them down in order (HTTP, then jobs and the
// schedule, then the database). It is the one package besides main that
// knows the store; every other package meets it through the interfaces
// it declares.
package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"

	"github.com/petstore/petstore/internal/ai"
	"github.com/petstore/petstore/internal/auth"
	"github.com/petstore/petstore/internal/config"
	"github.com/petstore/petstore/internal/debug"
	"github.com/petstore/petstore/internal/jobs"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/web"
)

// Main runs the command in args (serve by default, token, reap) with the
// configuration of the environment and .env, until ctx is done.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd = args[0]
	}
	if cmd != "serve" && cmd != "token" && cmd != "reap" {
		return fmt.Errorf("unknown command %q (commands: serve, token, reap)", cmd)
	}
	cfg, err := config.Load(".env")
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	log := NewLogger(cfg.LogFormat, stderr)
	slog.SetDefault(log)

	// The server takes the database for itself (a second one is refused);
	// the one-shot commands work beside it.
	st, err := openStore(ctx, cfg, log, cmd == "serve")
	if err != nil {
		return err
	}
	switch cmd {
	case "token": // petstore token create|list|revoke
		defer st.Close()
		return auth.TokenCommand(ctx, auth.New(st, auth.Options{Logger: log}), args[1:], stdout, stderr)
	case "reap": // petstore reap: run the deletion reaper once
		defer st.Close()
		_, err := newReaper(st, log).Run(ctx)
		return err
	}
	a, err := newApp(ctx, cfg, log, st)
	if err != nil {
		st.Close()
		return err
	}
	return a.Serve(ctx) // closes the database last
}

// NewLogger returns the console logger: text or JSON lines on w.
func NewLogger(format string, w io.Writer) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// openStore opens the database, for a server (server true: it holds the
// database's lock and hands back the jobs a dead process left running) or
// a one-shot command. Every create enqueues the job kinds shelter.JobKinds
// marks OnCreate.
func openStore(ctx context.Context, cfg config.Config, log *slog.Logger, server bool) (*store.Store, error) {
	return store.Open(ctx, cfg.DBPath, store.Options{PurgeAfter: cfg.PurgeAfter, FeedingInterval: cfg.FeedingInterval, Sync: cfg.DBSync, Logger: log, Server: server})
}

// newReaper is the one deletion reaper of a process: the schedule's runs,
// admins' runs now and `petstore reap` share it, so runs never overlap.
// Besides purging pets it prunes expired sessions and the failed sign-ins
// older than the throttle's window.
func newReaper(st *store.Store, log *slog.Logger) *jobs.Reaper {
	return &jobs.Reaper{Store: st, LoginWindow: auth.DefaultLimits.Window, Logger: log}
}

// App is the server, wired and not yet running.
type App struct {
	cfg     config.Config
	log     *slog.Logger
	st      *store.Store
	srv     *web.Server
	runners []*jobs.Runner
	pools   []pool
	sched   *jobs.Schedule
	setup   string // the first-run setup secret, when there is no account yet

	listening chan struct{}
	baseURL   string
}

// New opens the database and wires the server from cfg. Serve runs it and
// closes the database when it returns.
func New(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	st, err := openStore(ctx, cfg, log, true)
	if err != nil {
		return nil, err
	}
	a, err := newApp(ctx, cfg, log, st)
	if err != nil {
		st.Close()
		return nil, err
	}
	return a, nil
}

func newApp(ctx context.Context, cfg config.Config, log *slog.Logger, st *store.Store) (*App, error) {
	a := &App{cfg: cfg, log: log, st: st, listening: make(chan struct{})}
	live := web.NewBroker() // wakes the dashboard's live streams after each commit with events
	st.OnEvent(live.Notify)
	// Accounts: the first admin from ADMIN_EMAIL/ADMIN_PASSWORD, or a
	// one-time setup link printed once the port is known.
	accounts := auth.New(st, auth.Options{SessionTTL: cfg.Auth.SessionTTL, Logger: log})
	var err error
	if a.setup, _, err = accounts.Bootstrap(ctx, cfg.Auth.AdminEmail, cfg.Auth.AdminPassword); err != nil {
		return nil, err
	}
	if cfg.Auth.TLS() { // a bad certificate or key fails here, before anything listens
		if _, err := tls.LoadX509KeyPair(cfg.Auth.TLSCert, cfg.Auth.TLSKey); err != nil {
			return nil, fmt.Errorf("TLS_CERT and TLS_KEY: %w", err)
		}
	}
	reaper := newReaper(st, log)
	a.srv = web.New(web.Deps{Pets: st, Events: st, DB: st, Logger: log, Live: live, PurgeAfter: cfg.PurgeAfter, Jobs: st, Profiles: st, Photos: st, Public: st, Inquiries: st,
		Site:     web.PublicSite{Enabled: cfg.Public.Enabled, ShelterName: cfg.Public.ShelterName, ShelterContact: cfg.Public.ShelterContact},
		Accounts: accounts, TrustProxy: cfg.Auth.TrustProxyHeaders, Reaper: reaper})

	// Periodic work (schedules.go).
	if a.sched, err = jobs.NewSchedule(jobs.ScheduleOptions{Logger: log}, schedules(cfg, st, reaper, log)...); err != nil {
		return nil, err
	}
	a.srv.SetReaperSchedule(a.sched.Entry(jobs.ReaperTaskName)) // the dashboard's Jobs page shows its next run

	// AI profile enrichment (OpenAI or a compatible server, or the
	// fallback at once when OPENAI_API_KEY is not set: ai.New says which).
	describer := ai.New(ai.Config{APIKey: cfg.AI.APIKey, BaseURL: cfg.AI.BaseURL, Model: cfg.AI.Model,
		Timeout: cfg.AI.Timeout, Concurrency: cfg.AI.Concurrency, Logger: log})
	// The job runners (workers.go): one per pool, each with the workers
	// of the kinds shelter.JobKinds puts in it.
	a.pools = pools(cfg)
	ws := workers(cfg, st, describer, log)
	if err := checkWorkers(ws, a.pools); err != nil {
		return nil, err
	}
	for _, p := range a.pools {
		r, err := jobs.NewRunner(st, jobs.Options{Workers: p.size, Lease: cfg.JobLease,
			ShutdownTimeout: cfg.ShutdownTimeout, Logger: log.With("runner", p.name)}, p.workers(ws)...)
		if err != nil {
			return nil, err
		}
		a.runners = append(a.runners, r)
	}
	return a, nil
}

// Listening is closed once the server listens; BaseURL is then its
// address.
func (a *App) Listening() <-chan struct{} { return a.listening }

// BaseURL is the server's address, such as http://localhost:3000, once it
// listens.
func (a *App) BaseURL() string { return a.baseURL }

// Serve starts the job runners and the schedule, listens on PORT and
// serves until ctx is done or the server fails. Then it shuts down in
// order: HTTP (requests get SHUTDOWN_TIMEOUT to finish), then the job
// runners (running jobs get SHUTDOWN_TIMEOUT; the rest are released) and
// the schedule, and last the database.
func (a *App) Serve(ctx context.Context) (err error) {
	cfg, log := a.cfg, a.log
	defer func() {
		if cerr := a.st.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close database: %w", cerr)
		}
	}()

	if cfg.PprofAddr != "" {
		stopPprof, err := debug.ServePprof(cfg.PprofAddr, log)
		if err != nil {
			return fmt.Errorf("PPROF_ADDR: %w", err)
		}
		defer stopPprof()
	}
	// Background work stops after HTTP and before the database closes.
	jobsCtx, stopJobs := context.WithCancel(context.Background())
	runnersDone := make([]chan error, len(a.runners))
	for i, r := range a.runners {
		runnersDone[i] = make(chan error, 1)
		go func() { runnersDone[i] <- r.Run(jobsCtx) }()
	}
	a.sched.Start()
	defer func() {
		stopJobs()
		for i, done := range runnersDone {
			if err := <-done; err != nil {
				log.Error("❌ stop job runner", "runner", a.pools[i].name, "err", err)
			}
		}
		if err := a.sched.Shutdown(); err != nil {
			log.Error("❌ stop scheduler", "err", err)
		}
	}()

	l, err := net.Listen("tcp", net.JoinHostPort("", strconv.Itoa(cfg.Port)))
	if err != nil {
		return fmt.Errorf("listen on PORT=%d: %w", cfg.Port, err)
	}
	base := "http://localhost:" + strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	if cfg.Auth.TLS() {
		base = "https" + strings.TrimPrefix(base, "http")
	}
	a.baseURL = base
	close(a.listening)
	log.Info("🐾 Petstore listening", "addr", base, "db", cfg.DBPath)
	if a.setup != "" {
		log.Warn("🔑 First run: open " + base + "/setup?token=" + a.setup + " to create the first admin (the link works once, for 1 hour)")
	}

	errc := make(chan error, 1)
	go func() {
		if cfg.Auth.TLS() {
			errc <- a.srv.ServeTLS(l, cfg.Auth.TLSCert, cfg.Auth.TLSKey)
			return
		}
		errc <- a.srv.Serve(l)
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := a.srv.Shutdown(shutCtx); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("shut down http: %w", err)
	}
	return nil
}

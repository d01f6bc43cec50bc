// Package app wires the program: it opens the store, builds the accounts,
// the web server, the job runners and the schedule from the configuration,
// runs them, and shuts them down in order (HTTP, then jobs and the
// schedule, then the database). It is the one package besides main that
// knows the store; every other package meets it through the interfaces
// it declares. cli.go has the commands.
package app

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/petstore/petstore/internal/ai"
	"github.com/petstore/petstore/internal/auth"
	"github.com/petstore/petstore/internal/config"
	"github.com/petstore/petstore/internal/debug"
	"github.com/petstore/petstore/internal/jobs"
	"github.com/petstore/petstore/internal/metrics"
	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/web"
)

// runServe is `petstore serve`.
func runServe(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		return usageErrorf(serveUsage, "serve takes no arguments (got %q)", args[0])
	}
	a, err := New(ctx, e.cfg, e.log)
	if err != nil {
		return err
	}
	return a.Serve(ctx) // closes the database last
}

// openStore opens the database, for a server (server true: it holds the
// database's lock and hands back the jobs a dead process left running) or
// a one-shot command. Every create enqueues the job kinds shelter.JobKinds
// marks OnCreate. onBatch (may be nil) is told each group commit's size.
func openStore(ctx context.Context, cfg config.Config, log *slog.Logger, server bool, onBatch func(int)) (*store.Store, error) {
	return store.Open(ctx, cfg.Database(), store.Options{PurgeAfter: cfg.PurgeAfter, FeedingInterval: cfg.FeedingInterval,
		Sync: cfg.DBSync, Logger: log, Server: server, OnBatch: onBatch})
}

// newReaper is the one deletion reaper of a process: the schedule's runs,
// admins' runs now and `petstore reap` share it, so runs never overlap.
// Besides purging pets it prunes expired sessions, the failed sign-ins
// older than the throttle's window and the finished jobs older than
// JOB_RETENTION.
func newReaper(st *store.Store, cfg config.Config, log *slog.Logger) *jobs.Reaper {
	return &jobs.Reaper{Store: st, LoginWindow: auth.DefaultLimits.Window, JobRetention: cfg.Ops.JobRetention, Logger: log}
}

// App is the server, wired and not yet running.
type App struct {
	cfg     config.Config
	log     *slog.Logger
	st      *store.Store
	srv     *web.Server
	metrics *metrics.Metrics
	runners []*jobs.Runner
	pools   []pool
	sched   *jobs.Schedule
	setup   string // the first-run setup secret, when there is no account yet
	ready   atomic.Bool

	aiStatus func() string // the AI breaker's outage, for the Jobs page

	listening chan struct{}
	baseURL   string
}

// New opens the database for the server (its lock: one server per
// database) and wires the server from cfg. Serve runs it and closes the database when it
// returns.
func New(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	a := &App{cfg: cfg, log: log, listening: make(chan struct{})}
	var st *store.Store
	build := ReadBuildInfo()
	a.metrics = metrics.New(metrics.Sources{
		Queue:   func(ctx context.Context) ([]shelter.QueueStat, error) { return st.QueueStats(ctx) },
		Kinds:   jobKindNames(),
		DBSize:  func() (int64, error) { return st.DBSize() },
		Version: build.Version, Revision: build.Revision, Logger: log,
	})
	st, err := openStore(ctx, cfg, log, true, a.metrics.ObserveBatch) // the server's lock: a second server is refused
	if err != nil {
		return nil, err
	}
	a.st = st
	if err := a.wire(ctx, build); err != nil {
		st.Close()
		return nil, err
	}
	return a, nil
}

func jobKindNames() []string {
	var out []string
	for _, k := range shelter.JobKinds {
		out = append(out, k.Name)
	}
	return out
}

func (a *App) wire(ctx context.Context, build BuildInfo) error {
	cfg, log, st := a.cfg, a.log, a.st
	live := web.NewBroker() // wakes the dashboard's live streams after each commit with events
	st.OnEvent(live.Notify)
	a.metrics.SetStreams(live.Subscribers)
	// Accounts: the first admin from ADMIN_EMAIL/ADMIN_PASSWORD, or a
	// one-time setup link printed once the port is known.
	accounts := auth.New(st, auth.Options{SessionTTL: cfg.Auth.SessionTTL, Logger: log})
	var err error
	if a.setup, _, err = accounts.Bootstrap(ctx, cfg.Auth.AdminEmail, cfg.Auth.AdminPassword); err != nil {
		return err
	}
	if cfg.Auth.TLS() { // a bad certificate or key fails here, before anything listens
		if _, err := tls.LoadX509KeyPair(cfg.Auth.TLSCert, cfg.Auth.TLSKey); err != nil {
			return fmt.Errorf("TLS_CERT and TLS_KEY: %w", err)
		}
	}
	reaper := newReaper(st, cfg, log)
	d := web.Deps{AIStatus: a.outage, Pets: st, Events: st, DB: st, Logger: log, Live: live, PurgeAfter: cfg.PurgeAfter, Jobs: st, Profiles: st, Photos: st, Public: st, Inquiries: st,
		Site:     web.PublicSite{Enabled: cfg.Public.Enabled, ShelterName: cfg.Public.ShelterName, ShelterContact: cfg.Public.ShelterContact},
		Accounts: accounts, TrustProxy: cfg.Auth.TrustProxyHeaders, Reaper: reaper,
		Observer: a.metrics, AccessLog: cfg.Ops.AccessLog, Ready: a.ready.Load, Version: build.Short()}
	if cfg.Ops.MetricsAddr == "" { // else /metrics is on its own listener only
		d.Metrics, d.MetricsToken = a.metrics.Handler(), cfg.Ops.MetricsToken
	}
	a.srv = web.New(d)

	// Periodic work (schedules.go).
	if st.Postgres() && cfg.Ops.BackupDir != "" {
		return fmt.Errorf("BACKUP_DIR: scheduled backups are SQLite's; on PostgreSQL (DATABASE_URL) back up with pg_dump")
	}
	if cfg.Ops.BackupDir != "" {
		// Found now rather than at the first backup, hours later.
		if err := writableDir(cfg.Ops.BackupDir); err != nil {
			return fmt.Errorf("BACKUP_DIR=%s: scheduled backups cannot be written there: %w", cfg.Ops.BackupDir, err)
		}
	}
	backup := newBackup(cfg, st, a.metrics, log)
	so := jobs.ScheduleOptions{Logger: log}
	if st.Postgres() { // several servers may share the database: each scheduled run once
		so.Claim = st.ClaimScheduledRun
	}
	if a.sched, err = jobs.NewSchedule(so, schedules(cfg, st, reaper, backup, log)...); err != nil {
		return err
	}
	a.srv.SetReaperSchedule(a.sched.Entry(jobs.ReaperTaskName)) // the dashboard's Jobs page shows its next run
	if cfg.Ops.BackupDir != "" {
		a.srv.SetBackupSchedule(a.sched.Entry(jobs.BackupTaskName))
	}

	// AI profile enrichment (OpenAI or a compatible server, or the
	// fallback at once when OPENAI_API_KEY is not set: ai.New says which).
	model := ai.New(ai.Config{APIKey: cfg.AI.APIKey, BaseURL: cfg.AI.BaseURL, Model: cfg.AI.Model,
		Timeout: cfg.AI.Timeout, Concurrency: cfg.AI.Concurrency, Logger: log})
	if b, ok := model.(*ai.Breaker); ok {
		// After an outage, the pets that got the fallback because of it
		// are enriched again; the Jobs page says while it lasts.
		b.OnRecover(func() {
			n, err := st.RequeueOutageFallbacks(context.Background())
			if err != nil {
				log.Error("❌ queue the enrichment of the outage's fallback profiles", "err", err)
			} else if n > 0 {
				log.Info("🤖 Pets that got the fallback profile during the AI outage are enriched again", "count", n)
			}
		})
		a.aiStatus = b.Status
	}
	describer := ai.Observed(model, a.metrics.ObserveAICall)
	// The job runners (workers.go): one per pool, each with the workers
	// of the kinds shelter.JobKinds puts in it.
	a.pools = pools(cfg)
	ws := workers(cfg, st, describer, backup, log)
	if err := checkWorkers(ws, a.pools); err != nil {
		return err
	}
	for _, p := range a.pools {
		r, err := jobs.NewRunner(st, jobs.Options{Workers: p.size, Lease: cfg.JobLease,
			ShutdownTimeout: cfg.ShutdownTimeout, Logger: log.With("runner", p.name), Observe: a.metrics.ObserveJob}, p.workers(ws)...)
		if err != nil {
			return err
		}
		a.runners = append(a.runners, r)
	}
	return nil
}

// outage describes an outage of the AI model, "" when there is none.
func (a *App) outage() string {
	if a.aiStatus == nil {
		return ""
	}
	return a.aiStatus()
}

// Listening is closed once the server listens; BaseURL is then its
// address.
func (a *App) Listening() <-chan struct{} { return a.listening }

// BaseURL is the server's address, such as http://localhost:3000, once it
// listens: BASE_URL when set.
func (a *App) BaseURL() string { return a.baseURL }

// baseURL is the address users reach a server listening on l at:
// BASE_URL when set, else made from the listen address (localhost for
// every interface).
func baseURL(cfg config.Config, l net.Listener) string {
	if cfg.Ops.BaseURL != "" {
		return cfg.Ops.BaseURL
	}
	addr := l.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "localhost"
	}
	scheme := "http"
	if cfg.Auth.TLS() {
		scheme = "https"
	}
	return scheme + "://" + net.JoinHostPort(host, strconv.Itoa(addr.Port))
}

// Serve listens on LISTEN_ADDR, starts the job runners and the schedule
// (then /readyz answers 200) and serves until ctx is done or the server
// fails. Then it shuts down in order: /readyz answers 503 (for
// SHUTDOWN_DRAIN, so that a load balancer turns away first), HTTP
// (requests get SHUTDOWN_TIMEOUT to finish), the job runners (running jobs
// get SHUTDOWN_TIMEOUT; the rest are released) and the schedule, and last
// the database and its lock.
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

	l, err := net.Listen("tcp", cfg.Ops.ListenAddr)
	if err != nil {
		setting := "LISTEN_ADDR=" + cfg.Ops.ListenAddr
		if v, _ := os.LookupEnv("LISTEN_ADDR"); v == "" { // made from PORT, or the default
			setting = "port " + cfg.Ops.ListenAddr + " (PORT, or LISTEN_ADDR for an address)"
		}
		return fmt.Errorf("listen on %s: %w", setting, err)
	}
	a.baseURL = baseURL(cfg, l)
	errc := make(chan error, 2)
	go func() {
		if cfg.Auth.TLS() {
			errc <- a.srv.ServeTLS(l, cfg.Auth.TLSCert, cfg.Auth.TLSKey)
			return
		}
		errc <- a.srv.Serve(l)
	}()
	var metricsSrv *http.Server
	if cfg.Ops.MetricsAddr != "" {
		ml, err := net.Listen("tcp", cfg.Ops.MetricsAddr)
		if err != nil {
			a.srv.Shutdown(context.Background())
			return fmt.Errorf("listen on METRICS_ADDR=%s: %w", cfg.Ops.MetricsAddr, err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", a.metrics.Handler())
		metricsSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := metricsSrv.Serve(ml); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("metrics listener: %w", err)
			}
		}()
		log.Info("📈 Metrics listening", "addr", "http://"+ml.Addr().String()+"/metrics")
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
	a.ready.Store(true)
	close(a.listening)
	log.Info("🐾 Petstore listening", "addr", a.baseURL, "listen", l.Addr().String(), "db", dbName(cfg), "version", ReadBuildInfo().Short())
	if a.setup != "" {
		log.Warn("🔑 First run: open " + a.baseURL + "/setup?token=" + a.setup + " to create the first admin (the link works once, for 1 hour)")
	}

	select {
	case err := <-errc:
		a.ready.Store(false)
		return err
	case <-ctx.Done():
	}
	a.ready.Store(false)
	log.Info("shutting down")
	if cfg.Ops.ShutdownDrain > 0 {
		log.Info("draining: /readyz answers 503", "for", cfg.Ops.ShutdownDrain.String())
		time.Sleep(cfg.Ops.ShutdownDrain)
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if metricsSrv != nil {
		metricsSrv.Shutdown(shutCtx)
	}
	if err := a.srv.Shutdown(shutCtx); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("shut down http: %w", err)
	}
	return nil
}

// dbName names the database for the log: the SQLite file, or PostgreSQL's
// host and database (never the URL, which may hold a password).
func dbName(cfg config.Config) string {
	if cfg.DatabaseURL == "" {
		return cfg.DBPath
	}
	u, err := url.Parse(cfg.DatabaseURL)
	if err != nil {
		return "postgres"
	}
	host := u.Host
	if h := u.Query().Get("host"); h != "" {
		host = h
	}
	return "postgres://" + host + u.Path
}

// writableDir makes dir (0700) when missing and checks that a file can be
// created in it.
func writableDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".petstore-check-*")
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(f.Name())
}

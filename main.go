// Command petstore is the shelter staff app: the JSON API, the dashboard and
// the background work, on one SQLite file.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/petstore/petstore/db"
	"github.com/petstore/petstore/internal/ai"
	"github.com/petstore/petstore/internal/auth"
	"github.com/petstore/petstore/internal/config"
	"github.com/petstore/petstore/internal/jobs"
	"github.com/petstore/petstore/internal/shelter"
	"github.com/petstore/petstore/internal/store"
	"github.com/petstore/petstore/web"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "petstore:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
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
	log := newLogger(cfg.LogFormat)
	slog.SetDefault(log)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	database, err := db.Open(ctx, cfg.DBPath)
	if err != nil {
		return err
	}
	defer database.Close()
	// Every create enqueues the kinds shelter.JobKinds marks OnCreate.
	st := store.New(database, store.Options{PurgeAfter: cfg.PurgeAfter, Logger: log})

	switch cmd {
	case "token": // petstore token create|list|revoke
		return auth.TokenCommand(ctx, auth.New(st, auth.Options{Logger: log}), args[1:], os.Stdout, os.Stderr)
	case "reap": // petstore reap: run the deletion reaper once
		_, err := (&jobs.Reaper{Store: st, LoginWindow: auth.DefaultLimits.Window, Logger: log}).Run(ctx)
		return err
	}
	return serve(ctx, cfg, log, st)
}

func serve(ctx context.Context, cfg config.Config, log *slog.Logger, st *store.Store) error {
	live := web.NewBroker() // wakes the dashboard's live streams after each commit with events
	st.OnEvent(live.Notify)
	// Accounts: the first admin from ADMIN_EMAIL/ADMIN_PASSWORD, or a
	// one-time setup link printed below once the port is known.
	accounts := auth.New(st, auth.Options{SessionTTL: cfg.Auth.SessionTTL, Logger: log})
	setupSecret, _, err := accounts.Bootstrap(ctx, cfg.Auth.AdminEmail, cfg.Auth.AdminPassword)
	if err != nil {
		return err
	}
	if cfg.Auth.TLS() { // a bad certificate or key fails here, before anything listens
		if _, err := tls.LoadX509KeyPair(cfg.Auth.TLSCert, cfg.Auth.TLSKey); err != nil {
			return fmt.Errorf("TLS_CERT and TLS_KEY: %w", err)
		}
	}
	// One reaper for the schedule and for admins' runs now: its runs never
	// overlap. Besides purging pets it prunes expired sessions and the
	// failed sign-ins older than the throttle's window.
	reaper := &jobs.Reaper{Store: st, LoginWindow: auth.DefaultLimits.Window, Logger: log}
	srv := web.New(web.Deps{Pets: st, Events: st, DB: st, Logger: log, Live: live, PurgeAfter: cfg.PurgeAfter, Jobs: st, Profiles: st,
		Accounts: accounts, TrustProxy: cfg.Auth.TrustProxyHeaders, Reaper: reaper})

	// Background work: the queue runners and the reaper's schedule. They
	// stop after HTTP (deferred), and before the database closes (run's
	// defer).
	// Periodic work: one line per task.
	schedules := []jobs.Task{
		reaper.Task(cfg.ReaperSchedule),
	}
	sched, err := jobs.NewSchedule(jobs.ScheduleOptions{Logger: log}, schedules...)
	if err != nil {
		return err
	}
	srv.SetReaperSchedule(sched.Entry(jobs.ReaperTaskName)) // the dashboard's Jobs page shows its next run
	// AI profile enrichment (OpenAI or a compatible server, or the
	// fallback at once when OPENAI_API_KEY is not set: ai.New says which).
	describer := ai.New(ai.Config{APIKey: cfg.AI.APIKey, BaseURL: cfg.AI.BaseURL, Model: cfg.AI.Model,
		Timeout: cfg.AI.Timeout, Concurrency: cfg.AI.Concurrency, Logger: log})
	// One worker per job kind; each runs on its kind's pool
	// (shelter.JobKinds). The AI pool has AI_CONCURRENCY workers of its
	// own, so that slow model calls never hold up the feeding reminders.
	workers := []jobs.Worker{
		&jobs.FeedingReminder{Store: st, Interval: cfg.FeedingInterval, Logger: log},
		&jobs.EnrichProfile{Store: st, AI: describer, Logger: log},
	}
	pools := []struct {
		name string
		size int
	}{{shelter.PoolJobs, cfg.JobWorkers}, {shelter.PoolAI, cfg.AI.Concurrency}}
	var runners []*jobs.Runner
	for _, pool := range pools {
		var ws []jobs.Worker
		for _, w := range workers {
			if k, ok := shelter.FindJobKind(w.Kind()); ok && k.Pool == pool.name {
				ws = append(ws, w)
			}
		}
		runner, err := jobs.NewRunner(st, jobs.Options{Workers: pool.size, Lease: cfg.JobLease,
			ShutdownTimeout: cfg.ShutdownTimeout, Logger: log.With("runner", pool.name)}, ws...)
		if err != nil {
			return err
		}
		runners = append(runners, runner)
	}
	jobsCtx, stopJobs := context.WithCancel(context.Background())
	var runnersDone []chan error
	for _, runner := range runners {
		done := make(chan error, 1)
		go func() { done <- runner.Run(jobsCtx) }()
		runnersDone = append(runnersDone, done)
	}
	sched.Start()
	defer func() {
		stopJobs()
		for i, done := range runnersDone {
			if err := <-done; err != nil {
				log.Error("❌ stop job runner", "runner", pools[i].name, "err", err)
			}
		}
		if err := sched.Shutdown(); err != nil {
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
	log.Info("🐾 Petstore listening", "addr", base, "db", cfg.DBPath)
	if setupSecret != "" {
		log.Warn("🔑 First run: open " + base + "/setup?token=" + setupSecret + " to create the first admin (the link works once, for 1 hour)")
	}

	errc := make(chan error, 1)
	go func() {
		if cfg.Auth.TLS() {
			errc <- srv.ServeTLS(l, cfg.Auth.TLSCert, cfg.Auth.TLSKey)
			return
		}
		errc <- srv.Serve(l)
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("shut down http: %w", err)
	}
	return nil
}

func newLogger(format string) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, nil))
}

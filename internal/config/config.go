// Package config reads the server's settings from the environment and an
// optional .env file.
package config

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/joho/godotenv"
	"github.com/robfig/cron/v3"
)

// Database returns what the store opens: DATABASE_URL when set, else
// DB_PATH.
func (c Config) Database() string {
	if c.DatabaseURL != "" {
		return c.DatabaseURL
	}
	return c.DBPath
}

// Config holds every setting. Each field names its environment variable.
type Config struct {
	Port   int    // PORT
	DBPath string // DB_PATH
	// DatabaseURL (DATABASE_URL), a postgres:// URL, puts the data in
	// PostgreSQL instead of the SQLite file at DB_PATH.
	DatabaseURL string
	DBSync      string        // DB_SYNC: full (default) or normal
	PurgeAfter  time.Duration // PURGE_AFTER
	LogFormat   string        // LOG_FORMAT: text or json

	FeedingInterval time.Duration // FEEDING_INTERVAL: createdAt to nextFeedingAt
	ReaperSchedule  string        // REAPER_SCHEDULE: five-field cron, in TZ
	JobWorkers      int           // JOB_WORKERS: jobs run at once
	JobLease        time.Duration // JOB_LEASE: a claimed job's lease, extended while it runs
	ShutdownTimeout time.Duration // SHUTDOWN_TIMEOUT: for requests and running jobs to finish
	// Auth holds ADMIN_EMAIL, ADMIN_PASSWORD, TRUST_PROXY_HEADERS,
	// TLS_CERT, TLS_KEY and SESSION_TTL (see auth.go).
	Auth Auth
	// AI holds OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL, AI_TIMEOUT
	// and AI_CONCURRENCY (see ai.go).
	AI AI
	// Ops holds LISTEN_ADDR, BASE_URL, LOG_LEVEL, ACCESS_LOG,
	// METRICS_TOKEN, METRICS_ADDR, BACKUP_DIR, BACKUP_SCHEDULE, BACKUP_KEEP
	// and JOB_RETENTION (see ops.go).
	Ops Ops
	// PprofAddr serves Go's profiler on a listener of its own (PPROF_ADDR,
	// a loopback host:port; unset: off).
	PprofAddr string
	// Public holds PUBLIC_ADOPTION, SHELTER_NAME and SHELTER_CONTACT (see
	// public.go).
	Public Public
}

// Load reads .env (when envFile exists; variables already set win) and then
// the environment. An invalid value is an error that names its variable.
func Load(envFile string) (Config, error) {
	if envFile != "" {
		if err := godotenv.Load(envFile); err != nil && !errors.Is(err, os.ErrNotExist) {
			return Config{}, fmt.Errorf("read %s: %w", envFile, err)
		}
	}
	c := Config{Port: 3000, DBPath: ".data/petstore.db", DBSync: "full", PurgeAfter: 720 * time.Hour, LogFormat: "text",
		FeedingInterval: 24 * time.Hour, ReaperSchedule: "0 2 * * *", JobWorkers: 4, JobLease: 30 * time.Second,
		ShutdownTimeout: 10 * time.Second}
	var errs []error
	v, portSet := lookup("PORT")
	if portSet {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 65535 {
			errs = append(errs, fmt.Errorf("PORT=%q: must be a port number from 0 to 65535", v))
		}
		c.Port = n
	}
	if v, ok := lookup("DB_PATH"); ok {
		c.DBPath = v
	}
	if v, ok := lookup("DATABASE_URL"); ok && v != "" {
		if !strings.HasPrefix(v, "postgres://") && !strings.HasPrefix(v, "postgresql://") {
			errs = append(errs, fmt.Errorf("DATABASE_URL: must be a postgres:// URL (leave it unset for SQLite at DB_PATH)"))
		}
		c.DatabaseURL = v
	}
	if v, ok := lookup("DB_SYNC"); ok {
		if v != "full" && v != "normal" {
			errs = append(errs, fmt.Errorf("DB_SYNC=%q: must be full (every acknowledged write survives a power cut) or normal (faster; the last writes before a power cut can be lost)", v))
		}
		c.DBSync = v
	}
	if v, ok := lookup("PURGE_AFTER"); ok {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("PURGE_AFTER=%q: must be a positive duration such as 720h", v))
		}
		c.PurgeAfter = d
	}
	if v, ok := lookup("TZ"); ok {
		// Go falls back to UTC, silently, on a zone it cannot load: the
		// schedules would run at hours nobody chose.
		name := strings.TrimPrefix(v, ":")
		var err error
		if strings.HasPrefix(name, "/") {
			_, err = os.Stat(name)
		} else if name != "" {
			_, err = time.LoadLocation(name)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("TZ=%q: unknown time zone: use a name such as Europe/Paris or UTC (the schedules run in it)", v))
		}
	}
	if v, ok := lookup("LOG_FORMAT"); ok {
		if v != "text" && v != "json" {
			errs = append(errs, fmt.Errorf("LOG_FORMAT=%q: must be text or json", v))
		}
		c.LogFormat = v
	}
	var authErrs []error
	c.Auth, authErrs = loadAuth()
	errs = append(errs, authErrs...)
	errs = append(errs, c.loadJobs()...)
	var aiErrs []error
	c.AI, aiErrs = loadAI()
	errs = append(errs, aiErrs...)
	var opsErrs []error
	c.Ops, opsErrs = loadOps(c.Port, portSet)
	errs = append(errs, opsErrs...)
	if v, ok := lookup("PPROF_ADDR"); ok {
		host, _, err := net.SplitHostPort(v)
		if ip := net.ParseIP(host); err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
			errs = append(errs, fmt.Errorf("PPROF_ADDR=%q: must be a loopback host:port such as 127.0.0.1:6060", v))
		}
		c.PprofAddr = v
	}
	var publicErrs []error
	c.Public, publicErrs = loadPublic()
	errs = append(errs, publicErrs...)
	return c, errors.Join(errs...)
}

// loadJobs reads the settings of the background work.
func (c *Config) loadJobs() []error {
	var errs []error
	duration := func(name string, dst *time.Duration, example string) {
		if v, ok := lookup(name); ok {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				errs = append(errs, fmt.Errorf("%s=%q: must be a positive duration such as %s", name, v, example))
			}
			*dst = d
		}
	}
	duration("FEEDING_INTERVAL", &c.FeedingInterval, "24h")
	duration("JOB_LEASE", &c.JobLease, "30s")
	duration("SHUTDOWN_TIMEOUT", &c.ShutdownTimeout, "10s")
	if v, ok := lookup("JOB_LEASE"); ok && c.JobLease > 0 && c.JobLease < 100*time.Millisecond {
		errs = append(errs, fmt.Errorf("JOB_LEASE=%q: must be at least 100ms", v))
	}
	if v, ok := lookup("JOB_WORKERS"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 64 {
			errs = append(errs, fmt.Errorf("JOB_WORKERS=%q: must be a whole number from 1 to 64", v))
		}
		c.JobWorkers = n
	}
	if v, ok := lookup("REAPER_SCHEDULE"); ok {
		// The parser gocron uses for five-field expressions.
		if _, err := cron.ParseStandard(v); err != nil {
			errs = append(errs, fmt.Errorf("REAPER_SCHEDULE=%q: must be a five-field cron expression such as \"0 2 * * *\": %w", v, err))
		}
		c.ReaperSchedule = v
	}
	return errs
}

// lookup returns a variable that is set and not empty.
func lookup(name string) (string, bool) {
	v, ok := os.LookupEnv(name)
	return v, ok && v != ""
}

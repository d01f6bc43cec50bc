package config

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Ops holds the settings of running, watching and backing up the server.
type Ops struct {
	// ListenAddr is the HTTP listen address (LISTEN_ADDR, default ":3000";
	// PORT sets its port when LISTEN_ADDR is unset).
	ListenAddr string
	// BaseURL is the address users reach the server at (BASE_URL), for the
	// setup link; empty: made from the listen address.
	BaseURL string
	// LogLevel is debug, info, warn or error (LOG_LEVEL, default info).
	LogLevel string
	// AccessLog logs one line per request at info (ACCESS_LOG, default true).
	AccessLog bool
	// MetricsToken, when set, also opens /metrics to "Authorization:
	// Bearer <token>" (METRICS_TOKEN); admin tokens always may.
	MetricsToken string
	// MetricsAddr, when set, serves /metrics without authentication on a
	// listener of its own (METRICS_ADDR), for a scraper on a private network.
	MetricsAddr string
	// BackupDir turns scheduled backups on (BACKUP_DIR).
	BackupDir string
	// BackupSchedule is their five-field cron (BACKUP_SCHEDULE, default
	// "0 3 * * *"), BackupKeep how many are kept (BACKUP_KEEP, default 7).
	BackupSchedule string
	BackupKeep     int
	// JobRetention is how long finished jobs are kept before the reaper
	// deletes them (JOB_RETENTION, default 168h).
	JobRetention time.Duration
	// ShutdownDrain is how long /readyz answers 503 at shutdown before the
	// server stops taking requests (SHUTDOWN_DRAIN, default 0), so that a
	// load balancer turns away first.
	ShutdownDrain time.Duration
}

// Log levels.
var LogLevels = []string{"debug", "info", "warn", "error"}

// loadOps reads the Ops settings; port is PORT's value, or 0 when unset.
func loadOps(port int, portSet bool) (Ops, []error) {
	o := Ops{ListenAddr: ":3000", LogLevel: "info", AccessLog: true, BackupSchedule: "0 3 * * *", BackupKeep: 7,
		JobRetention: 7 * 24 * time.Hour}
	var errs []error
	if portSet {
		o.ListenAddr = ":" + strconv.Itoa(port)
	}
	if v, ok := lookup("LISTEN_ADDR"); ok {
		host, p, err := net.SplitHostPort(v)
		n, perr := strconv.Atoi(p)
		if err != nil || perr != nil || n < 0 || n > 65535 || strings.ContainsAny(host, " /") {
			errs = append(errs, fmt.Errorf("LISTEN_ADDR=%q: must be host:port or :port, such as 127.0.0.1:3000", v))
		}
		o.ListenAddr = v
	}
	if v, ok := lookup("BASE_URL"); ok {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			errs = append(errs, fmt.Errorf("BASE_URL=%q: must be an http or https address such as https://petstore.example.org", v))
		}
		o.BaseURL = strings.TrimRight(v, "/")
	}
	if v, ok := lookup("LOG_LEVEL"); ok {
		v = strings.ToLower(v)
		okLevel := false
		for _, l := range LogLevels {
			okLevel = okLevel || v == l
		}
		if !okLevel {
			errs = append(errs, fmt.Errorf("LOG_LEVEL=%q: must be debug, info, warn or error", v))
		}
		o.LogLevel = v
	}
	if v, ok := lookup("ACCESS_LOG"); ok {
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			errs = append(errs, fmt.Errorf("ACCESS_LOG=%q: must be true or false", v))
		}
		o.AccessLog = b
	}
	o.MetricsToken, _ = lookup("METRICS_TOKEN")
	if o.MetricsToken != "" && len(o.MetricsToken) < 16 {
		errs = append(errs, fmt.Errorf("METRICS_TOKEN: must be at least 16 characters (for example: openssl rand -hex 20)"))
	}
	if v, ok := lookup("METRICS_ADDR"); ok {
		if _, _, err := net.SplitHostPort(v); err != nil {
			errs = append(errs, fmt.Errorf("METRICS_ADDR=%q: must be host:port, such as 10.0.0.5:9090", v))
		}
		o.MetricsAddr = v
	}
	o.BackupDir, _ = lookup("BACKUP_DIR")
	if v, ok := lookup("BACKUP_SCHEDULE"); ok {
		if _, err := cron.ParseStandard(v); err != nil {
			errs = append(errs, fmt.Errorf("BACKUP_SCHEDULE=%q: must be a five-field cron expression such as \"0 3 * * *\": %w", v, err))
		}
		o.BackupSchedule = v
	}
	if v, ok := lookup("BACKUP_KEEP"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			errs = append(errs, fmt.Errorf("BACKUP_KEEP=%q: must be a whole number from 1 to 1000", v))
		}
		o.BackupKeep = n
	}
	if v, ok := lookup("JOB_RETENTION"); ok {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("JOB_RETENTION=%q: must be a positive duration such as 168h", v))
		}
		o.JobRetention = d
	}
	if v, ok := lookup("SHUTDOWN_DRAIN"); ok {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || d > 5*time.Minute {
			errs = append(errs, fmt.Errorf("SHUTDOWN_DRAIN=%q: must be a duration from 0s to 5m such as 5s", v))
		}
		o.ShutdownDrain = d
	}
	return o, errs
}

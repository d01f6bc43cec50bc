package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones named here, wherever the test runs
)

func TestDefaults(t *testing.T) {
	for _, k := range []string{"PORT", "DB_PATH", "DB_SYNC", "PURGE_AFTER", "LOG_FORMAT"} {
		t.Setenv(k, "")
	}
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != 3000 || c.DBPath != ".data/petstore.db" || c.DBSync != "full" || c.PurgeAfter != 720*time.Hour || c.LogFormat != "text" {
		t.Fatalf("defaults %+v", c)
	}
}

func TestInvalidValuesNameTheirVariable(t *testing.T) {
	for name, val := range map[string]string{"PORT": "http", "DB_SYNC": "off", "PURGE_AFTER": "30 days", "LOG_FORMAT": "xml", "TZ": "Mars/Base"} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(name, val)
			_, err := Load("")
			if err == nil || !strings.Contains(err.Error(), name) {
				t.Fatalf("err %v, want one naming %s", err, name)
			}
		})
	}
}

func TestEnvFileAndEnvironmentWins(t *testing.T) {
	f := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(f, []byte("PORT=4001\nDB_PATH=/tmp/x.db\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PORT", "4002")
	t.Setenv("DB_PATH", "")
	os.Unsetenv("DB_PATH")
	c, err := Load(f)
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != 4002 || c.DBPath != "/tmp/x.db" {
		t.Fatalf("got %+v", c)
	}
}

func TestJobDefaults(t *testing.T) {
	for _, k := range []string{"FEEDING_INTERVAL", "REAPER_SCHEDULE", "JOB_WORKERS", "JOB_LEASE", "SHUTDOWN_TIMEOUT"} {
		t.Setenv(k, "")
	}
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if c.FeedingInterval != 24*time.Hour || c.ReaperSchedule != "0 2 * * *" || c.JobWorkers != 4 ||
		c.JobLease != 30*time.Second || c.ShutdownTimeout != 10*time.Second {
		t.Fatalf("job defaults %+v", c)
	}
}

func TestJobSettings(t *testing.T) {
	t.Setenv("FEEDING_INTERVAL", "90m")
	t.Setenv("REAPER_SCHEDULE", "*/5 * * * *")
	t.Setenv("JOB_WORKERS", "8")
	t.Setenv("JOB_LEASE", "2s")
	t.Setenv("SHUTDOWN_TIMEOUT", "3s")
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if c.FeedingInterval != 90*time.Minute || c.ReaperSchedule != "*/5 * * * *" || c.JobWorkers != 8 ||
		c.JobLease != 2*time.Second || c.ShutdownTimeout != 3*time.Second {
		t.Fatalf("got %+v", c)
	}
}

func TestInvalidJobSettingsNameTheirVariable(t *testing.T) {
	for _, c := range []struct{ name, val string }{
		{"FEEDING_INTERVAL", "1 day"}, {"FEEDING_INTERVAL", "-1h"}, {"FEEDING_INTERVAL", "0s"},
		{"REAPER_SCHEDULE", "at two"}, {"REAPER_SCHEDULE", "0 2 * *"}, {"REAPER_SCHEDULE", "0 25 * * *"},
		{"JOB_WORKERS", "0"}, {"JOB_WORKERS", "four"}, {"JOB_WORKERS", "65"},
		{"JOB_LEASE", "10ms"}, {"JOB_LEASE", "soon"},
		{"SHUTDOWN_TIMEOUT", "0"}, {"SHUTDOWN_TIMEOUT", "10"},
	} {
		t.Run(c.name+"="+c.val, func(t *testing.T) {
			t.Setenv(c.name, c.val)
			_, err := Load("")
			if err == nil || !strings.Contains(err.Error(), c.name) {
				t.Fatalf("err %v, want one naming %s", err, c.name)
			}
		})
	}
}

// A time zone Go can load, by name or as a file, is taken as it is.
func TestKnownTimeZones(t *testing.T) {
	for _, tz := range []string{"UTC", "Europe/Paris", ":Europe/Paris", "/usr/share/zoneinfo/UTC"} {
		if tz[0] == '/' {
			if _, err := os.Stat(tz); err != nil {
				continue // no zoneinfo files here
			}
		}
		t.Setenv("TZ", tz)
		if _, err := Load(""); err != nil {
			t.Errorf("TZ=%s: %v", tz, err)
		}
	}
}

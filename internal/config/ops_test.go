package config

import (
	"strings"
	"testing"
	"time"
)

var opsVars = []string{"PORT", "LISTEN_ADDR", "BASE_URL", "LOG_LEVEL", "ACCESS_LOG", "METRICS_TOKEN", "METRICS_ADDR",
	"BACKUP_DIR", "BACKUP_SCHEDULE", "BACKUP_KEEP", "JOB_RETENTION", "SHUTDOWN_DRAIN"}

func clearOps(t *testing.T) {
	for _, k := range opsVars {
		t.Setenv(k, "")
	}
}

func TestOpsDefaults(t *testing.T) {
	clearOps(t)
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	want := Ops{ListenAddr: ":3000", LogLevel: "info", AccessLog: true, BackupSchedule: "0 3 * * *", BackupKeep: 7, JobRetention: 168 * time.Hour}
	if c.Ops != want {
		t.Fatalf("got %+v, want %+v", c.Ops, want)
	}
}

func TestListenAddrAndPort(t *testing.T) {
	for _, tc := range []struct{ port, listen, want string }{
		{"", "", ":3000"},
		{"4000", "", ":4000"},
		{"", "127.0.0.1:3001", "127.0.0.1:3001"},
		{"4000", "127.0.0.1:3001", "127.0.0.1:3001"}, // LISTEN_ADDR wins
		{"", "[::1]:0", "[::1]:0"},
	} {
		clearOps(t)
		t.Setenv("PORT", tc.port)
		t.Setenv("LISTEN_ADDR", tc.listen)
		c, err := Load("")
		if err != nil {
			t.Fatal(err)
		}
		if c.Ops.ListenAddr != tc.want {
			t.Errorf("PORT=%q LISTEN_ADDR=%q: listen on %q, want %q", tc.port, tc.listen, c.Ops.ListenAddr, tc.want)
		}
	}
}

func TestOpsInvalidValuesNameTheirVariable(t *testing.T) {
	for name, val := range map[string]string{
		"LISTEN_ADDR": "localhost", "BASE_URL": "petstore.example.org", "LOG_LEVEL": "verbose", "ACCESS_LOG": "maybe",
		"METRICS_TOKEN": "short", "METRICS_ADDR": "9090", "BACKUP_SCHEDULE": "daily", "BACKUP_KEEP": "0", "JOB_RETENTION": "7d", "SHUTDOWN_DRAIN": "1h",
	} {
		t.Run(name, func(t *testing.T) {
			clearOps(t)
			t.Setenv(name, val)
			_, err := Load("")
			if err == nil || !strings.Contains(err.Error(), name) {
				t.Fatalf("err %v, want one naming %s", err, name)
			}
		})
	}
}

package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDefaults(t *testing.T) {
	for _, k := range []string{"PORT", "DB_PATH", "PURGE_AFTER", "LOG_FORMAT"} {
		t.Setenv(k, "")
	}
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != 3000 || c.DBPath != ".data/petstore.db" || c.PurgeAfter != 720*time.Hour || c.LogFormat != "text" {
		t.Fatalf("defaults %+v", c)
	}
}

func TestInvalidValuesNameTheirVariable(t *testing.T) {
	for name, val := range map[string]string{"PORT": "http", "PURGE_AFTER": "30 days", "LOG_FORMAT": "xml"} {
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

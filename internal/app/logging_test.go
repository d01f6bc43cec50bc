package app

import (
	"bytes"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/config"
)

func TestLoggerLevelsAndDurations(t *testing.T) {
	var b bytes.Buffer
	log := NewLogger("json", "info", &b)
	log.Debug("hidden")
	log.Info("shown", "took", 1500*time.Millisecond)
	if out := b.String(); strings.Contains(out, "hidden") || !strings.Contains(out, `"took":"1.5s"`) {
		t.Errorf("json at info: %s", out)
	}
	b.Reset()
	log = NewLogger("text", "warn", &b)
	log.Info("🐾 Pet created")
	log.Warn("⚠️ Transition rejected")
	if out := b.String(); strings.Contains(out, "Pet created") || !strings.Contains(out, "Transition rejected") {
		t.Errorf("text at warn: %s", out)
	}
}

func TestBaseURLAndVersion(t *testing.T) {
	b := BuildInfo{Version: "(devel)", Revision: "0123456789abcdef0123", Time: "2026-12-01T14:00:00Z", Modified: true, Go: "go1.26.8"}
	if got := b.Short(); got != "(devel)+0123456789ab-dirty" {
		t.Errorf("Short %q", got)
	}
	if got := b.String(); !strings.Contains(got, "commit 0123456789abcdef0123 (2026-12-01T14:00:00Z) with uncommitted changes go1.26.8") {
		t.Errorf("String %q", got)
	}
	if got := (BuildInfo{Version: "v1.2.0", Go: "go1.26.8"}).String(); !strings.HasPrefix(got, "petstore v1.2.0 (no commit recorded") {
		t.Errorf("String without VCS %q", got)
	}
}

func TestBaseURL(t *testing.T) {
	for _, tc := range []struct {
		listen, base string
		tls          bool
		want         string
	}{
		{"127.0.0.1:0", "", false, "http://127.0.0.1:"},
		{":0", "", false, "http://localhost:"},
		{":0", "", true, "https://localhost:"},
		{"127.0.0.1:0", "https://pets.example.org", false, "https://pets.example.org"},
	} {
		l, err := net.Listen("tcp", tc.listen)
		if err != nil {
			t.Fatal(err)
		}
		var cfg config.Config
		cfg.Ops.BaseURL = tc.base
		if tc.tls {
			cfg.Auth.TLSCert, cfg.Auth.TLSKey = "c.pem", "k.pem"
		}
		got := baseURL(cfg, l)
		l.Close()
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("listen %s, BASE_URL %q: %s, want %s…", tc.listen, tc.base, got, tc.want)
		}
	}
}

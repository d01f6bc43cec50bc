package static

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// TestVendoredChecksums fails when a vendored file differs from the
// checksum recorded in SHA256SUMS, or is missing from it.
func TestVendoredChecksums(t *testing.T) {
	f, err := os.Open("SHA256SUMS")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Fatalf("bad SHA256SUMS line %q", sc.Text())
		}
		b, err := files.ReadFile(name)
		if err != nil {
			t.Fatalf("%s is in SHA256SUMS but not embedded: %v", name, err)
		}
		got := sha256.Sum256(b)
		if hex.EncodeToString(got[:]) != sum {
			t.Errorf("%s: sha256 %x, SHA256SUMS says %s", name, got, sum)
		}
		seen[name] = true
	}
	for _, name := range []string{HTMX, HTMXSSE} {
		if !seen[name] {
			t.Errorf("vendored %s has no line in SHA256SUMS", name)
		}
	}
}

func TestHandler(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	tests := []struct {
		path        string
		status      int
		contentType string
		cache       string
	}{
		{Path(CSS), 200, "text/css; charset=utf-8", "public, max-age=31536000, immutable"},
		{Path(HTMX), 200, "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"},
		{Prefix + JS, 200, "text/javascript; charset=utf-8", "no-cache"},
		{Prefix + JS + "?v=old", 200, "text/javascript; charset=utf-8", "no-cache"},
		{Prefix, 404, "", ""},
		{Prefix + "nope.js", 404, "", ""},
		{Prefix + "../static.go", 404, "", ""},
		{Prefix + "static.go", 404, "", ""},
	}
	for _, tt := range tests {
		resp, err := http.Get(srv.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status {
			t.Errorf("GET %s: status %d, want %d", tt.path, resp.StatusCode, tt.status)
			continue
		}
		if tt.status != 200 {
			continue
		}
		if got := resp.Header.Get("Content-Type"); got != tt.contentType {
			t.Errorf("GET %s: Content-Type %q, want %q", tt.path, got, tt.contentType)
		}
		if got := resp.Header.Get("Cache-Control"); got != tt.cache {
			t.Errorf("GET %s: Cache-Control %q, want %q", tt.path, got, tt.cache)
		}
		if len(body) == 0 {
			t.Errorf("GET %s: empty body", tt.path)
		}
	}
}

func TestPathHasVersion(t *testing.T) {
	p := Path(CSS)
	if !strings.HasPrefix(p, "/static/app.css?v=") || len(p) != len("/static/app.css?v=")+12 {
		t.Errorf("Path(CSS) = %q", p)
	}
}

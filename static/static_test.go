package static

import (
	"bufio"
	"bytes"
	"compress/gzip"
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

// TestGzipAndRevalidation checks that text assets go gzipped to clients
// that accept it (and plain to others), and that an unversioned request
// revalidates with its ETag.
func TestGzipAndRevalidation(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	tr := &http.Transport{DisableCompression: true} // see the raw encoding
	defer tr.CloseIdleConnections()
	get := func(path, acceptEncoding, ifNoneMatch string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		if acceptEncoding != "" {
			req.Header.Set("Accept-Encoding", acceptEncoding)
		}
		if ifNoneMatch != "" {
			req.Header.Set("If-None-Match", ifNoneMatch)
		}
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	for _, name := range []string{CSS, JS, HTMX, HTMXSSE} {
		plain, _ := files.ReadFile(name)
		resp, body := get(Path(name), "gzip, deflate, br", "")
		if resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("%s: Content-Encoding %q, Vary %q", name, resp.Header.Get("Content-Encoding"), resp.Header.Get("Vary"))
			continue
		}
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		unz, _ := io.ReadAll(zr)
		if !bytes.Equal(unz, plain) || len(body) >= len(plain) {
			t.Errorf("%s: gzip body of %d bytes does not give the %d-byte file", name, len(body), len(plain))
		}
		resp, body = get(Path(name), "", "")
		if resp.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, plain) {
			t.Errorf("%s without Accept-Encoding: encoding %q", name, resp.Header.Get("Content-Encoding"))
		}
		resp, _ = get(Path(name), "gzip;q=0", "")
		if resp.Header.Get("Content-Encoding") != "" {
			t.Errorf("%s with gzip;q=0: sent gzipped", name)
		}
	}
	resp, _ := get(Prefix+CSS, "gzip", "")
	etag := resp.Header.Get("ETag")
	if etag == "" || resp.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("unversioned CSS: ETag %q, Cache-Control %q", etag, resp.Header.Get("Cache-Control"))
	}
	if resp, _ := get(Prefix+CSS, "gzip", etag); resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match with the ETag: status %d, want 304", resp.StatusCode)
	}
}

func TestRootFiles(t *testing.T) {
	for _, tc := range []struct{ name, contentType, contains string }{
		{Robots, "text/plain; charset=utf-8", "Allow: /adopt\nDisallow: /\n"},
		{FaviconICO, "image/vnd.microsoft.icon", "\x89PNG"},
	} {
		rec := httptest.NewRecorder()
		RootHandler(tc.name).ServeHTTP(rec, httptest.NewRequest("GET", "/"+tc.name, nil))
		if rec.Code != 200 || rec.Header().Get("Content-Type") != tc.contentType || !strings.Contains(rec.Body.String(), tc.contains) {
			t.Errorf("%s: %d %q %q", tc.name, rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
		}
	}
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, httptest.NewRequest("GET", Path(Favicon), nil))
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "image/svg+xml" {
		t.Errorf("favicon.svg: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
}

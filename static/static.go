// Package static embeds the dashboard's assets: the stylesheet, a little
// script and the vendored htmx, so the binary needs no CDN and no build step.
package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

//go:embed app.css adopt.css app.js htmx-2.0.11.min.js htmx-ext-sse-2.2.4.min.js favicon.svg favicon.ico robots.txt
var files embed.FS

// Prefix is the URL path the assets are served under.
const Prefix = "/static/"

// Asset names, for the page layout.
const (
	CSS = "app.css"
	// AdoptCSS is the public adoption page's own stylesheet.
	AdoptCSS = "adopt.css"
	JS       = "app.js"
	HTMX     = "htmx-2.0.11.min.js"
	HTMXSSE  = "htmx-ext-sse-2.2.4.min.js"
	Favicon  = "favicon.svg"
)

// Files served at the root rather than under Prefix.
const (
	FaviconICO = "favicon.ico"
	Robots     = "robots.txt"
)

// FS returns the embedded files.
func FS() fs.FS { return files }

// asset is one embedded file, with what serving it needs.
type asset struct {
	body        []byte
	gz          []byte // gzipped body; nil when gzip does not pay
	contentType string
	version     string // first 12 hex digits of the body's SHA-256
}

// assets reads every embedded file once, gzipping the text ones.
var assets = sync.OnceValue(func() map[string]*asset {
	out := map[string]*asset{}
	entries, err := files.ReadDir(".")
	if err != nil {
		panic("static: read embedded files: " + err.Error()) // embedded at build time: cannot fail
	}
	for _, e := range entries {
		b, err := files.ReadFile(e.Name())
		if err != nil {
			panic("static: read " + e.Name() + ": " + err.Error())
		}
		sum := sha256.Sum256(b)
		a := &asset{body: b, version: hex.EncodeToString(sum[:])[:12], contentType: mime.TypeByExtension(path.Ext(e.Name()))}
		if a.contentType == "" {
			a.contentType = http.DetectContentType(b)
		}
		if strings.HasPrefix(a.contentType, "text/") || strings.Contains(a.contentType, "javascript") || strings.Contains(a.contentType, "svg") {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			zw.Write(b)
			zw.Close()
			if buf.Len() < len(b) {
				a.gz = buf.Bytes()
			}
		}
		out[e.Name()] = a
	}
	return out
})

// Path returns the URL of an asset with its content hash as a version, so
// a browser may cache it for good: "/static/app.css?v=1a2b3c4d5e6f".
func Path(name string) string {
	return Prefix + name + "?v=" + assets()[name].version
}

// Handler serves the assets under Prefix. A request carrying the current
// version may be cached for a year; any other is revalidated (ETag). Text
// assets are sent gzipped to clients that accept it. Unknown names and
// directories are 404.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, Prefix)
		a, ok := assets()[name]
		if !ok || path.Clean(name) != name || name == FaviconICO || name == Robots {
			http.NotFound(w, r)
			return
		}
		if r.URL.Query().Get("v") == a.version {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		serve(w, r, name, a)
	})
}

// RootHandler serves one of the files browsers and crawlers ask for at the
// root (FaviconICO, Robots), cached for a day.
func RootHandler(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := assets()[name]
		w.Header().Set("Cache-Control", "public, max-age=86400")
		serve(w, r, name, a)
	})
}

func serve(w http.ResponseWriter, r *http.Request, name string, a *asset) {
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	body, etag := a.body, `"`+a.version+`"`
	if a.gz != nil {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			body, etag = a.gz, `"`+a.version+`-gz"`
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(body))
}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

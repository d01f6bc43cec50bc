// Package static embeds the dashboard's assets: the stylesheet, a little
// script and the vendored htmx, so the binary needs no CDN and no build step.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
)

//go:embed app.css app.js htmx-2.0.11.min.js htmx-ext-sse-2.2.4.min.js
var files embed.FS

// Prefix is the URL path the assets are served under.
const Prefix = "/static/"

// Asset names, for the page layout.
const (
	CSS     = "app.css"
	JS      = "app.js"
	HTMX    = "htmx-2.0.11.min.js"
	HTMXSSE = "htmx-ext-sse-2.2.4.min.js"
)

// FS returns the embedded files.
func FS() fs.FS { return files }

// versions maps each file to the first 12 hex digits of its SHA-256.
var versions = sync.OnceValue(func() map[string]string {
	out := map[string]string{}
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
		out[e.Name()] = hex.EncodeToString(sum[:])[:12]
	}
	return out
})

// Path returns the URL of an asset with its content hash as a version, so
// a browser may cache it for good: "/static/app.css?v=1a2b3c4d5e6f".
func Path(name string) string {
	return Prefix + name + "?v=" + versions()[name]
}

// Handler serves the assets under Prefix. A request carrying the current
// version may be cached for a year; any other is revalidated. Unknown
// names and directories are 404.
func Handler() http.Handler {
	fsrv := http.FileServerFS(files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, Prefix)
		v, ok := versions()[name]
		if !ok || path.Clean(name) != name {
			http.NotFound(w, r)
			return
		}
		if r.URL.Query().Get("v") == v {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/" + name
		fsrv.ServeHTTP(w, r2)
	})
}

package loadtest

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestGetterKeepsTheConnectionAndReadsEveryAnswer(t *testing.T) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		switch r.URL.Path {
		case "/big": // larger than net/http's buffer: sent chunked
			w.Write([]byte(strings.Repeat("x", 10000)))
		case "/close":
			w.Header().Set("Connection", "close")
			w.Write([]byte("bye"))
		case "/missing":
			http.Error(w, "not here", http.StatusNotFound)
		default:
			w.Write([]byte(`{"id":"1"}`))
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()

	c := NewClient(srv.URL, "tok", 1)
	g, err := c.NewGetter()
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	for _, p := range []string{"/api/pets/1", "/big", "/api/pets/2", "/big", "/api/pets/3"} {
		if err := g.Get(p, http.StatusOK); err != nil {
			t.Fatalf("GET %s: %v", p, err)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("connections = %d, want 1 (kept alive)", n)
	}
	if err := g.Get("/close", http.StatusOK); err != nil {
		t.Fatal(err)
	}
	if err := g.Get("/api/pets/4", http.StatusOK); err != nil {
		t.Fatal(err)
	}
	if n := conns.Load(); n != 2 {
		t.Errorf("connections = %d, want 2 (a new one after Connection: close)", n)
	}
	err = g.Get("/missing", http.StatusOK)
	if err == nil || !strings.Contains(err.Error(), "404 not here") {
		t.Errorf("GET /missing: err = %v, want the status and body", err)
	}
	if n, first := c.Errors(); n != 1 || !strings.Contains(first, "404") {
		t.Errorf("Errors() = %d, %q; want the 404 counted once", n, first)
	}
	if err := g.Get("/api/pets/5", http.StatusOK); err != nil {
		t.Fatalf("after an error answer: %v", err)
	}
}

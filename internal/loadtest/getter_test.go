package loadtest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// start starts srv, counting its connections in conns, and returns a
// Client of it with token "tok" and a Getter of that Client; both end
// with the test.
func start(t *testing.T, srv *httptest.Server, conns *atomic.Int64) (*Client, *Getter) {
	t.Helper()
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c := NewClient(srv.URL, "tok")
	g, err := c.NewGetter()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	return c, g
}

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
	c, g := start(t, srv, &conns)
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
	err := g.Get("/missing", http.StatusOK)
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

// Answers as other servers may write them: read whole, the connection
// kept or dropped as each says.
func TestGetterReadsEveryKindOfAnswer(t *testing.T) {
	answers := map[string]string{
		"/length":   "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello",
		"/chunked":  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: t\r\n\r\n",
		"/nobody":   "HTTP/1.1 204 No Content\r\n\r\n",
		"/toolong":  "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 3000\r\n\r\n" + strings.Repeat("e", 3000),
		"/eof":      "HTTP/1.1 200 OK\r\n\r\nuntil the end",
		"/garbage":  "SMTP ready\r\n\r\n",
		"/short":    "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
		"/http10":   "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
		"/badchunk": "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var conns atomic.Int64
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			go func() {
				defer conn.Close()
				r := bufio.NewReader(conn)
				for {
					req, err := http.ReadRequest(r)
					if err != nil {
						return
					}
					a := answers[req.URL.Path]
					conn.Write([]byte(a))
					if req.URL.Path == "/eof" || req.URL.Path == "/short" || req.URL.Path == "/http10" || req.URL.Path == "/garbage" || req.URL.Path == "/badchunk" {
						return
					}
				}
			}()
		}
	}()
	c := NewClient("http://"+ln.Addr().String(), "tok")
	g, err := c.NewGetter()
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	for _, p := range []string{"/length", "/chunked", "/length", "/chunked"} {
		if err := g.Get(p, http.StatusOK); err != nil {
			t.Fatalf("GET %s: %v", p, err)
		}
	}
	if err := g.Get("/nobody", http.StatusNoContent); err != nil {
		t.Fatal(err)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("connections = %d, want 1", n)
	}
	err = g.Get("/toolong", http.StatusOK)
	if err == nil || !strings.Contains(err.Error(), "500 eee") || len(err.Error()) > 1100 {
		t.Errorf("GET /toolong: %.80v (%d bytes)", err, len(fmt.Sprint(err)))
	}
	if err := g.Get("/length", http.StatusOK); err != nil { // the 500's body was read whole
		t.Fatal(err)
	}
	for _, p := range []string{"/eof", "/http10"} {
		if err := g.Get(p, http.StatusOK); err != nil {
			t.Fatalf("GET %s: %v", p, err)
		}
		if g.conn != nil {
			t.Errorf("GET %s: connection kept", p)
		}
	}
	for _, p := range []string{"/garbage", "/short", "/badchunk"} {
		if err := g.Get(p, http.StatusOK); err == nil {
			t.Errorf("GET %s: no error", p)
		}
	}
	if err := g.Get("/length", http.StatusOK); err != nil {
		t.Fatalf("after the errors: %v", err)
	}
}

func TestCreatePostsOverOneConnectionAndReadsTheID(t *testing.T) {
	var conns atomic.Int64
	var bodies []string
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/api/pets" || r.Header.Get("Authorization") != "Bearer tok" ||
			r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "bad request "+r.Method+" "+r.URL.Path, http.StatusBadRequest)
			return
		}
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
		w.WriteHeader(http.StatusCreated)
		// An answer larger than net/http's buffer (sent chunked) is
		// still read whole.
		fmt.Fprintf(w, `{"id":"%d","notes":%q}`, 40+len(bodies), strings.Repeat("n", 20000))
	}))
	c, g := start(t, srv, &conns)
	for want := int64(41); want <= 43; want++ {
		id, err := c.Create(g)
		if err != nil || id != want {
			t.Fatalf("Create = %d, %v; want %d", id, err, want)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("connections = %d, want 1 (kept alive)", n)
	}
	for i, b := range bodies {
		var p struct {
			Name      string `json:"name"`
			Species   string `json:"species"`
			AgeMonths *int   `json:"ageMonths"`
		}
		if err := json.Unmarshal([]byte(b), &p); err != nil || p.Name != fmt.Sprintf("Load %d", i+1) || p.Species == "" || p.AgeMonths == nil {
			t.Errorf("body %d = %s (%v)", i, b, err)
		}
	}
	if _, err := g.Post("/api/other", []byte(`{}`), http.StatusCreated); err == nil || !strings.Contains(err.Error(), "400 bad request POST /api/other") {
		t.Errorf("a refused POST: %v", err)
	}
}

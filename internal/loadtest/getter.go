package loadtest

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
)

// Getter sends GETs (and the creates' POSTs) over one kept-alive
// connection of its own, one at a time, the way a closed-loop client does. It writes the request bytes
// itself and reads the answer itself (readResponse), without the
// Transport's two goroutines and channel hand-offs per request: on two
// shared cores net/http's client cost the generator about 70 µs of CPU per
// GET (an external generator about 25 µs), and that CPU was taken from the
// server being measured. Every answer is still read whole and its status
// checked.
type Getter struct {
	c    *Client
	host string
	conn net.Conn
	r    *bufio.Reader
	buf  []byte
	body []byte // the answer's body kept (Post), or the start of an unexpected one's
	post []byte // the body of a create (Client.Create)
}

// getterPool lends Getters to concurrent callers (the open loop), each
// used by one caller at a time, and makes a new one when none is idle.
type getterPool struct {
	c    *Client
	mu   sync.Mutex
	idle []*Getter
	all  []*Getter
}

func (p *getterPool) get() (*Getter, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := len(p.idle); n > 0 {
		g := p.idle[n-1]
		p.idle = p.idle[:n-1]
		return g, nil
	}
	g, err := p.c.NewGetter()
	if err == nil {
		p.all = append(p.all, g)
	}
	return g, err
}

func (p *getterPool) put(g *Getter) {
	p.mu.Lock()
	p.idle = append(p.idle, g)
	p.mu.Unlock()
}

// close closes every Getter the pool made.
func (p *getterPool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	closeAll(p.all)
	p.all, p.idle = nil, nil
}

// NewGetter returns a Getter for c's server; it connects on first use.
func (c *Client) NewGetter() (*Getter, error) {
	u, err := url.Parse(c.base)
	if err != nil {
		return nil, err
	}
	return &Getter{c: c, host: u.Host}, nil
}

// Close closes the connection.
func (g *Getter) Close() error {
	if g.conn == nil {
		return nil
	}
	err := g.conn.Close()
	g.conn, g.r = nil, nil
	return err
}

// Get requests path and reads the whole answer; an answer other than want
// is an error (counted in the Client's errors).
func (g *Getter) Get(path string, want int) error {
	err := g.get(path, want)
	if err != nil {
		g.c.fail(err)
	}
	return err
}

func (g *Getter) get(path string, want int) error {
	_, err := g.do("GET", path, nil, want, false)
	return err
}

// Post posts a JSON body to path and returns the answer's body (valid
// until the Getter's next request); an answer other than want is an error
// (counted in the Client's errors).
func (g *Getter) Post(path string, body []byte, want int) ([]byte, error) {
	b, err := g.do("POST", path, body, want, true)
	if err != nil {
		g.c.fail(err)
	}
	return b, err
}

// do sends one request and reads its whole answer, keeping its body when
// keepBody is set (or, its first KB, when the status is not want).
func (g *Getter) do(method, path string, body []byte, want int, keepBody bool) ([]byte, error) {
	if g.conn == nil {
		conn, err := net.Dial("tcp", g.host)
		if err != nil {
			return nil, err
		}
		g.conn, g.r = conn, bufio.NewReaderSize(conn, 16<<10)
	}
	g.buf = append(g.buf[:0], method...)
	g.buf = append(g.buf, ' ')
	g.buf = append(g.buf, path...)
	g.buf = append(g.buf, " HTTP/1.1\r\nHost: "...)
	g.buf = append(g.buf, g.host...)
	g.buf = append(g.buf, "\r\nAuthorization: "...)
	g.buf = append(g.buf, g.c.auth...)
	if body != nil {
		g.buf = append(g.buf, "\r\nContent-Type: application/json\r\nContent-Length: "...)
		g.buf = strconv.AppendInt(g.buf, int64(len(body)), 10)
	}
	g.buf = append(g.buf, "\r\n\r\n"...)
	g.buf = append(g.buf, body...)
	if _, err := g.conn.Write(g.buf); err != nil {
		g.Close()
		return nil, err
	}
	status, answer, keep, err := g.readResponse(want, keepBody)
	if err != nil {
		g.Close()
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if !keep {
		g.Close()
	}
	if status != want {
		return nil, fmt.Errorf("%s %s: %d %s", method, path, status, bytes.TrimSpace(answer))
	}
	return answer, nil
}

// errMalformed is an answer that is not HTTP/1.x as net/http writes it.
var errMalformed = errors.New("malformed answer")

// readResponse reads one whole answer: the status line, the headers it
// needs (Content-Length, Transfer-Encoding, Connection) and the body, by
// length, chunked or up to the end of the connection. The body is kept
// (its first KB, for the error) only when the status is not want, and
// otherwise skipped inside the reader's buffer: no allocation per answer,
// where http.ReadResponse built a header map and a Response each time.
// keep says whether the connection may carry the next request.
func (g *Getter) readResponse(want int, keepAll bool) (status int, body []byte, keep bool, err error) {
	line, err := g.r.ReadSlice('\n')
	if err != nil {
		return 0, nil, false, err
	}
	// "HTTP/1.1 200 OK\r\n"
	if len(line) < 13 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[12] != ' ' && line[12] != '\r' {
		return 0, nil, false, errMalformed
	}
	for _, c := range line[9:12] {
		if c < '0' || c > '9' {
			return 0, nil, false, errMalformed
		}
		status = status*10 + int(c-'0')
	}
	keep = line[7] == '1'
	length, chunked := int64(-1), false
	for {
		line, err = g.r.ReadSlice('\n')
		if err != nil {
			return 0, nil, false, err
		}
		if len(bytes.TrimSpace(line)) == 0 {
			break
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return 0, nil, false, errMalformed
		}
		value = bytes.TrimSpace(value)
		switch {
		case asciiEqualFold(name, "Content-Length"):
			n, err := strconv.ParseInt(string(value), 10, 64)
			if err != nil || n < 0 {
				return 0, nil, false, errMalformed
			}
			length = n
		case asciiEqualFold(name, "Transfer-Encoding"):
			chunked = asciiEqualFold(value, "chunked")
		case asciiEqualFold(name, "Connection"):
			if asciiEqualFold(value, "close") {
				keep = false
			} else if asciiEqualFold(value, "keep-alive") {
				keep = true
			}
		}
	}
	g.body = g.body[:0]
	keepBody, most := status != want || keepAll, 1024
	if keepAll && status == want {
		most = 1 << 20
	}
	read := func(n int64) error {
		if keepBody {
			for n > 0 {
				b, err := g.r.Peek(int(min(n, int64(g.r.Size()))))
				if len(b) == 0 {
					return err
				}
				if room := most - len(g.body); room > 0 {
					g.body = append(g.body, b[:min(len(b), room)]...)
				}
				g.r.Discard(len(b))
				n -= int64(len(b))
			}
			return nil
		}
		_, err := g.r.Discard(int(n))
		return err
	}
	switch {
	case status/100 == 1 || status == http.StatusNoContent || status == http.StatusNotModified:
	case chunked:
		for {
			line, err := g.r.ReadSlice('\n')
			if err != nil {
				return 0, nil, false, err
			}
			hexSize, _, _ := bytes.Cut(bytes.TrimSpace(line), []byte(";"))
			n, err := strconv.ParseInt(string(hexSize), 16, 64)
			if err != nil || n < 0 {
				return 0, nil, false, errMalformed
			}
			if n == 0 { // the trailer, up to an empty line
				for {
					line, err := g.r.ReadSlice('\n')
					if err != nil {
						return 0, nil, false, err
					}
					if len(bytes.TrimSpace(line)) == 0 {
						break
					}
				}
				break
			}
			if err := read(n); err != nil {
				return 0, nil, false, err
			}
			if line, err := g.r.ReadSlice('\n'); err != nil || len(bytes.TrimSpace(line)) != 0 {
				return 0, nil, false, cmp.Or(err, errMalformed)
			}
		}
	case length >= 0:
		if err := read(length); err != nil {
			return 0, nil, false, err
		}
	default: // the body ends with the connection
		keep = false
		for {
			if err := read(int64(g.r.Size())); err != nil {
				if errors.Is(err, io.EOF) {
					break
				}
				return 0, nil, false, err
			}
		}
	}
	return status, g.body, keep, nil
}

// asciiEqualFold reports whether b is s, ignoring ASCII case.
func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		x, y := b[i], s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// getters returns n Getters, one per closed-loop worker.
func (c *Client) getters(n int) ([]*Getter, error) {
	gs := make([]*Getter, n)
	for i := range gs {
		g, err := c.NewGetter()
		if err != nil {
			return nil, err
		}
		gs[i] = g
	}
	return gs, nil
}

func closeAll(gs []*Getter) {
	for _, g := range gs {
		g.Close()
	}
}

package loadtest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
)

// Getter sends GETs over one kept-alive connection of its own, one at a
// time, the way a closed-loop client does. It writes the request bytes
// itself and parses the answer with http.ReadResponse, without the
// Transport's two goroutines and channel hand-offs per request: on two
// shared cores net/http's client cost the generator about 70 µs of CPU per
// GET (an external generator about 25 µs), and that CPU was taken from the
// server being measured.
type Getter struct {
	c       *Client
	host    string
	conn    net.Conn
	r       *bufio.Reader
	buf     []byte
	discard []byte
}

// NewGetter returns a Getter for c's server; it connects on first use.
func (c *Client) NewGetter() (*Getter, error) {
	u, err := url.Parse(c.base)
	if err != nil {
		return nil, err
	}
	return &Getter{c: c, host: u.Host, discard: make([]byte, 32<<10)}, nil
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
	if g.conn == nil {
		conn, err := net.Dial("tcp", g.host)
		if err != nil {
			return err
		}
		g.conn, g.r = conn, bufio.NewReaderSize(conn, 16<<10)
	}
	g.buf = append(g.buf[:0], "GET "...)
	g.buf = append(g.buf, path...)
	g.buf = append(g.buf, " HTTP/1.1\r\nHost: "...)
	g.buf = append(g.buf, g.host...)
	g.buf = append(g.buf, "\r\nAuthorization: "...)
	g.buf = append(g.buf, g.c.auth...)
	g.buf = append(g.buf, "\r\n\r\n"...)
	if _, err := g.conn.Write(g.buf); err != nil {
		g.Close()
		return err
	}
	resp, err := http.ReadResponse(g.r, nil)
	if err != nil {
		g.Close()
		return err
	}
	var body []byte
	if resp.StatusCode != want {
		body, err = io.ReadAll(resp.Body)
	} else {
		_, err = io.CopyBuffer(io.Discard, onlyReader{resp.Body}, g.discard)
	}
	resp.Body.Close()
	if err != nil {
		g.Close()
		return err
	}
	if resp.Close {
		g.Close()
	}
	if resp.StatusCode != want {
		return fmt.Errorf("GET %s: %d %s", path, resp.StatusCode, bytes.TrimSpace(body))
	}
	return nil
}

// onlyReader hides WriterTo so that io.CopyBuffer uses the buffer.
type onlyReader struct{ io.Reader }

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

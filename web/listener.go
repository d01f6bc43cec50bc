package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"regexp"
	"strings"
)

// Listener wraps l so that the answers net/http writes by itself, before
// any handler runs — a request line it cannot parse (GET /api/pets/%zz),
// headers too large (431), an unsupported transfer encoding — carry the
// JSON error body like every other error, instead of plain text. Serve
// uses it for plain HTTP; over HTTPS the TLS layer sits between, and those
// rare answers stay plain text.
func Listener(l net.Listener) net.Listener { return jsonErrListener{l} }

type jsonErrListener struct{ net.Listener }

func (l jsonErrListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &jsonErrConn{Conn: c}, nil
}

// jsonErrConn rewrites net/http's canned error answers, which it writes in
// one piece straight to the connection, in exactly this form.
type jsonErrConn struct{ net.Conn }

var cannedAnswer = regexp.MustCompile(`^HTTP/1\.1 ([45][0-9][0-9]) [^\r\n]*\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n([^\r\n]*)$`)

func (c *jsonErrConn) Write(p []byte) (int, error) {
	if !bytes.HasPrefix(p, []byte("HTTP/1.1 4")) && !bytes.HasPrefix(p, []byte("HTTP/1.1 5")) {
		return c.Conn.Write(p)
	}
	m := cannedAnswer.FindSubmatch(p)
	if m == nil {
		return c.Conn.Write(p)
	}
	code := string(m[1])
	msg := strings.TrimSpace(strings.TrimPrefix(string(m[2]), code))
	if msg == "" {
		msg = "Bad Request"
	}
	body, _ := json.Marshal(errorBody{Message: msg})
	body = append(body, '\n')
	reason, _, _ := strings.Cut(msg, ":")
	out := fmt.Sprintf("HTTP/1.1 %s %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		code, reason, len(body), body)
	if _, err := c.Conn.Write([]byte(out)); err != nil {
		return 0, err
	}
	return len(p), nil
}

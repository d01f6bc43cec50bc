package db

import (
	"context"
	"database/sql/driver"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/stdlib"
)

// The store writes its SQL once, in SQLite's dialect, and the PostgreSQL
// connections translate the few spellings that differ as each statement
// reaches the driver (once per distinct statement, then from a cache):
//
//   - placeholders: ? and ?N become $k and $N;
//   - SQLite's planner hints (INDEXED BY name, a unary + on a column that
//     keeps an index out) are dropped: PostgreSQL plans from statistics;
//   - LIKE becomes ILIKE: SQLite's LIKE ignores the case of ASCII letters;
//   - the scalar max(a, b) and min(a, b) become GREATEST and LEAST;
//   - json_extract(col, '$.field') becomes (col::json ->> 'field');
//   - Go booleans become 0 and 1 (the schema keeps SQLite's integer flags).
//
// COLLATE NOCASE needs no translation: the PostgreSQL schema defines a
// case-insensitive ICU collation named nocase. Statements whose meaning
// differs (the queue's claims, the id sequence) are written for each
// engine in the store.

var (
	rewriteCache sync.Map // SQLite statement → PostgreSQL statement
	reIndexedBy  = regexp.MustCompile(`\s+INDEXED BY\s+\w+`)
	reUnaryPlus  = regexp.MustCompile(`([\s(])\+([a-z_])`)
	reLike       = regexp.MustCompile(`\bLIKE\b`)
	reJSONField  = regexp.MustCompile(`json_extract\(([\w.]+), '\$\.(\w+)'\)`)
)

// Rebind translates one statement from the store's SQLite dialect to
// PostgreSQL's (see above). It leaves text inside quotes alone.
func Rebind(q string) string {
	if v, ok := rewriteCache.Load(q); ok {
		return v.(string)
	}
	out := rebind(q)
	rewriteCache.Store(q, out)
	return out
}

func rebind(q string) string {
	q = scalarMinMax(q)
	q = reJSONField.ReplaceAllString(q, "($1::json ->> '$2')")
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	var quote byte
	// Translate the keywords in each stretch outside quotes.
	seg := strings.Builder{}
	flush := func() {
		s := seg.String()
		s = reIndexedBy.ReplaceAllString(s, "")
		s = reUnaryPlus.ReplaceAllString(s, "$1$2")
		s = reLike.ReplaceAllString(s, "ILIKE")
		b.WriteString(s)
		seg.Reset()
	}
	for i := 0; i < len(q); i++ {
		c := q[i]
		if quote != 0 {
			b.WriteByte(c)
			if c == quote {
				quote = 0
			}
			continue
		}
		switch c {
		case '\'', '"':
			flush()
			quote = c
			b.WriteByte(c)
		case '-':
			if i+1 < len(q) && q[i+1] == '-' { // a comment, to the line's end
				flush()
				j := strings.IndexByte(q[i:], '\n')
				if j < 0 {
					j = len(q) - i
				}
				b.WriteString(q[i : i+j])
				i += j - 1
				continue
			}
			seg.WriteByte(c)
		case '?':
			j := i + 1
			for j < len(q) && q[j] >= '0' && q[j] <= '9' {
				j++
			}
			if j > i+1 {
				seg.WriteString("$" + q[i+1:j])
				i = j - 1
			} else {
				n++
				seg.WriteString("$" + strconv.Itoa(n))
			}
		default:
			seg.WriteByte(c)
		}
	}
	flush()
	return b.String()
}

var reMinMax = regexp.MustCompile(`\b(max|min)\(`)

// scalarMinMax turns SQLite's two-argument max(a, b) and min(a, b) (the
// scalar functions) into GREATEST and LEAST; the one-argument aggregates
// stay.
func scalarMinMax(q string) string {
	locs := reMinMax.FindAllStringSubmatchIndex(q, -1)
	if locs == nil {
		return q
	}
	b := []byte(q)
	for i := len(locs) - 1; i >= 0; i-- {
		start, open := locs[i][0], locs[i][1]-1
		depth, comma := 0, false
		for j := open; j < len(b); j++ {
			switch b[j] {
			case '(':
				depth++
			case ')':
				depth--
			case ',':
				if depth == 1 {
					comma = true
				}
			}
			if depth == 0 {
				break
			}
		}
		if comma {
			name := "GREATEST"
			if q[locs[i][2]:locs[i][3]] == "min" {
				name = "LEAST"
			}
			b = append(b[:start], append([]byte(name), b[open:]...)...)
		}
	}
	return string(b)
}

// pgConnector hands out connections that translate statements (Rebind).
type pgConnector struct{ driver.Connector }

func (c pgConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &pgConn{conn.(*stdlib.Conn)}, nil
}

// pgConn is a pgx connection that translates each statement (Rebind) and
// passes booleans as 0 and 1.
type pgConn struct{ *stdlib.Conn }

func (c *pgConn) Prepare(query string) (driver.Stmt, error) { return c.Conn.Prepare(Rebind(query)) }

func (c *pgConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.PrepareContext(ctx, Rebind(query))
}

func (c *pgConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.Conn.ExecContext(ctx, Rebind(query), args)
}

func (c *pgConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return c.Conn.QueryContext(ctx, Rebind(query), args)
}

func (c *pgConn) CheckNamedValue(nv *driver.NamedValue) error {
	if v, ok := nv.Value.(bool); ok {
		if v {
			nv.Value = int64(1)
		} else {
			nv.Value = int64(0)
		}
		return nil
	}
	return c.Conn.CheckNamedValue(nv)
}

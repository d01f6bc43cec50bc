package loadtest

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for a server on PostgreSQL
)

// Client drives the server's JSON API with its bearer token, through
// Getters (one connection each).
type Client struct {
	base, auth string
	seq        atomic.Int64
	errs       atomic.Int64
	firstErr   atomic.Value
}

// NewClient returns a Client of the server at base.
func NewClient(base, token string) *Client {
	return &Client{base: base, auth: "Bearer " + token}
}

// Errors is how many requests failed, and the first failure.
func (c *Client) Errors() (int64, string) {
	s, _ := c.firstErr.Load().(string)
	return c.errs.Load(), s
}

func (c *Client) fail(err error) {
	c.errs.Add(1)
	c.firstErr.CompareAndSwap(nil, err.Error())
}

var species = [...]string{"dog", "cat", "bird", "other"}

// Create posts one new pet over g's connection and returns its id.
func (c *Client) Create(g *Getter) (int64, error) {
	n := c.seq.Add(1)
	g.post = fmt.Appendf(g.post[:0], `{"name":"Load %d","species":%q,"ageMonths":%d}`, n, species[n%4], n%180)
	b, err := g.Post("/api/pets", g.post, http.StatusCreated)
	if err != nil {
		return 0, err
	}
	var p struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		c.fail(err)
		return 0, err
	}
	return strconv.ParseInt(p.ID, 10, 64)
}

// IDRange is the lowest and highest pet id a phase created.
type IDRange struct {
	mu       sync.Mutex
	Min, Max int64
	N        int
}

func (r *IDRange) add(id int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.N == 0 || id < r.Min {
		r.Min = id
	}
	r.Max = max(r.Max, id)
	r.N++
}

// ClosedLoop runs clients goroutines that each call op back to back for d,
// and returns the latencies of the successful calls and the elapsed time.
func ClosedLoop(clients int, d time.Duration, op func(worker int) error) (*Latencies, time.Duration) {
	var lat Latencies
	var wg sync.WaitGroup
	start := time.Now()
	for w := range clients {
		wg.Go(func() {
			var mine []time.Duration
			for time.Since(start) < d {
				t := time.Now()
				if op(w) == nil {
					mine = append(mine, time.Since(t))
				}
			}
			lat.AddAll(mine)
		})
	}
	wg.Wait()
	return &lat, time.Since(start)
}

// OpenLoop starts op at a constant rate for d whatever the answers' speed
// (as a crowd of independent clients would), and returns the latencies of
// the successful calls measured from when each was due, so that a stall of
// the generator itself is not hidden (no coordinated omission).
func OpenLoop(rate float64, d time.Duration, op func() error) *Latencies {
	var lat Latencies
	var wg sync.WaitGroup
	interval := time.Duration(float64(time.Second) / rate)
	total := int(d / interval)
	start := time.Now()
	for i := 0; i < total; {
		due := int(time.Since(start)/interval) + 1
		for ; i < min(due, total); i++ {
			at := start.Add(time.Duration(i) * interval)
			wg.Go(func() {
				if op() == nil {
					lat.Add(time.Since(at))
				}
			})
		}
		time.Sleep(interval)
	}
	wg.Wait()
	return &lat
}

// Observer reads the server's database (read-only on SQLite) to see how
// far the background work has got: the queue's depth and which pets are
// done. On PostgreSQL it connects to the server's database.
type Observer struct {
	db *sql.DB
	pg bool
}

// NewObserver opens path read-only beside the server, or, when
// databaseURL is set, the server's PostgreSQL database.
func NewObserver(path, databaseURL string) (*Observer, error) {
	if databaseURL != "" {
		db, err := sql.Open("pgx", databaseURL)
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(2)
		return &Observer{db: db, pg: true}, nil
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "query_only(ON)")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(2)
	return &Observer{db: db}, nil
}

// q is query in the database's dialect.
func (o *Observer) q(query string) string {
	if o.pg {
		return pgPlaceholders(query)
	}
	return query
}

// pgPlaceholders turns SQLite's placeholders (? and ?N) into PostgreSQL's
// ($k and $N). The tool's statements are written to need nothing else
// (and have no ? inside quotes); the server's own go through its store.
func pgPlaceholders(q string) string {
	var b strings.Builder
	k := 0
	for i := 0; i < len(q); i++ {
		if q[i] != '?' {
			b.WriteByte(q[i])
			continue
		}
		j := i + 1
		for j < len(q) && q[j] >= '0' && q[j] <= '9' {
			j++
		}
		if j > i+1 {
			b.WriteString("$" + q[i+1:j])
		} else {
			k++
			b.WriteString("$" + strconv.Itoa(k))
		}
		i = j - 1
	}
	return b.String()
}

// Close closes the observer's connections.
func (o *Observer) Close() error { return o.db.Close() }

// QueueDepth is the number of jobs not yet finished (queued or running),
// counted from each state's partial index.
func (o *Observer) QueueDepth(ctx context.Context) (int, error) {
	var n int
	err := o.db.QueryRowContext(ctx, o.q(`SELECT (SELECT count(*) FROM jobs WHERE state = 'queued') + (SELECT count(*) FROM jobs WHERE state = 'running')`)).Scan(&n)
	return n, err
}

// Pending counts the pets of r that are not yet in_quarantine with a
// profile.
func (o *Observer) Pending(ctx context.Context, r *IDRange) (int, error) {
	var n int
	err := o.db.QueryRowContext(ctx, o.q(`SELECT count(*) FROM pets WHERE id BETWEEN ? AND ?
		AND (status <> 'in_quarantine' OR profile IS NULL)`), r.Min, r.Max).Scan(&n)
	return n, err
}

// LastDone is when the last pet of r was last written (its move into
// quarantine or its profile, whichever came later), by the server's clock.
func (o *Observer) LastDone(ctx context.Context, r *IDRange) (time.Time, error) {
	var at int64
	err := o.db.QueryRowContext(ctx, o.q(`SELECT coalesce(max(updated_at), 0) FROM pets WHERE id BETWEEN ? AND ?`), r.Min, r.Max).Scan(&at)
	return time.UnixMilli(at), err
}

// Drain waits until every pet of r is done or timeout passes; it returns
// when the last was done and how many were still pending.
func (o *Observer) Drain(ctx context.Context, r *IDRange, timeout time.Duration) (time.Time, int, error) {
	deadline := time.Now().Add(timeout)
	for {
		n, err := o.Pending(ctx, r)
		if err != nil {
			return time.Time{}, 0, err
		}
		if n == 0 {
			at, err := o.LastDone(ctx, r)
			return at, 0, err
		}
		if time.Now().After(deadline) {
			return time.Now(), n, nil
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// QuarantineLatencies are the times from each pet's creation to its move
// into quarantine (the event's time), for the pets of r.
func (o *Observer) QuarantineLatencies(ctx context.Context, r *IDRange) ([]time.Duration, error) {
	rows, err := o.db.QueryContext(ctx, o.q(`SELECT min(e.created_at) - p.created_at FROM events e JOIN pets p ON p.id = e.pet_id
		WHERE e.pet_id BETWEEN ? AND ? AND e.to_status = 'in_quarantine' GROUP BY p.id`), r.Min, r.Max)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []time.Duration
	for rows.Next() {
		var ms int64
		if err := rows.Scan(&ms); err != nil {
			return nil, err
		}
		out = append(out, time.Duration(ms)*time.Millisecond)
	}
	return out, rows.Err()
}

// Size is how the database's pages are spent.
type Size struct {
	Pets, Events, Jobs, DoneJobs int64
	Bytes                        int64 // pages in use (not free), all tables and indexes
	JobBytes                     int64 // of which the jobs table and its indexes
}

// Size reads the page usage with the dbstat table, and the row counts.
// On PostgreSQL it reads each table's size with its indexes and TOAST
// (pg_total_relation_size): pages allocated, with their free space.
func (o *Observer) Size(ctx context.Context) (Size, error) {
	var s Size
	err := o.db.QueryRowContext(ctx, o.q(`SELECT (SELECT count(*) FROM pets), (SELECT count(*) FROM events),
		(SELECT count(*) FROM jobs), (SELECT count(*) FROM jobs WHERE state = 'done')`)).Scan(&s.Pets, &s.Events, &s.Jobs, &s.DoneJobs)
	if err != nil {
		return s, err
	}
	if o.pg {
		err = o.db.QueryRowContext(ctx, `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint,
			coalesce(sum(CASE WHEN c.relname = 'jobs' THEN pg_total_relation_size(c.oid) END), 0)::bigint
			FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = current_schema() AND c.relkind = 'r'`).Scan(&s.Bytes, &s.JobBytes)
		return s, err
	}
	err = o.db.QueryRowContext(ctx, `SELECT coalesce(sum(pgsize - unused), 0),
		coalesce(sum(CASE WHEN m.tbl_name = 'jobs' THEN pgsize - unused END), 0)
		FROM dbstat d LEFT JOIN sqlite_schema m ON m.name = d.name`).Scan(&s.Bytes, &s.JobBytes)
	return s, err
}

// PerPet is the bytes per pet, and the same once finished jobs are pruned
// (their share of the jobs table and its indexes removed).
func (s Size) PerPet() (all, pruned float64) {
	if s.Pets == 0 {
		return 0, 0
	}
	done := 0.0
	if s.Jobs > 0 {
		done = float64(s.JobBytes) * float64(s.DoneJobs) / float64(s.Jobs)
	}
	return float64(s.Bytes) / float64(s.Pets), (float64(s.Bytes) - done) / float64(s.Pets)
}

// Fill inserts pets directly (1,000 per transaction) until the database
// holds n, each a copy of the newest pet that is done (notes and profile
// included), so that the list is measured on rows of the real size. It
// writes beside the running server: SQLite's lock takes turns. With
// databaseURL set it fills that PostgreSQL database instead of path.
func Fill(ctx context.Context, path, databaseURL string, n int) (int, error) {
	rebind := func(q string) string { return q }
	var (
		db  *sql.DB
		err error
	)
	if databaseURL != "" {
		db, err = sql.Open("pgx", databaseURL)
		rebind = pgPlaceholders
	} else {
		q := url.Values{}
		q.Add("_pragma", "busy_timeout(10000)")
		q.Add("_txlock", "immediate")
		db, err = sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	}
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	var have int
	if err := db.QueryRowContext(ctx, rebind(`SELECT count(*) FROM pets`)).Scan(&have); err != nil {
		return 0, err
	}
	var src int64
	if err := db.QueryRowContext(ctx, rebind(`SELECT coalesce(max(id), 0) FROM pets WHERE status = 'in_quarantine' AND profile IS NOT NULL`)).Scan(&src); err != nil {
		return 0, err
	}
	if src == 0 {
		return 0, fmt.Errorf("fill: no finished pet to copy")
	}
	added := 0
	for have+added < n {
		batch := min(1000, n-have-added)
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return added, err
		}
		now := time.Now().UnixMilli()
		_, err = tx.ExecContext(ctx, rebind(`WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?1)
			INSERT INTO pets (name, species, age_months, status, notes, next_feeding_at, profile, created_at, updated_at)
			SELECT 'Fill ' || (?2 + i), species, age_months, status, notes, next_feeding_at, profile, ?3, ?3
			FROM k, pets WHERE pets.id = ?4`), batch, have+added, now, src)
		if err != nil {
			tx.Rollback()
			return added, fmt.Errorf("fill: %w", err)
		}
		if err := tx.Commit(); err != nil {
			return added, err
		}
		added += batch
	}
	return added, nil
}

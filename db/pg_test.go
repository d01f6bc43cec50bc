package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/petstore/petstore/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestRebind(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`SELECT * FROM pets WHERE id = ? AND name = ?`, `SELECT * FROM pets WHERE id = $1 AND name = $2`},
		{`UPDATE jobs SET a = ?1, b = ?2 WHERE c = ?1`, `UPDATE jobs SET a = $1, b = $2 WHERE c = $1`},
		{`SELECT '?' , ? FROM t WHERE x = 'it''s ?'`, `SELECT '?' , $1 FROM t WHERE x = 'it''s ?'`},
		{`SELECT run_at FROM jobs INDEXED BY jobs_queued WHERE +kind IN (?)`, `SELECT run_at FROM jobs WHERE kind IN ($1)`},
		{`WHERE name LIKE ? ESCAPE '\'`, `WHERE name ILIKE $1 ESCAPE '\'`},
		{"SELECT 1 -- a ? comment\n, ?", "SELECT 1 -- a ? comment\n, $1"},
		{`SET attempts = attempts + 1, n = (-1)`, `SET attempts = attempts + 1, n = (-1)`},
		{`SET attempts = max(attempts - 1, 0), n = (SELECT max(id) FROM t), m = min(a, (b))`,
			`SET attempts = GREATEST(attempts - 1, 0), n = (SELECT max(id) FROM t), m = LEAST(a, (b))`},
		{`WHERE json_extract(p.profile, '$.source') = ?1`, `WHERE (p.profile::json ->> 'source') = $1`},
	} {
		if got := Rebind(c.in); got != c.want {
			t.Errorf("Rebind(%q)\n = %q\nwant %q", c.in, got, c.want)
		}
	}
}

func TestPostgresFaults(t *testing.T) {
	for code, want := range map[string]FaultKind{"53100": FaultFull, "25006": FaultReadOnly, "58030": FaultIO, "XX001": FaultCorrupt} {
		err := fmt.Errorf("insert: %w", &pgconn.PgError{Code: code})
		if f := FaultOf(err); f == nil || f.Kind != want {
			t.Errorf("%s: %v, want %s", code, f, want)
		}
	}
	if f := FaultOf(&pgconn.PgError{Code: "23505"}); f != nil {
		t.Errorf("a unique violation is a storage fault: %v", f)
	}
	if !Transient(&pgconn.PgError{Code: "57P01"}) || !Transient(&pgconn.PgError{Code: "40001"}) || Transient(&pgconn.PgError{Code: "23505"}) {
		t.Error("Transient misclassifies")
	}
}

// Every SQLite migration has its PostgreSQL twin of the same number.
func TestEveryMigrationHasAPostgresTwin(t *testing.T) {
	pg := PostgresVersions()
	names, _ := migrations.ReadDir("migrations")
	for _, e := range names {
		var v int
		fmt.Sscanf(e.Name(), "%d_", &v)
		if !slices.Contains(pg, v) {
			t.Errorf("migrations/%s has no PostgreSQL twin: write db/pgmigrations/%03d_….sql with the same change", e.Name(), v)
		}
	}
}

// Servers starting at once on an empty database: the migrations are
// applied once (under the advisory lock) and every server opens.
func TestPostgresMigrateConcurrently(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip("PostgreSQL run only (PETSTORE_TEST_ENGINE=postgres; make test runs it)")
	}
	u := pgtest.NewDatabase(t, "")
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			d, err := OpenPostgres(context.Background(), u)
			if err == nil {
				d.Close()
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	d, err := OpenPostgres(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var n, distinct int
	if err := d.Read.QueryRow(`SELECT count(*), count(DISTINCT version) FROM schema_migrations`).Scan(&n, &distinct); err != nil {
		t.Fatal(err)
	}
	if n != len(PostgresVersions()) || distinct != n {
		t.Fatalf("%d migrations recorded (%d distinct), want %d", n, distinct, len(PostgresVersions()))
	}
	if err := d.ProbeWrite(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// Our connections end a transaction left idle for IdleTxTimeout, unless
// DATABASE_URL says otherwise.
func TestPostgresIdleTransactionTimeout(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip("PostgreSQL run only (PETSTORE_TEST_ENGINE=postgres; make test runs it)")
	}
	u := pgtest.NewDatabase(t, "")
	for _, c := range []struct{ url, want string }{{u, "30s"}, {u + "&idle_in_transaction_session_timeout=10000", "10s"}} {
		d, err := OpenPostgres(context.Background(), c.url)
		if err != nil {
			t.Fatal(err)
		}
		for name, pool := range map[string]*sql.DB{"write": d.Write, "read": d.Read} {
			var got string
			if err := pool.QueryRow(`SHOW idle_in_transaction_session_timeout`).Scan(&got); err != nil || got != c.want {
				t.Errorf("%s connection of %s: %q %v, want %q", name, c.url, got, err, c.want)
			}
		}
		d.Close()
	}
}

// On PostgreSQL too, a database a newer Petstore has migrated is refused.
func TestPostgresRefusesANewerSchema(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip("PostgreSQL run only (PETSTORE_TEST_ENGINE=postgres; make test runs it)")
	}
	u := pgtest.NewDatabase(t, "")
	d, err := OpenPostgres(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	vs := PostgresVersions()
	if _, err := d.Write.Exec(`INSERT INTO schema_migrations (version, name) VALUES (?, 'from_the_future.sql')`, slices.Max(vs)+1); err != nil {
		t.Fatal(err)
	}
	d.Close()
	if _, err := OpenPostgres(context.Background(), u); !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("open: %v, want ErrNewerSchema", err)
	}
}

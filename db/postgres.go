package db

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

//go:embed pgmigrations/*.sql
var pgMigrations embed.FS

// Engine names the database engine of a DB.
type Engine string

// The engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// IsPostgresURL reports whether s (DATABASE_URL) names a PostgreSQL
// database: a postgres:// or postgresql:// URL.
func IsPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// migrateLockKey is the advisory lock that servers starting at once take
// around the migrations, so that one applies them and the others wait.
const migrateLockKey = 0x7065747374 // "petst"

// OpenPostgres connects to the PostgreSQL database at url (DATABASE_URL),
// applies every migration not yet applied (under an advisory lock, so that
// several servers starting at once do not race), and checks that the
// database can be written.
//
// As with SQLite, Write has one connection (the store's group commit
// batches the writes of concurrent requests into its transactions) and
// Read several. Statements are written in SQLite's dialect and translated
// (see Rebind).
func OpenPostgres(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	// A server's write transaction holds the servers' write lock (see the
	// store's begin) and never waits on anything outside the database.
	// One that stops in the middle (the server frozen, its machine gone
	// without closing the connection) is ended by PostgreSQL after this
	// long, so that the other servers write again: its work is undone,
	// and its callers were never told it was done. DATABASE_URL may set
	// another value (…&idle_in_transaction_session_timeout=10000).
	if _, ok := cfg.RuntimeParams[idleTxTimeoutParam]; !ok {
		cfg.RuntimeParams[idleTxTimeoutParam] = strconv.Itoa(int(IdleTxTimeout.Milliseconds()))
	}
	open := func() *sql.DB { return sql.OpenDB(pgConnector{stdlib.GetConnector(*cfg)}) }
	w := open()
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, pgOpenErr(cfg, err)
	}
	if err := MigratePostgres(ctx, w); err != nil {
		w.Close()
		return nil, pgOpenErr(cfg, err)
	}
	if _, err := w.ExecContext(ctx, PostgresProbeSQL); err != nil {
		w.Close()
		return nil, pgOpenErr(cfg, err)
	}
	r := open()
	n := max(4, 2*runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	return &DB{Write: w, Read: r, Engine: Postgres, URL: url, Sync: SyncFull}, nil
}

// IdleTxTimeout is how long PostgreSQL lets a transaction of ours sit
// idle before it ends it (see OpenPostgres).
const IdleTxTimeout = 30 * time.Second

const idleTxTimeoutParam = "idle_in_transaction_session_timeout"

// pgOpenErr names the database (host and name, never the password).
func pgOpenErr(cfg *pgx.ConnConfig, err error) error {
	where := cfg.Database
	if cfg.Host != "" {
		where = cfg.Host + "/" + cfg.Database
	}
	if f := FaultOf(err); f != nil {
		return fmt.Errorf("database %s: %s: %w", where, f.Message, err)
	}
	return fmt.Errorf("open database %s: %w", where, err)
}

// PostgresProbeSQL is the write probe (see ProbeSQL) on PostgreSQL.
const PostgresProbeSQL = `INSERT INTO write_probe (pad) VALUES (decode(repeat('00', 65536), 'hex')); DELETE FROM write_probe`

// MigratePostgres applies, in order and each in its own transaction, every
// pgmigrations/NNN_name.sql not yet in schema_migrations, holding an
// advisory lock meanwhile. Each PostgreSQL migration mirrors the SQLite
// migration of the same number.
func MigratePostgres(ctx context.Context, w *sql.DB) error {
	conn, err := w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(`+strconv.Itoa(migrateLockKey)+`)`); err != nil {
		return fmt.Errorf("migrate: take the lock: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(`+strconv.Itoa(migrateLockKey)+`)`)
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version BIGINT PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at BIGINT NOT NULL DEFAULT (extract(epoch from clock_timestamp()) * 1000)::bigint
	)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	ms, err := listMigrations(pgMigrations, "pgmigrations")
	if err != nil {
		return err
	}
	if err := refuseNewer(ctx, conn, ms); err != nil {
		return err
	}
	for _, m := range ms {
		if err := applyPostgres(ctx, conn, m); err != nil {
			return err
		}
	}
	return nil
}

func applyPostgres(ctx context.Context, conn *sql.Conn, m migration) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	if n > 0 {
		return nil
	}
	body, err := pgMigrations.ReadFile("pgmigrations/" + m.name)
	if err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	// Through the raw connection: the body is PostgreSQL's own SQL.
	if err := conn.Raw(func(dc any) error {
		_, err := dc.(*pgConn).Conn.Conn().Exec(ctx, string(body))
		return err
	}); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, m.version, m.name); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	return nil
}

// PostgresVersions lists the numbers of the PostgreSQL migrations (a test
// checks that each SQLite migration has its PostgreSQL twin).
func PostgresVersions() []int {
	names, _ := fs.Glob(pgMigrations, "pgmigrations/*.sql")
	var vs []int
	for _, n := range names {
		num, _, _ := strings.Cut(filepath.Base(n), "_")
		if v, err := strconv.Atoi(num); err == nil {
			vs = append(vs, v)
		}
	}
	return vs
}

// Listen calls fn with the payload of each notification on channel until
// ctx ends, on a connection of its own. After a failure it tells onErr,
// connects again a second later, and then calls fn with "" (notifications
// sent meanwhile were missed).
func (db *DB) Listen(ctx context.Context, channel string, fn func(payload string), onErr func(error)) {
	for again := false; ; again = true {
		err := listenOnce(ctx, db.URL, channel, fn, again)
		if ctx.Err() != nil {
			return
		}
		onErr(err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

func listenOnce(ctx context.Context, url, channel string, fn func(payload string), again bool) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, `LISTEN `+pgx.Identifier{channel}.Sanitize()); err != nil {
		return err
	}
	if again {
		fn("")
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		fn(n.Payload)
	}
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/petstore/petstore/db"
)

// IsPostgresURL reports whether s names a PostgreSQL database (a
// postgres:// URL) rather than a SQLite file.
func IsPostgresURL(s string) bool { return db.IsPostgresURL(s) }

// CopiedTable is one table CopyTo copied and its row count (the same on
// both sides).
type CopiedTable struct {
	Name string
	Rows int64
}

// copyTables are the tables CopyTo copies, each after those it refers to.
// pet_status_counts is not among them: the destination's triggers count
// the pets as they arrive. write_probe and schedule_runs hold nothing to
// keep.
var copyTables = []string{"users", "sessions", "api_tokens", "login_attempts", "setup_tokens",
	"pets", "events", "jobs", "feedings", "photos", "inquiries"}

// CopyTo copies every row of this store's database (a SQLite file no
// server is using) into dst, an empty PostgreSQL database, in one
// transaction: ids, events, jobs, accounts, sessions, tokens and photos as
// they are. Each id sequence of dst then continues after the highest id
// the source ever handed out (a purged pet's id is never reused). It
// checks that each table holds as many rows on both sides.
func (s *Store) CopyTo(ctx context.Context, dst *Store) ([]CopiedTable, error) {
	if s.Postgres() || !dst.Postgres() {
		return nil, fmt.Errorf("copy: from a SQLite database to a PostgreSQL one only")
	}
	for _, t := range copyTables {
		var n int64
		if err := dst.db.Read.QueryRowContext(ctx, `SELECT count(*) FROM `+t).Scan(&n); err != nil {
			return nil, fmt.Errorf("copy: read the destination: %w", err)
		}
		if n > 0 {
			return nil, fmt.Errorf("copy: the destination is not empty (%s has %d rows): copy into a new database", t, n)
		}
	}
	tx, err := dst.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("copy: %w", err)
	}
	defer tx.Rollback()
	var out []CopiedTable
	for _, t := range copyTables {
		n, err := copyTable(ctx, s.db.Read, tx, t)
		if err != nil {
			return nil, fmt.Errorf("copy %s: %w", t, err)
		}
		out = append(out, CopiedTable{Name: t, Rows: n})
	}
	// Each identity continues after the highest id ever handed out there
	// (SQLite's AUTOINCREMENT remembers it in sqlite_sequence).
	seqs := map[string]int64{}
	rows, err := s.db.Read.QueryContext(ctx, `SELECT name, seq FROM sqlite_sequence`)
	if err != nil {
		return nil, fmt.Errorf("copy: read the id sequences: %w", err)
	}
	for rows.Next() {
		var name string
		var seq int64
		if err := rows.Scan(&name, &seq); err != nil {
			rows.Close()
			return nil, fmt.Errorf("copy: read the id sequences: %w", err)
		}
		seqs[name] = seq
	}
	rows.Close()
	for _, t := range copyTables {
		var hasID bool
		if err := tx.QueryRowContext(ctx, `SELECT pg_get_serial_sequence(?, 'id') IS NOT NULL
			FROM information_schema.columns WHERE table_name = ? AND column_name = 'id'`, t, t).Scan(&hasID); err == sql.ErrNoRows {
			continue
		} else if err != nil {
			return nil, fmt.Errorf("copy: %s's id sequence: %w", t, err)
		}
		if !hasID {
			continue
		}
		if _, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence(?1, 'id'), m + 1, false)
			FROM (SELECT greatest(?2::bigint, (SELECT coalesce(max(id), 0) FROM `+t+`)) AS m) AS x`, t, seqs[t]); err != nil {
			return nil, fmt.Errorf("copy: %s's id sequence: %w", t, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("copy: commit: %w", err)
	}
	for _, c := range out {
		var a, b int64
		if err := s.db.Read.QueryRowContext(ctx, `SELECT count(*) FROM `+c.Name).Scan(&a); err != nil {
			return nil, err
		}
		if err := dst.db.Read.QueryRowContext(ctx, `SELECT count(*) FROM `+c.Name).Scan(&b); err != nil {
			return nil, err
		}
		if a != b || b != c.Rows {
			return nil, fmt.Errorf("copy: %s has %d rows in the source and %d in the destination", c.Name, a, b)
		}
	}
	return out, nil
}

// copyTable copies every row of table from src into tx, column by column
// by name, and returns how many.
func copyTable(ctx context.Context, src *sql.DB, tx *sql.Tx, table string) (int64, error) {
	rows, err := src.QueryContext(ctx, `SELECT * FROM `+table)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ")
	ins, err := tx.PrepareContext(ctx, `INSERT INTO `+table+` (`+strings.Join(cols, ", ")+`) VALUES (`+marks+`)`)
	if err != nil {
		return 0, err
	}
	defer ins.Close()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		if _, err := ins.ExecContext(ctx, vals...); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

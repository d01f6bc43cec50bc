package loadtest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // the driver the server uses
)

// Raw is what SQLite itself does on this disk, measured beside the server:
// the ceilings the server's figures are compared with.
type Raw struct {
	CommitsFull   float64 // one-row INSERT transactions per second, synchronous=FULL
	CommitsNormal float64 // the same with synchronous=NORMAL
	BatchRows     float64 // rows per second in 1,000-row transactions, FULL
	PointReads    float64 // SELECT by primary key per second, 8 goroutines
}

// rawDSN opens path like the server does (WAL, immediate transactions)
// with the given synchronous mode.
func rawDSN(path, sync string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous("+sync+")")
	q.Add("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

const rawSchema = `CREATE TABLE IF NOT EXISTS pets (
	id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, species TEXT NOT NULL,
	age_months INTEGER NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT`

const rawInsert = `INSERT INTO pets (name, species, age_months, status, created_at) VALUES (?, 'dog', 24, 'new', ?)`

// MeasureRaw measures the raw limits in files under dir, each for d.
func MeasureRaw(ctx context.Context, dir string, d time.Duration) (Raw, error) {
	var r Raw
	var err error
	if r.CommitsFull, err = rawCommits(ctx, filepath.Join(dir, "raw-full.db"), "FULL", 1, d); err != nil {
		return r, err
	}
	if r.CommitsNormal, err = rawCommits(ctx, filepath.Join(dir, "raw-normal.db"), "NORMAL", 1, d); err != nil {
		return r, err
	}
	if r.BatchRows, err = rawCommits(ctx, filepath.Join(dir, "raw-batch.db"), "FULL", 1000, d); err != nil {
		return r, err
	}
	if r.PointReads, err = rawReads(ctx, filepath.Join(dir, "raw-batch.db"), 8, d); err != nil {
		return r, err
	}
	return r, nil
}

// rawCommits inserts rows per transaction for d and returns rows/s.
func rawCommits(ctx context.Context, path, sync string, rows int, d time.Duration) (float64, error) {
	db, err := sql.Open("sqlite", rawDSN(path, sync))
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, rawSchema); err != nil {
		return 0, fmt.Errorf("raw sqlite: %w", err)
	}
	ins, err := db.PrepareContext(ctx, rawInsert)
	if err != nil {
		return 0, err
	}
	defer ins.Close()
	n := 0
	start := time.Now()
	for time.Since(start) < d {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return 0, err
		}
		st := tx.StmtContext(ctx, ins)
		for range rows {
			if _, err := st.ExecContext(ctx, "Raw", time.Now().UnixMilli()); err != nil {
				tx.Rollback()
				return 0, err
			}
		}
		if err := tx.Commit(); err != nil {
			return 0, err
		}
		n += rows
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

// rawReads runs point SELECTs by primary key from clients goroutines for d
// over the rows of path, and returns reads/s.
func rawReads(ctx context.Context, path string, clients int, d time.Duration) (float64, error) {
	db, err := sql.Open("sqlite", rawDSN(path, "NORMAL"))
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(clients)
	db.SetMaxIdleConns(clients)
	var maxID int64
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM pets`).Scan(&maxID); err != nil || maxID == 0 {
		return 0, fmt.Errorf("raw reads: no rows (%v)", err)
	}
	sel, err := db.PrepareContext(ctx, `SELECT id, name, species, age_months, status, created_at FROM pets WHERE id = ?`)
	if err != nil {
		return 0, err
	}
	defer sel.Close()
	var n atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	start := time.Now()
	for c := range clients {
		wg.Go(func() {
			var (
				id, age, at      int64
				name, sp, status string
			)
			rnd := uint64(c)*0x9E3779B97F4A7C15 + 1
			for time.Since(start) < d {
				rnd ^= rnd << 13
				rnd ^= rnd >> 7
				rnd ^= rnd << 17
				if err := sel.QueryRowContext(ctx, int64(rnd%uint64(maxID))+1).Scan(&id, &name, &sp, &age, &status, &at); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				n.Add(1)
			}
		})
	}
	wg.Wait()
	return float64(n.Load()) / time.Since(start).Seconds(), firstErr
}

package store

import (
	"context"
	"os"
	"time"

	"github.com/petstore/petstore/internal/shelter"
)

// QueueStats returns, per kind with queued jobs, how many wait and how
// long the oldest due one has waited.
func (s *Store) QueueStats(ctx context.Context) ([]shelter.QueueStat, error) {
	now := s.nowMillis()
	rows, err := s.db.Read.QueryContext(ctx, `SELECT kind, count(*), coalesce(min(CASE WHEN run_at <= ? THEN run_at END), 0)
		FROM jobs WHERE state = 'queued' GROUP BY kind ORDER BY kind`, now)
	if err != nil {
		return nil, dbErr("queue stats", err)
	}
	defer rows.Close()
	var out []shelter.QueueStat
	for rows.Next() {
		var q shelter.QueueStat
		var oldest int64
		if err := rows.Scan(&q.Kind, &q.Queued, &oldest); err != nil {
			return nil, dbErr("queue stats", err)
		}
		if oldest > 0 {
			q.OldestDue = time.Duration(now-oldest) * time.Millisecond
		}
		out = append(out, q)
	}
	return out, dbErrOrNil("queue stats", rows.Err())
}

// DBSize is the size on disk of the database: its file and its WAL.
func (s *Store) DBSize() (int64, error) {
	if s.Postgres() {
		var n int64
		err := s.db.Read.QueryRow(`SELECT pg_database_size(current_database())`).Scan(&n)
		return n, err
	}
	fi, err := os.Stat(s.db.Path)
	if err != nil {
		return 0, err
	}
	n := fi.Size()
	if wal, err := os.Stat(s.db.Path + "-wal"); err == nil {
		n += wal.Size()
	}
	return n, nil
}

// pruneBatch bounds how many jobs one transaction of PruneJobs deletes, so
// that the writer is never held for long.
const pruneBatch = 1000

// PruneJobs deletes the finished jobs (done or failed) that finished more
// than retention ago, in short transactions, and returns how many it
// deleted. Events are kept: they are the audit trail.
func (s *Store) PruneJobs(ctx context.Context, retention time.Duration) (int, error) {
	cutoff := s.nowMillis() - retention.Milliseconds()
	total := 0
	for {
		var n int64
		err := s.inTx(ctx, func(tx *txn) error {
			res, err := tx.ExecContext(ctx, `DELETE FROM jobs WHERE id IN (
				SELECT id FROM jobs WHERE state IN ('done', 'failed') AND finished_at > 0 AND finished_at < ? LIMIT ?)`, cutoff, pruneBatch)
			if err != nil {
				return dbErr("prune jobs", err)
			}
			n, err = res.RowsAffected()
			return err
		})
		if err != nil {
			return total, err
		}
		total += int(n)
		if n < pruneBatch {
			return total, nil
		}
	}
}

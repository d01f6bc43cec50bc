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

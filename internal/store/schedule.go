package store

import (
	"context"
	"time"
)

// ClaimScheduledRun reports whether this process is the first to take the
// run of task scheduled at slot (its minute), so that a periodic task runs
// once per schedule across the servers that share a PostgreSQL database.
// On SQLite, one server per database, every run is this server's.
func (s *Store) ClaimScheduledRun(ctx context.Context, task string, slot time.Time) (bool, error) {
	if !s.Postgres() {
		return true, nil
	}
	var n int64
	err := s.inTx(ctx, func(tx *txn) error {
		now := s.nowMillis()
		res, err := tx.ExecContext(ctx, `INSERT INTO schedule_runs (task, slot, taken_at) VALUES (?, ?, ?)
			ON CONFLICT (task, slot) DO NOTHING`, task, slot.Truncate(time.Minute).UnixMilli(), now)
		if err != nil {
			return dbErr("claim scheduled run", err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return dbErr("claim scheduled run", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM schedule_runs WHERE task = ? AND slot < ?`,
			task, now-24*time.Hour.Milliseconds()); err != nil {
			return dbErr("prune scheduled runs", err)
		}
		return nil
	})
	return n == 1, err
}

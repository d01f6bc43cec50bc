package db

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"sync"
	"time"
)

// The writer connection never checkpoints (wal_autocheckpoint 0): SQLite's
// automatic checkpoint runs in the commit that crosses 1,000 WAL pages,
// copying them into the database file and syncing it while every caller of
// that group commit, and everyone queued behind it, waits. The
// checkpointer does the same work on a connection of its own, beside the
// writer: a PASSIVE checkpoint shortly after commits (at most every
// checkpointEvery), which never blocks the writer or a reader. Once it has
// copied the whole WAL, the next write starts the WAL over from its
// beginning, as after an automatic checkpoint.
type checkpointer struct {
	conn *sql.DB
	wake chan struct{}
	quit chan struct{}
	done chan struct{}
	once sync.Once
	err  error
	// between is when BetweenWrites last checkpointed (the writer's
	// goroutine only); wal is the WAL file's path.
	between time.Time
	wal     string
}

// checkpointEvery bounds how often the checkpointer runs; it also runs
// this long after a commit at the latest. At a few MB of WAL per second
// of steady writes, the WAL stays near its size under the automatic
// checkpoint (about 4 MB).
const checkpointEvery = 100 * time.Millisecond

func startCheckpointer(path string, sync Sync) (*checkpointer, error) {
	conn, err := sql.Open("sqlite", dsn(path, false, sync))
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	conn.SetMaxOpenConns(1)
	conn.SetMaxIdleConns(1)
	conn.SetConnMaxIdleTime(0)
	c := &checkpointer{conn: conn, wake: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{}), wal: path + "-wal"}
	go c.run()
	return c, nil
}

func (c *checkpointer) run() {
	defer close(c.done)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-c.quit:
			return
		case <-c.wake:
		case <-tick.C: // writes made past Committed (none are, but cheap)
		}
		// PASSIVE copies what no reader still needs and returns at once
		// when another checkpoint holds the lock; an error (a full disk)
		// is the writer's to report: the next run tries again.
		_, _ = c.conn.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`)
		select {
		case <-c.quit:
			return
		case <-time.After(checkpointEvery):
		}
	}
}

// betweenWrites checkpoints now if it has not for checkpointEvery, or if
// the WAL file has grown past JournalSizeLimit; the writer calls it
// between two transactions.
func (c *checkpointer) betweenWrites() {
	if c == nil {
		return
	}
	if time.Since(c.between) < checkpointEvery {
		fi, err := os.Stat(c.wal)
		if err != nil || fi.Size() <= JournalSizeLimit {
			return
		}
	}
	c.between = time.Now()
	_, _ = c.conn.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`)
}

// committed tells the checkpointer that a write transaction committed.
func (c *checkpointer) committed() {
	if c == nil {
		return
	}
	select {
	case c.wake <- struct{}{}:
	default: // a run is due already
	}
}

// stop ends the checkpointer and closes its connection.
func (c *checkpointer) stop() error {
	if c == nil {
		return nil
	}
	c.once.Do(func() {
		close(c.quit)
		<-c.done
		c.err = c.conn.Close()
	})
	return c.err
}

// BetweenWrites checkpoints the WAL while the single writer is between two
// transactions, every checkpointEvery or as soon as the WAL file outgrows
// JournalSizeLimit; the writer calls it before it begins one. Under a steady stream of commits the checkpointer
// beside the writer never catches up with it, so the WAL is never
// started over and every commit appends to a growing file: on ext4 an
// fsync that extends the file took 0.5 ms (p90 1.5 ms) for 16 pages,
// against 0.2 ms to write them over space the file already has. A
// checkpoint between two transactions copies the whole WAL (unless a
// reader still needs part of it), and the next transaction starts the WAL
// over from its beginning, within the space it has.
func (db *DB) BetweenWrites() { db.ckpt.betweenWrites() }

// Committed tells the database that a write transaction committed, so that
// its WAL is checkpointed soon, beside the writer. The store calls it
// after each commit.
func (db *DB) Committed() { db.ckpt.committed() }

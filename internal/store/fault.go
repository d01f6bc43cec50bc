package store

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/petstore/petstore/db"
	"github.com/petstore/petstore/internal/shelter"
)

// faultLogEvery is how often a storage fault that lasts is logged again.
const faultLogEvery = time.Minute

// probeEvery is how often Ping tries a write while a storage fault lasts.
const probeEvery = time.Second

// faultState is what the store knows of a storage fault (a full disk, a
// read-only file, an I/O error): set by a write that meets one, cleared by
// a probe write of 64 KiB that commits (db.ProbeSQL). A small commit is
// not proof: on a nearly full disk small writes still fit in the WAL
// while larger ones fail, and the state would flap. Ping probes at most
// once a second while the fault lasts, and so does a commit that
// succeeds meanwhile (in the background). It logs the fault when it
// starts, once a minute while it lasts, and when it ends.
type faultState struct {
	active atomic.Bool // fast path of every commit

	mu        sync.Mutex
	cur       *db.Fault
	err       error // the last failure, for Ping
	since     time.Time
	lastLog   time.Time
	failures  int // since the last log line
	lastProbe time.Time
}

// storageErr turns a storage fault into EUNAVAILABLE with a message that
// names its cause; other errors are returned as they are.
func storageErr(err error) error {
	f := db.FaultOf(err)
	if f == nil || shelter.ErrorCode(err) == shelter.EUNAVAILABLE {
		return err
	}
	return fmt.Errorf("%w: %w", shelter.Errorf(shelter.EUNAVAILABLE, "%s: try again later", f.Message), err)
}

// noteWrite records the outcome of a write transaction (nil: it
// committed) and returns err with a storage fault named (storageErr).
func (s *Store) noteWrite(err error) error {
	if err == nil {
		if s.fault.active.Load() {
			if _, probe := s.fault.current(s.now()); probe {
				go s.probe(context.Background())
			}
		}
		return nil
	}
	f := db.FaultOf(err)
	if f == nil {
		return err
	}
	err = storageErr(err)
	s.fault.record(f, err, s.log, s.now())
	return err
}

func (fs *faultState) record(f *db.Fault, err error, log *slog.Logger, now time.Time) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.failures++
	fs.err = err
	switch {
	case fs.cur == nil || fs.cur.Kind != f.Kind:
		if fs.cur == nil {
			fs.since = now
		}
		fs.cur = f
		fs.active.Store(true)
		log.Error("💾 Storage fault: writes fail until it is fixed", "cause", f.Message, "err", err)
		fs.lastLog, fs.failures = now, 0
	case now.Sub(fs.lastLog) >= faultLogEvery:
		log.Error("💾 Storage fault persists", "cause", f.Message, "since", fs.since.UTC().Format(time.RFC3339),
			"failedWritesSinceLastLine", fs.failures, "err", err)
		fs.lastLog, fs.failures = now, 0
	}
}

func (fs *faultState) clear(log *slog.Logger, now time.Time) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.cur == nil {
		return
	}
	log.Info("✅ Storage fault over: writes succeed again", "cause", fs.cur.Message, "lasted", now.Sub(fs.since).Round(time.Millisecond).String())
	fs.cur, fs.err = nil, nil
	fs.active.Store(false)
}

// fullDisk reports whether the fault is a full disk, with its error.
func (fs *faultState) fullDisk() (bool, error) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.cur != nil && fs.cur.Kind == db.FaultFull, fs.err
}

// current returns the fault's error while one lasts, and whether a probe
// write is due.
func (fs *faultState) current(now time.Time) (err error, probe bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.cur == nil {
		return nil, false
	}
	if now.Sub(fs.lastProbe) >= probeEvery {
		fs.lastProbe = now
		return fs.err, true
	}
	return fs.err, false
}

// minFreeAfterFull is the free space a full disk must have again before
// a probe may end the fault. The WAL is checkpointed beside the writer and
// then written again from its start, so on a disk that is still full a
// probe can fit in the WAL's old space and succeed while the next larger
// write fails: the fault would flap.
const minFreeAfterFull = 1 << 20

// freeBytes tells the database's free space (tests replace it).
var freeBytes = (*db.DB).FreeBytes

// probe tries the probe write; its success ends the storage fault. A full
// disk must first have minFreeAfterFull free again.
func (s *Store) probe(ctx context.Context) error {
	if full, err := s.fault.fullDisk(); full {
		if free := freeBytes(s.db); free >= 0 && free < minFreeAfterFull {
			return err
		}
	}
	err := s.inTx(ctx, func(tx *txn) error {
		_, err := tx.ExecContext(ctx, s.db.ProbeSQL())
		return err
	})
	if err == nil {
		s.fault.clear(s.log, s.now())
	}
	return err
}

// Ping checks that the database answers and, while a storage fault lasts,
// that it can be written again (a probe write at most once a second): the
// fault's error (EUNAVAILABLE, naming the cause) until then.
func (s *Store) Ping(ctx context.Context) error {
	if s.fault.active.Load() {
		err, probe := s.fault.current(s.now())
		if probe {
			err = s.probe(ctx)
		}
		if err != nil {
			return err
		}
	}
	if err := s.db.Ping(ctx); err != nil {
		return storageErr(err)
	}
	return nil
}

// Checkpoint gives the WAL's space back to the disk (see db.Checkpoint).
func (s *Store) Checkpoint(ctx context.Context) error {
	if err := s.db.Checkpoint(ctx); err != nil {
		return dbErr("checkpoint", err)
	}
	return nil
}

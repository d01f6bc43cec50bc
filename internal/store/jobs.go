package store

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/petstore/petstore/internal/shelter"
)

// enqueueEvents names the event recorded when a job of a kind is enqueued.
var enqueueEvents = map[string]string{
	shelter.JobFeedingReminder: shelter.EventFeedingReminderEnqueued,
	shelter.JobEnrichProfile:   shelter.EventProfileEnrichmentEnqueued,
}

// EnqueueTx inserts a queued job inside the caller's transaction (outbox):
// the job exists exactly when the caller's change does. petID may be empty;
// args is marshalled to JSON (nil: {}). The runner is woken after commit.
func (s *Store) EnqueueTx(ctx context.Context, tx *Tx, o shelter.Origin, kind, petID string, args any) (int64, error) {
	raw := []byte("{}")
	if args != nil {
		var err error
		if raw, err = json.Marshal(args); err != nil {
			return 0, dbErr("enqueue "+kind, err)
		}
	}
	var pet any
	if petID != "" {
		n, err := strconv.ParseInt(petID, 10, 64)
		if err != nil {
			return 0, shelter.ErrNotFound()
		}
		pet = n
	}
	now := s.nowMillis()
	res, err := tx.ExecContext(ctx, `INSERT INTO jobs (kind, namespace, pet_id, args, max_attempts, run_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, kind, o.Namespace, pet, string(raw), s.maxAtt, now, now, now)
	if err != nil {
		return 0, dbErr("enqueue "+kind, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, dbErr("enqueue "+kind, err)
	}
	tx.enqueued = true
	if name, ok := enqueueEvents[kind]; ok {
		if err := s.insertEvent(ctx, tx, &shelter.Event{Namespace: o.Namespace, Type: shelter.EventType(o.Namespace, name),
			PetID: petID, Actor: o.Actor, Data: mustJSON(map[string]any{"jobId": id, "enqueuedAt": now})}); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// CompleteJobTx marks a running job done inside the caller's transaction,
// so a worker's writes and its job's completion commit together. It is a
// no-op for a job that is no longer running (already completed, or its
// lease lapsed and it was released).
func (s *Store) CompleteJobTx(ctx context.Context, tx *Tx, jobID int64) error {
	now := s.nowMillis()
	if _, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'done', lease_until = 0, finished_at = ?, updated_at = ?
		WHERE id = ? AND state = 'running'`, now, now, jobID); err != nil {
		return dbErr("complete job", err)
	}
	return nil
}

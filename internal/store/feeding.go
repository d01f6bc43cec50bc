package store

import (
	"context"
	"time"

	"github.com/petstore/petstore/internal/shelter"
)

// CompleteFeedingReminder does the whole work of a feeding reminder job in
// one transaction: it writes the welcome note and the next feeding time
// (the pet's creation + interval), records {ns}.feeding.reminder.completed,
// applies the orchestrator's new → in_quarantine and completes the job, so
// however often the job is delivered the pet moves once. A pet deleted,
// purged or moved on since the create is left as it is, and the job
// completes.
func (s *Store) CompleteFeedingReminder(ctx context.Context, job *shelter.Job, interval time.Duration) error {
	start := time.Now()
	return s.inTx(ctx, func(tx *txn) error {
		p, err := findPetTx(ctx, tx, job.PetID)
		if shelter.ErrorCode(err) == shelter.ENOTFOUND {
			tx.After(func() {
				s.log.Warn("⚠️ Feeding reminder skipped: the pet no longer exists", "petId", job.PetID, "jobId", job.ID)
			})
			return s.completeJobTx(ctx, tx, job.ID)
		} else if err != nil {
			return err
		}
		if p.Deleted() {
			tx.After(func() {
				s.log.Info("⚠️ Feeding reminder skipped: the pet is deleted", "petId", p.ID, "jobId", job.ID)
			})
			return s.completeJobTx(ctx, tx, job.ID)
		}
		if p.Status != shelter.StatusNew {
			tx.After(func() {
				s.log.Info("⚠️ Feeding reminder skipped: the pet has moved on", "petId", p.ID, "jobId", job.ID, "status", p.Status)
			})
			return s.completeJobTx(ctx, tx, job.ID)
		}
		next := p.CreatedAt + interval.Milliseconds()
		if err := s.setFeedingTx(ctx, tx, p, shelter.WithWelcome(p.Notes), next); err != nil {
			return err
		}
		o := shelter.Origin{Namespace: job.Namespace, Actor: shelter.ActorSystem}
		ms := time.Since(start).Milliseconds()
		if err := s.insertEvent(ctx, tx, &shelter.Event{Namespace: o.Namespace, Type: shelter.EventType(o.Namespace, shelter.EventFeedingReminderCompleted),
			PetID: p.ID, Actor: o.Actor, Data: mustJSON(map[string]any{"jobId": job.ID, "processingTimeMs": ms, "nextFeedingAt": next})}); err != nil {
			return err
		}
		tx.After(func() {
			s.log.Info("✅ Next feeding reminder set", "petId", p.ID, "notes", p.Notes, "nextFeedingAt", shelter.FromMillis(next), "processingTimeMs", ms)
			s.log.Info("🔄 Lifecycle orchestrator processing", "petId", p.ID, "eventType", shelter.TriggerFeedingReminderCompleted)
		})
		d := shelter.DecideTrigger(p.Status, shelter.TriggerFeedingReminderCompleted)
		if err := s.applyDecisionTx(ctx, tx, o, p, d); err != nil {
			return err
		}
		return s.completeJobTx(ctx, tx, job.ID)
	})
}

// setFeedingTx writes a pet's notes and next feeding time inside the
// caller's transaction (the feeding reminder job's).
func (s *Store) setFeedingTx(ctx context.Context, tx *txn, p *shelter.Pet, notes string, nextFeedingAt int64) error {
	p.Notes, p.NextFeedingAt = notes, nextFeedingAt
	p.UpdatedAt = max(s.nowMillis(), p.UpdatedAt)
	if _, err := tx.ExecContext(ctx, `UPDATE pets SET notes = ?, next_feeding_at = ?, updated_at = ? WHERE id = ?`,
		p.Notes, p.NextFeedingAt, p.UpdatedAt, p.ID); err != nil {
		return dbErr("set feeding reminder", err)
	}
	return nil
}

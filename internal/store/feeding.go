package store

import (
	"context"

	"github.com/petstore/petstore/internal/shelter"
)

// SetFeedingTx writes a pet's notes and next feeding time inside the
// caller's transaction (the feeding reminder job's).
func (s *Store) SetFeedingTx(ctx context.Context, tx *Tx, p *shelter.Pet, notes string, nextFeedingAt int64) error {
	p.Notes, p.NextFeedingAt = notes, nextFeedingAt
	p.UpdatedAt = max(s.nowMillis(), p.UpdatedAt)
	if _, err := tx.ExecContext(ctx, `UPDATE pets SET notes = ?, next_feeding_at = ?, updated_at = ? WHERE id = ?`,
		p.Notes, p.NextFeedingAt, p.UpdatedAt, p.ID); err != nil {
		return dbErr("set feeding reminder", err)
	}
	return nil
}

package store

import (
	"context"
	"fmt"
	"time"

	"github.com/petstore/petstore/internal/shelter"
)

// PurgeBatch is what one batch of the deletion reaper did.
type PurgeBatch = shelter.PurgeBatch

// PurgeExpiredPets permanently removes, in one transaction, up to limit
// soft-deleted pets whose purge date is at or before now and whose id is
// above afterID, oldest id first. Each is deleted under a savepoint, so one
// failure does not undo the others; each records {ns}.pet.purged in the
// namespace of its delete. Its queued jobs go with it (the jobs table
// cascades); its events stay.
func (s *Store) PurgeExpiredPets(ctx context.Context, now time.Time, afterID int64, limit int) (*PurgeBatch, error) {
	b := &PurgeBatch{Failed: map[string]error{}, LastID: afterID}
	err := s.inTx(ctx, func(tx *txn) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+petColumns+` FROM pets
			WHERE status = 'deleted' AND purge_at <= ? AND id > ? ORDER BY id LIMIT ?`, now.UnixMilli(), afterID, limit)
		if err != nil {
			return dbErr("scan expired pets", err)
		}
		var pets []*shelter.Pet
		for rows.Next() {
			p, err := s.scanPet(rows)
			if err != nil {
				rows.Close()
				return dbErr("scan expired pets", err)
			}
			pets = append(pets, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return dbErr("scan expired pets", err)
		}
		b.Scanned = len(pets)
		for _, p := range pets {
			id, _ := parseID(p.ID)
			b.LastID = id
			if err := s.purgePetTx(ctx, tx, p); err != nil {
				b.Failed[p.ID] = err
				continue
			}
			b.Purged = append(b.Purged, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

func (s *Store) purgePetTx(ctx context.Context, tx *txn, p *shelter.Pet) (err error) {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT purge_pet`); err != nil {
		return dbErr("purge pet", err)
	}
	defer func() {
		if err != nil {
			if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO purge_pet; RELEASE purge_pet`); rerr != nil {
				err = fmt.Errorf("%w (and roll back: %v)", err, rerr)
			}
			return
		}
		if _, rerr := tx.ExecContext(ctx, `RELEASE purge_pet`); rerr != nil {
			err = dbErr("purge pet", rerr)
		}
	}()
	ns := p.DeletedNamespace
	if ns == "" {
		ns = shelter.NamespaceSystem
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM pets WHERE id = ? AND status = 'deleted'`, p.ID)
	if err != nil {
		return dbErr("purge pet", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("purge pet %s: %d rows deleted (%v)", p.ID, n, err)
	}
	return s.insertEvent(ctx, tx, &shelter.Event{Namespace: ns, Type: shelter.EventType(ns, shelter.EventPetPurged),
		PetID: p.ID, Actor: shelter.ActorSystem, From: shelter.StatusDeleted,
		Data: mustJSON(map[string]any{"name": p.Name, "deletedAt": p.DeletedAt, "purgeAt": p.PurgeAt})})
}

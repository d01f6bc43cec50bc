package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/petstore/petstore/internal/shelter"
)

// SetProfile stores p as the pet's profile (overwriting the one it had),
// records events and then {ns}.profile_enrichment_completed with the
// profile, and completes job jobID (when not 0), all in one transaction. A
// pet that no longer exists or is soft-deleted is not written and gets no
// event; its job is still completed, and written is false. The pet's
// status is never touched.
func (s *Store) SetProfile(ctx context.Context, jobID int64, o shelter.Origin, petID string, p shelter.Profile, events ...*shelter.Event) (written bool, err error) {
	err = s.inTx(ctx, func(tx *txn) error {
		pet, err := findPetTx(ctx, tx, petID)
		if shelter.ErrorCode(err) == shelter.ENOTFOUND {
			return s.completeJob(ctx, tx, jobID)
		} else if err != nil {
			return err
		}
		if pet.Deleted() {
			return s.completeJob(ctx, tx, jobID)
		}
		if err := s.setProfileTx(ctx, tx, jobID, o, pet, p, events...); err != nil {
			return err
		}
		written = true
		return s.completeJob(ctx, tx, jobID)
	})
	if err != nil {
		return false, err
	}
	return written, nil
}

// setProfileTx writes pet's profile, events and then the completed event
// in the caller's transaction.
func (s *Store) setProfileTx(ctx context.Context, tx *txn, jobID int64, o shelter.Origin, pet *shelter.Pet, p shelter.Profile, events ...*shelter.Event) error {
	raw, err := json.Marshal(p)
	if err != nil {
		return dbErr("encode profile", err)
	}
	now := s.nowMillis()
	if _, err := tx.execPrepared(ctx, setProfileSQL, string(raw), now, pet.ID); err != nil {
		return dbErr("set profile", err)
	}
	pet.Profile, pet.UpdatedAt = &p, max(pet.UpdatedAt, now)
	pet.Version++
	for _, e := range events {
		if err := s.insertEvent(ctx, tx, e); err != nil {
			return err
		}
	}
	// A model's profile is kept in the event, as the record of what it
	// wrote; the fallback is a function of the pet's name, species and age,
	// which its own events record, so the pet's copy is all it needs.
	data := map[string]any{"source": p.Source}
	if p.Source != shelter.ProfileSourceFallback {
		data["profile"] = p
	}
	if jobID != 0 {
		data["jobId"] = jobID
	}
	return s.insertEvent(ctx, tx, &shelter.Event{Namespace: o.Namespace, Type: shelter.EventType(o.Namespace, shelter.EventProfileEnrichmentCompleted),
		PetID: pet.ID, Actor: o.Actor, Data: mustJSON(data)})
}

const setProfileSQL = `UPDATE pets SET profile = ?, updated_at = max(updated_at, ?), version = version + 1 WHERE id = ?`

func (s *Store) completeJob(ctx context.Context, tx *txn, jobID int64) error {
	if jobID == 0 {
		return nil
	}
	return s.completeJobTx(ctx, tx, jobID)
}

// EnqueueEnrichment queues a fresh profile enrichment of a pet (the
// dashboard's "regenerate"). ENOTFOUND for an unknown pet, ECONFLICT for a
// soft-deleted one. When an enrichment of the pet is already queued and not
// yet started, that job's id is returned and created is false: it will read
// the pet as it is when it runs, so a second one would only repeat it.
func (s *Store) EnqueueEnrichment(ctx context.Context, o shelter.Origin, petID string) (jobID int64, created bool, err error) {
	err = s.inTx(ctx, func(tx *txn) error {
		pet, err := findPetTx(ctx, tx, petID)
		if err != nil {
			return err
		}
		if pet.Deleted() {
			return shelter.Errorf(shelter.ECONFLICT, "Pet %s is deleted: restore it before regenerating its profile", pet.ID)
		}
		jobID, created, err = s.enqueueEnrichmentTx(ctx, tx, o, pet)
		return err
	})
	if err != nil {
		return 0, false, err
	}
	return jobID, created, nil
}

// enqueueEnrichmentTx queues an enrichment of pet unless one is queued and
// not yet started (it will read the pet as it is when it runs).
func (s *Store) enqueueEnrichmentTx(ctx context.Context, tx *txn, o shelter.Origin, pet *shelter.Pet) (jobID int64, created bool, err error) {
	n, _ := parseID(pet.ID) // read from the database: always valid
	err = tx.QueryRowContext(ctx, `SELECT id FROM jobs WHERE pet_id = ? AND kind = ? AND state = 'queued' AND attempts = 0
		ORDER BY id LIMIT 1`, n, shelter.JobEnrichProfile).Scan(&jobID)
	if err == nil {
		return jobID, false, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return 0, false, dbErr("find queued enrichment", err)
	}
	if jobID, err = s.enqueueTx(ctx, tx, o, shelter.JobEnrichProfile, pet.ID, nil); err != nil {
		return 0, false, err
	}
	return jobID, true, nil
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

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
// in the caller's transaction. pet is the row as it is in tx: a fallback
// written for it is stored as a marker (profileText).
func (s *Store) setProfileTx(ctx context.Context, tx *txn, jobID int64, o shelter.Origin, pet *shelter.Pet, p shelter.Profile, events ...*shelter.Event) error {
	text, err := profileText(pet, &p)
	if err != nil {
		return dbErr("encode profile", err)
	}
	now := s.nowMillis()
	if _, err := tx.execPrepared(ctx, setProfileSQL, text, now, pet.ID); err != nil {
		return dbErr("set profile", err)
	}
	pet.Profile, pet.UpdatedAt = &p, max(pet.UpdatedAt, now)
	pet.Version++
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
	return s.insertEvents(ctx, tx, append(events, &shelter.Event{Namespace: o.Namespace, Type: shelter.EventType(o.Namespace, shelter.EventProfileEnrichmentCompleted),
		PetID: pet.ID, Actor: o.Actor, Data: mustJSON(data)})...)
}

const setProfileSQL = `UPDATE pets SET profile = ?1, updated_at = CASE WHEN updated_at > ?2 THEN updated_at ELSE ?2 END,
	version = version + 1 WHERE id = ?3`

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

// RequeueOutageFallbacks queues an enrichment again for every pet whose
// profile is the fallback written only because the AI model was down (its
// latest failed enrichment has reason ai_outage) and that has none queued
// or running: called when the model answers again. It returns how many.
func (s *Store) RequeueOutageFallbacks(ctx context.Context) (int, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT p.id FROM pets p
		WHERE p.status != 'deleted' AND json_extract(p.profile, '$.source') = ?1
		AND (SELECT json_extract(e.data, '$.reason') FROM events e INDEXED BY events_pet
			WHERE e.pet_id = p.id AND e.type LIKE '%.' || ?2 ORDER BY e.id DESC LIMIT 1) = ?3
		AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.pet_id = p.id AND j.kind = ?4 AND j.state IN ('queued', 'running'))`,
		shelter.ProfileSourceFallback, shelter.EventProfileEnrichmentFailed, shelter.ReasonAIOutage, shelter.JobEnrichProfile)
	if err != nil {
		return 0, dbErr("find outage fallbacks", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, dbErr("find outage fallbacks", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return 0, dbErrOrNil("find outage fallbacks", err)
	}
	o := shelter.Origin{Namespace: shelter.NamespaceSystem, Actor: shelter.ActorSystem}
	err = s.inTx(ctx, func(tx *txn) error {
		for _, id := range ids {
			if _, err := s.enqueueTx(ctx, tx, o, shelter.JobEnrichProfile, strconv.FormatInt(id, 10), map[string]string{"reason": shelter.ReasonAIOutage}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(ids), nil
}

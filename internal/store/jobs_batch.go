package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/petstore/petstore/internal/shelter"
)

// Jobs whose work is only writes to this database (the feeding reminder;
// the profile when AI is off) need no lease and no second round trip: one
// transaction claims a batch of them, does each one's work and completes
// it. Nobody ever sees them running, and a failure undoes the lot, claim
// included, so the jobs are still queued and the runner can take them one
// by one instead (where a failing job gets its attempts and backoff).

// sqlClaimDone claims up to ?3 due jobs of kind ?2 (queued, or running with
// a lapsed lease and attempts left) and marks them done, for a transaction
// that does their work too. Its branches read the kind's own part of the
// per-kind partial indexes in order, like claimSQL's.
const sqlClaimDone = `UPDATE jobs SET state = 'done', attempts = attempts + 1, lease_until = 0, updated_at = ?1, finished_at = ?1
	WHERE id IN (
		SELECT id FROM (
			SELECT * FROM (SELECT id, run_at FROM jobs INDEXED BY jobs_queued_kind WHERE state = 'queued' AND kind = ?2
				AND run_at <= ?1 ORDER BY run_at, id LIMIT ?3)
			UNION ALL
			SELECT * FROM (SELECT id, run_at FROM jobs INDEXED BY jobs_leased_kind WHERE state = 'running' AND kind = ?2
				AND lease_until <= ?1 AND attempts < max_attempts LIMIT ?3)
		) ORDER BY run_at, id LIMIT ?3)
	RETURNING ` + jobColumns

// batchJoinWait is how long a batch waits for a request's commit to join
// before it commits alone.
const batchJoinWait = 5 * time.Millisecond

// runJobBatch claims up to limit due jobs of kind as done and runs work on
// each, in one transaction; it returns the jobs. A lapsed job that has used
// all its attempts is failed first, as ClaimJobs does.
func (s *Store) runJobBatch(ctx context.Context, kind string, limit int, work func(tx *txn, j *shelter.Job) error) ([]*shelter.Job, error) {
	var jobs []*shelter.Job
	err := s.inTxJoin(ctx, batchJoinWait, func(tx *txn) error {
		jobs = jobs[:0]
		now := s.nowMillis()
		if _, err := tx.execPrepared(ctx, sqlFailLapsed, now, string(mustJSON(map[string]int{kind: 0}))); err != nil {
			return dbErr("claim jobs", err)
		}
		rows, err := tx.queryPrepared(ctx, sqlClaimDone, now, kind, limit)
		if err != nil {
			return dbErr("claim jobs", err)
		}
		for rows.Next() {
			j, err := scanJob(rows)
			if err != nil {
				rows.Close()
				return dbErr("claim jobs", err)
			}
			jobs = append(jobs, j)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return dbErr("claim jobs", err)
		}
		tx.noPets = len(jobs) == 0 // the claim alone writes only jobs
		for _, j := range jobs {
			if err := work(tx, j); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return jobs, nil
}

// RunFeedingReminders does up to limit due feeding reminder jobs, each as
// CompleteFeedingReminder does, in one transaction with their claim and
// completion, and returns them. before runs after the commit for each job,
// ahead of the job's own log lines. An error undoes the lot.
func (s *Store) RunFeedingReminders(ctx context.Context, limit int, interval time.Duration, before func(*shelter.Job)) ([]*shelter.Job, error) {
	start := time.Now()
	return s.runJobBatch(ctx, shelter.JobFeedingReminder, limit, func(tx *txn, j *shelter.Job) error {
		if before != nil {
			tx.After(func() { before(j) })
		}
		return s.feedingReminderTx(ctx, tx, j, interval, start)
	})
}

// RunLocalProfiles does up to limit due profile jobs whose profile comes
// from describe, a pure function (AI off: the fallback), in one transaction
// with their claim and completion: for each pet, {ns}.profile_enrichment_started,
// the profile and {ns}.profile_enrichment_completed, as SetProfile writes
// them. A pet gone or deleted is skipped (its job completes). written runs
// after the commit for each profile written. An error undoes the lot.
func (s *Store) RunLocalProfiles(ctx context.Context, limit int, describe func(shelter.Pet) shelter.Profile,
	written func(j *shelter.Job, p *shelter.Pet)) ([]*shelter.Job, error) {
	return s.runJobBatch(ctx, shelter.JobEnrichProfile, limit, func(tx *txn, j *shelter.Job) error {
		pet, err := findProfilePetTx(ctx, tx, j.PetID)
		if shelter.ErrorCode(err) == shelter.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		if pet.Deleted() {
			return nil
		}
		o := shelter.Origin{Namespace: j.Namespace, Actor: shelter.ActorSystem}
		started := &shelter.Event{Namespace: o.Namespace, Type: shelter.EventType(o.Namespace, shelter.EventProfileEnrichmentStarted),
			PetID: pet.ID, Actor: o.Actor, Data: mustJSON(startedData{Attempt: j.Attempts, JobID: j.ID})}
		if err := s.setProfileTx(ctx, tx, j.ID, o, pet, describe(*pet), started); err != nil {
			return err
		}
		if written != nil {
			tx.After(func() { written(j, pet) })
		}
		return nil
	})
}

// findProfilePetSQL reads what a profile written from the pet alone needs
// of it (its name, species and age), and its status, time and version.
const findProfilePetSQL = `SELECT id, name, species, age_months, status, updated_at, version FROM pets WHERE id = ?`

// findProfilePetTx reads a pet for RunLocalProfiles, inside its
// transaction: the columns of findProfilePetSQL, the rest left zero.
func findProfilePetTx(ctx context.Context, tx *txn, id string) (*shelter.Pet, error) {
	n, err := parseID(id)
	if err != nil {
		return nil, err
	}
	var p shelter.Pet
	err = tx.queryRowPrepared(ctx, findProfilePetSQL, n).Scan(&n, &p.Name, &p.Species, &p.AgeMonths, &p.Status, &p.UpdatedAt, &p.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shelter.ErrNotFound()
	} else if err != nil {
		return nil, dbErr("find pet", err)
	}
	p.ID = strconv.FormatInt(n, 10)
	return &p, nil
}

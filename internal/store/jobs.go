package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/petstore/petstore/internal/shelter"
)

const (
	insertJobSQL = `INSERT INTO jobs (kind, namespace, pet_id, args, max_attempts, run_at, created_at, updated_at)
	VALUES ` + jobValues
	jobValues = `(?, ?, ?, ?, ?, ?, ?, ?)`
	// jobFields is the number of values each job binds.
	jobFields = 8
	// maxJobsPerInsert bounds the jobs one INSERT queues.
	maxJobsPerInsert = 4
)

// insertJobsSQL[n] queues n jobs.
var insertJobsSQL = rowsSQL(insertJobSQL, jobValues, maxJobsPerInsert)

// jobSpec is a job to queue: its kind and its args (nil: {}).
type jobSpec struct {
	kind string
	args any
}

// enqueueTx inserts a queued job inside the caller's transaction (outbox):
// the job exists exactly when the caller's change does. petID may be empty;
// args is marshalled to JSON (nil: {}). The runner is woken after commit.
func (s *Store) enqueueTx(ctx context.Context, tx *txn, o shelter.Origin, kind, petID string, args any) (int64, error) {
	ids, err := s.enqueueJobsTx(ctx, tx, o, petID, []jobSpec{{kind: kind, args: args}})
	if err != nil {
		return 0, err
	}
	return ids[0], nil
}

// enqueueKindsTx queues one job of each kind for a pet, with no args, as
// enqueueTx does, and appends the events first ahead of their
// {ns}.…enqueued events.
func (s *Store) enqueueKindsTx(ctx context.Context, tx *txn, o shelter.Origin, kinds []string, petID string, first ...*shelter.Event) ([]int64, error) {
	specs := make([]jobSpec, len(kinds))
	for i, k := range kinds {
		specs[i].kind = k
	}
	return s.enqueueJobsTx(ctx, tx, o, petID, specs, first...)
}

// enqueueJobsTx queues the jobs in their order, then appends the events
// first and each job's {ns}.…enqueued event, all in few statements (a few
// rows an INSERT: see insertRowsPrepared).
func (s *Store) enqueueJobsTx(ctx context.Context, tx *txn, o shelter.Origin, petID string, specs []jobSpec, first ...*shelter.Event) ([]int64, error) {
	var pet any
	if petID != "" {
		n, err := strconv.ParseInt(petID, 10, 64)
		if err != nil {
			return nil, shelter.ErrNotFound()
		}
		pet = n
	}
	now := s.nowMillis()
	ids := make([]int64, 0, len(specs))
	events := first
	for len(specs) > 0 {
		n := min(len(specs), maxJobsPerInsert)
		args := make([]any, 0, n*jobFields)
		for _, j := range specs[:n] {
			raw := []byte("{}")
			if j.args != nil {
				var err error
				if raw, err = json.Marshal(j.args); err != nil {
					return nil, dbErr("enqueue "+j.kind, err)
				}
			}
			k, _ := shelter.FindJobKind(j.kind)
			maxAtt := s.maxAtt
			if maxAtt == 0 {
				maxAtt = k.MaxAttempts
			}
			if maxAtt <= 0 {
				maxAtt = defaultMaxAttempts
			}
			args = append(args, j.kind, o.Namespace, pet, string(raw), maxAtt, now, now, now)
		}
		got, err := tx.insertRowsPrepared(ctx, n, insertJobsSQL[n], args...)
		if err != nil {
			return nil, dbErr("enqueue "+specs[0].kind, err)
		}
		for i, j := range specs[:n] {
			id := got[i]
			ids = append(ids, id)
			if k, _ := shelter.FindJobKind(j.kind); k.Enqueued != "" {
				events = append(events, &shelter.Event{Namespace: o.Namespace, Type: shelter.EventType(o.Namespace, k.Enqueued),
					PetID: petID, Actor: o.Actor, Data: jobData(id)})
			}
		}
		specs = specs[n:]
	}
	tx.enqueued = tx.enqueued || len(ids) > 0
	if err := s.insertEvents(ctx, tx, events...); err != nil {
		return nil, err
	}
	return ids, nil
}

const completeJobSQL = `UPDATE jobs SET state = 'done', lease_until = 0, finished_at = ?, updated_at = ?
	WHERE id = ? AND state = 'running'`

// completeJobTx marks a running job done inside the caller's transaction,
// so a worker's writes and its job's completion commit together. It is a
// no-op for a job that is no longer running (already completed, or its
// lease lapsed and it was released).
func (s *Store) completeJobTx(ctx context.Context, tx *txn, jobID int64) error {
	now := s.nowMillis()
	if _, err := tx.execPrepared(ctx, completeJobSQL, now, now, jobID); err != nil {
		return dbErr("complete job", err)
	}
	return nil
}

const jobColumns = `id, kind, namespace, pet_id, args, state, attempts, max_attempts, run_at, lease_until,
	last_error, created_at, updated_at, finished_at`

func scanJob(row scanner) (*shelter.Job, error) {
	var (
		j     shelter.Job
		petID sql.NullInt64
		args  string
	)
	if err := row.Scan(&j.ID, &j.Kind, &j.Namespace, &petID, &args, &j.State, &j.Attempts, &j.MaxAttempts,
		&j.RunAt, &j.LeaseUntil, &j.LastError, &j.CreatedAt, &j.UpdatedAt, &j.FinishedAt); err != nil {
		return nil, err
	}
	if petID.Valid {
		j.PetID = strconv.FormatInt(petID.Int64, 10)
	}
	j.Args = json.RawMessage(args)
	return &j, nil
}

// JobOutcome is the result of one attempt of a claimed job.
type JobOutcome = shelter.JobOutcome

// The queue's hot statements, prepared once per JobQueue.
const (
	sqlFailLapsed = `UPDATE jobs INDEXED BY jobs_leased_kind SET state = 'failed', lease_until = 0, finished_at = ?1, updated_at = ?1,
		last_error = 'lease expired on the last attempt (the process running it stopped)'
		WHERE state = 'running' AND kind IN (SELECT key FROM json_each(?2)) AND lease_until <= ?1 AND attempts >= max_attempts`
	// A no-op when the worker already completed the job in its own
	// transaction, or when the attempt is not the job's latest.
	sqlDone = `UPDATE jobs SET state = 'done', lease_until = 0, finished_at = ?1, updated_at = ?1
		WHERE id = ?2 AND state = 'running' AND attempts = ?3`
	sqlFail = `UPDATE jobs SET lease_until = 0, last_error = ?1, updated_at = ?2,
		state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
		finished_at = CASE WHEN attempts >= max_attempts THEN ?2 ELSE 0 END,
		run_at = CASE WHEN attempts >= max_attempts THEN run_at ELSE ?3 END
		WHERE id = ?4 AND state = 'running' AND attempts = ?5`
	sqlFailUncounted = `UPDATE jobs SET state = 'queued', lease_until = 0, attempts = max(attempts - 1, 0), last_error = ?1,
		updated_at = ?2, run_at = ?3 WHERE id = ?4 AND state = 'running' AND attempts = ?5`
	sqlExtend = `UPDATE jobs SET lease_until = ?1 + ?2, updated_at = ?1
		WHERE state = 'running' AND id IN (SELECT value FROM json_each(?3))`
	sqlRelease = `UPDATE jobs SET state = 'queued', lease_until = 0, attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END,
		run_at = ?1, updated_at = ?1 WHERE id = ?2 AND state = 'running' AND attempts = ?3`
)

const sqlNextRunAt = `SELECT min((SELECT run_at FROM jobs INDEXED BY jobs_queued_kind
	WHERE state = 'queued' AND kind = k.value ORDER BY run_at LIMIT 1)) FROM json_each(?) AS k`

// queueSQL are the queue's hot statements, prepared once on the writer at
// New: parsing them anew for each transaction cost more than running them.
// The claim of each runner pool's kinds (claimSQL) is prepared there too.
var queueSQL = func() []string {
	out := []string{sqlFailLapsed, sqlClaimDone, sqlDone, sqlFail, sqlFailUncounted, sqlExtend, sqlRelease}
	pools := map[string][]string{}
	for _, k := range shelter.JobKinds {
		pools[k.Pool] = append(pools[k.Pool], k.Name)
	}
	for _, kinds := range pools {
		out = append(out, claimSQL(kinds))
	}
	return out
}()

// claimSQL is the claim of the given kinds (sorted), as one UPDATE …
// RETURNING. Each kind has two arms, its due queued jobs oldest first and
// its running jobs whose lease lapsed, each reading the kind's own part of
// a partial index in order and stopping at the limit: what a claim costs
// depends on the limit and the number of kinds, never on how many jobs of
// other kinds (or of its own) wait. ?1 now, ?2 the lease (ms), ?3 the kinds'
// attempt limits as a JSON object, ?4 the limit, ?5… the kinds.
func claimSQL(kinds []string) string {
	kinds = slices.Sorted(slices.Values(kinds))
	var arms []string
	for i := range kinds {
		k := "?" + strconv.Itoa(5+i)
		arms = append(arms,
			`SELECT * FROM (SELECT id, run_at FROM jobs INDEXED BY jobs_queued_kind WHERE state = 'queued' AND kind = `+k+
				` AND run_at <= ?1 ORDER BY run_at, id LIMIT ?4)`,
			`SELECT * FROM (SELECT id, run_at FROM jobs INDEXED BY jobs_leased_kind WHERE state = 'running' AND kind = `+k+
				` AND lease_until <= ?1 LIMIT ?4)`)
	}
	return `UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_until = ?1 + ?2, updated_at = ?1,
		max_attempts = coalesce(nullif((SELECT value FROM json_each(?3) WHERE key = jobs.kind), 0), max_attempts)
		WHERE id IN (SELECT id FROM (` + strings.Join(arms, "\n\t\t\tUNION ALL ") + `) ORDER BY run_at, id LIMIT ?4)
		RETURNING ` + jobColumns
}

// ClaimJobs records the outcomes of finished attempts and then claims up to
// limit due jobs, all in one short write transaction. A claim is one
// UPDATE … RETURNING: state running, attempts+1 and a lease until
// now+lease. Due jobs are queued ones whose run_at has come and running
// ones whose lease lapsed (their process died); a lapsed job that has used
// all its attempts is kept as failed instead. Only the kinds in maxAttempts
// are claimed; each kind's value, when not 0, becomes the attempt limit of
// the jobs it claims.
func (s *Store) ClaimJobs(ctx context.Context, outcomes []JobOutcome, maxAttempts map[string]int, limit int, lease time.Duration) ([]*shelter.Job, error) {
	var claimed []*shelter.Job
	err := s.inTx(ctx, func(tx *txn) error {
		tx.noPets = true
		claimed = claimed[:0]
		now := s.nowMillis()
		if err := recordOutcomesTx(ctx, tx, outcomes, now); err != nil {
			return err
		}
		if limit <= 0 || len(maxAttempts) == 0 {
			return nil
		}
		kinds := string(mustJSON(maxAttempts))
		if _, err := tx.execPrepared(ctx, sqlFailLapsed, now, kinds); err != nil {
			return dbErr("claim jobs", err)
		}
		names := slices.Sorted(maps.Keys(maxAttempts))
		args := []any{now, lease.Milliseconds(), kinds, limit}
		for _, k := range names {
			args = append(args, k)
		}
		rows, err := tx.queryPrepared(ctx, s.claimSQL(names), args...)
		if err != nil {
			return dbErr("claim jobs", err)
		}
		defer rows.Close()
		for rows.Next() {
			j, err := scanJob(rows)
			if err != nil {
				return dbErr("claim jobs", err)
			}
			claimed = append(claimed, j)
		}
		return dbErrOrNil("claim jobs", rows.Err())
	})
	if err != nil {
		return nil, err
	}
	return claimed, nil
}

// RecordJobOutcomes records finished attempts in one transaction.
func (s *Store) RecordJobOutcomes(ctx context.Context, outcomes []JobOutcome) error {
	if len(outcomes) == 0 {
		return nil
	}
	return s.inTx(ctx, func(tx *txn) error { return recordOutcomesTx(ctx, tx, outcomes, s.nowMillis()) })
}

func recordOutcomesTx(ctx context.Context, tx *txn, outcomes []JobOutcome, now int64) error {
	for _, o := range outcomes {
		if o.Err == "" {
			if _, err := tx.execPrepared(ctx, sqlDone, now, o.ID, o.Attempt); err != nil {
				return dbErr("complete job", err)
			}
			continue
		}
		q := sqlFail
		if o.Uncounted {
			q = sqlFailUncounted
		}
		if _, err := tx.execPrepared(ctx, q, o.Err, now, o.RetryAt.UnixMilli(), o.ID, o.Attempt); err != nil {
			return dbErr("fail job", err)
		}
	}
	return nil
}

// ExtendJobLeases pushes the leases of running jobs to now+lease.
func (s *Store) ExtendJobLeases(ctx context.Context, ids []int64, lease time.Duration) error {
	if len(ids) == 0 {
		return nil
	}
	return s.inTx(ctx, func(tx *txn) error {
		tx.noPets = true
		if _, err := tx.execPrepared(ctx, sqlExtend, s.nowMillis(), lease.Milliseconds(), string(mustJSON(ids))); err != nil {
			return dbErr("extend leases", err)
		}
		return nil
	})
}

// ReleaseJobs puts running jobs back in the queue with their lease cleared,
// at shutdown, so they run at the next start. The interrupted attempt does
// not count.
func (s *Store) ReleaseJobs(ctx context.Context, jobs []JobOutcome) error {
	if len(jobs) == 0 {
		return nil
	}
	return s.inTx(ctx, func(tx *txn) error {
		now := s.nowMillis()
		for _, j := range jobs {
			if _, err := tx.execPrepared(ctx, sqlRelease, now, j.ID, j.Attempt); err != nil {
				return dbErr("release job", err)
			}
		}
		return nil
	})
}

// NewJob is a job to enqueue: its kind, its pet (may be empty) and its
// arguments (marshalled to JSON; nil: {}).
type NewJob struct {
	Kind  string
	PetID string
	Args  any
}

// Enqueue queues jobs in one transaction of their own and returns their
// ids, recording each kind's enqueued event under the origin. A change
// that causes a job enqueues it in its own transaction instead (an
// exported method of the store); Enqueue is for work no change causes.
func (s *Store) Enqueue(ctx context.Context, o shelter.Origin, jobs ...NewJob) ([]int64, error) {
	var ids []int64
	err := s.inTx(ctx, func(tx *txn) error {
		ids = ids[:0]
		for _, j := range jobs {
			id, err := s.enqueueTx(ctx, tx, o, j.Kind, j.PetID, j.Args)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// CompleteJob marks a running job done in a transaction of its own (a
// no-op for a job that is no longer running). A worker whose writes must
// commit with its job's completion calls a store method that does both.
func (s *Store) CompleteJob(ctx context.Context, jobID int64) error {
	return s.inTx(ctx, func(tx *txn) error { return s.completeJobTx(ctx, tx, jobID) })
}

// NextJobRunAt returns when the earliest queued job of the given kinds is
// due, and false when none is queued.
func (s *Store) NextJobRunAt(ctx context.Context, kinds []string) (time.Time, bool, error) {
	var at sql.NullInt64
	// One index probe per kind: the earliest of each, then the earliest.
	err := s.queryRowPrepared(ctx, sqlNextRunAt, string(mustJSON(kinds))).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	} else if err != nil {
		return time.Time{}, false, dbErr("next job", err)
	}
	if !at.Valid {
		return time.Time{}, false, nil
	}
	return time.UnixMilli(at.Int64), true, nil
}

// FindJobByID returns one job.
func (s *Store) FindJobByID(ctx context.Context, id int64) (*shelter.Job, error) {
	j, err := scanJob(s.db.Read.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, shelter.ErrNotFound()
	} else if err != nil {
		return nil, dbErr("find job", err)
	}
	return j, nil
}

// jobsStateIndex names, on SQLite, the partial index that holds the jobs
// of a state listed newest first: without it the planner walks the whole
// table by id for the few queued or running jobs among the done ones.
func jobsStateIndex(postgres bool, state shelter.JobState) string {
	switch {
	case postgres:
		return ""
	case state == shelter.JobQueued:
		return ` INDEXED BY jobs_queued_kind`
	case state == shelter.JobRunning:
		return ` INDEXED BY jobs_leased_kind`
	case state == shelter.JobFailed:
		return ` INDEXED BY jobs_failed`
	}
	return ""
}

// FindJobs returns the jobs the filter selects, newest first.
func (s *Store) FindJobs(ctx context.Context, f shelter.JobFilter) ([]*shelter.Job, error) {
	if f.State != "" && !f.State.Valid() {
		return nil, shelter.Errorf(shelter.EINVALID, "Invalid state: must be one of queued, running, failed, done")
	}
	limit := pageLimit(f.Limit)
	var where []string
	var args []any
	if f.State != "" {
		// A literal (the state is one of JobStates), so that the planner
		// sees which partial index holds it.
		where = append(where, "state = '"+string(f.State)+"'")
	}
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, f.Kind)
	}
	if f.PetID != "" {
		n, err := parseID(f.PetID)
		if err != nil {
			return []*shelter.Job{}, nil // no pet has that id, so no job has
		}
		where, args = append(where, "pet_id = ?"), append(args, n)
	}
	if f.Before > 0 {
		where, args = append(where, "id < ?"), append(args, f.Before)
	}
	q := `SELECT ` + jobColumns + ` FROM jobs` + jobsStateIndex(s.Postgres(), f.State)
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += ` ORDER BY id DESC LIMIT ?`
	rows, err := s.db.Read.QueryContext(ctx, q, append(args, limit)...)
	if err != nil {
		return nil, dbErr("find jobs", err)
	}
	defer rows.Close()
	out := []*shelter.Job{}
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, dbErr("find jobs", err)
		}
		out = append(out, j)
	}
	return out, dbErrOrNil("find jobs", rows.Err())
}

// RetryJob puts a failed job back in the queue, due now, with a fresh set of
// attempts; its last error stays until the next attempt. ECONFLICT when the
// job is not failed.
func (s *Store) RetryJob(ctx context.Context, id int64) (*shelter.Job, error) {
	var j *shelter.Job
	err := s.inTx(ctx, func(tx *txn) error {
		var err error
		j, err = scanJob(tx.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return shelter.ErrNotFound()
		} else if err != nil {
			return dbErr("find job", err)
		}
		if j.State != shelter.JobFailed {
			return shelter.Errorf(shelter.ECONFLICT, "Job %d is %s: only a failed job can be retried", j.ID, j.State)
		}
		now := s.nowMillis()
		if _, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'queued', attempts = 0, run_at = ?1, lease_until = 0,
			finished_at = 0, updated_at = ?1 WHERE id = ?2`, now, id); err != nil {
			return dbErr("retry job", err)
		}
		j.State, j.Attempts, j.RunAt, j.LeaseUntil, j.FinishedAt, j.UpdatedAt = shelter.JobQueued, 0, now, 0, 0, now
		tx.enqueued = true
		tx.After(func() { s.log.Info("🔄 Job queued again by hand", "jobId", j.ID, "kind", j.Kind, "petId", j.PetID) })
		return nil
	})
	if err != nil {
		return nil, err
	}
	return j, nil
}

// releaseOrphanedJobs hands back, at the start of a server, every job still
// marked running: the server holds the database's lock, so the process
// that claimed them is dead (kill -9, a power cut). Their leases end now,
// and the runners' first claim takes them as it takes any lapsed lease
// (a job that had used its last attempt is kept as failed).
func (s *Store) releaseOrphanedJobs(ctx context.Context) error {
	var n int64
	err := s.inTx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `UPDATE jobs INDEXED BY jobs_leased_kind SET lease_until = 0 WHERE state = 'running' AND lease_until > 0`)
		if err != nil {
			return dbErr("release orphaned jobs", err)
		}
		n, _ = res.RowsAffected()
		return nil
	})
	if err == nil && n > 0 {
		s.log.Info("♻️ Jobs left running by a previous process are handed back at once", "count", n)
	}
	return err
}

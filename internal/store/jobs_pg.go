package store

import (
	"maps"
	"strconv"
	"strings"

	"github.com/petstore/petstore/internal/shelter"
)

// The queue's statements on PostgreSQL. Several servers claim from one
// queue, so a claim locks the rows it takes and skips those another
// server's claim holds (FOR UPDATE SKIP LOCKED): no job is handed to two
// servers, and no claim waits on another. The arguments are those of the
// SQLite forms (kinds as a JSON object or array, ids as a JSON array).
var pgQueueSQL = map[string]string{
	sqlFailLapsed: `UPDATE jobs SET state = 'failed', lease_until = 0, finished_at = $1::bigint, updated_at = $1::bigint,
		last_error = 'lease expired on the last attempt (the process running it stopped)'
		WHERE id IN (SELECT id FROM jobs WHERE state = 'running' AND lease_until <= $1::bigint AND attempts >= max_attempts
			AND kind IN (SELECT key FROM json_each_text($2::json)) FOR UPDATE SKIP LOCKED)`,
	sqlClaimDone: `UPDATE jobs SET state = 'done', attempts = attempts + 1, lease_until = 0, updated_at = $1::bigint, finished_at = $1::bigint
		WHERE id IN (
			SELECT id FROM jobs WHERE kind = $2::text AND ((state = 'queued' AND run_at <= $1::bigint)
					OR (state = 'running' AND lease_until <= $1::bigint AND attempts < max_attempts))
			ORDER BY run_at, id LIMIT $3::bigint FOR UPDATE SKIP LOCKED)
		RETURNING ` + jobColumns,
	sqlFail: `UPDATE jobs SET lease_until = 0, last_error = $1::text, updated_at = $2::bigint,
		state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
		finished_at = CASE WHEN attempts >= max_attempts THEN $2::bigint ELSE 0 END,
		run_at = CASE WHEN attempts >= max_attempts THEN run_at ELSE $3::bigint END
		WHERE id = $4::bigint AND state = 'running' AND attempts = $5::bigint`,
	sqlExtend: `UPDATE jobs SET lease_until = $1::bigint + $2::bigint, updated_at = $1::bigint
		WHERE state = 'running' AND id IN (SELECT value::bigint FROM json_array_elements_text($3::json))`,
	// A pet read inside a write transaction is locked until it commits:
	// on SQLite the one writer serialises read-then-write, on PostgreSQL
	// another server's transaction may be changing the same pet.
	findPetSQL: findPetSQL + ` FOR UPDATE`,
	sqlNextRunAt: `SELECT min(run_at) FROM jobs WHERE state = 'queued'
		AND kind IN (SELECT value FROM json_array_elements_text($1::json))`,
}

// pgStatements returns the PostgreSQL forms of the store's statements that
// have one: the above, and the claim of each runner pool's kinds.
func pgStatements() map[string]string {
	m := maps.Clone(pgQueueSQL)
	pools := map[string][]string{}
	for _, k := range shelter.JobKinds {
		pools[k.Pool] = append(pools[k.Pool], k.Name)
	}
	for _, kinds := range pools {
		m[claimSQL(kinds)] = pgClaimSQL(kinds)
	}
	return m
}

// claimSQL returns the claim of kinds in the store's dialect.
func (s *Store) claimSQL(kinds []string) string {
	q := claimSQL(kinds)
	if s.Postgres() {
		if _, ok := s.pgSQL[q]; !ok {
			return pgClaimSQL(kinds)
		}
	}
	return q
}

// pgClaimSQL is claimSQL on PostgreSQL, with the same arguments: $1 now,
// $2 the lease (ms), $3 the kinds' attempt limits as a JSON object, $4 the
// limit, $5… the kinds (sorted).
func pgClaimSQL(kinds []string) string {
	ps := make([]string, len(kinds))
	for i := range kinds {
		ps[i] = "$" + strconv.Itoa(5+i) + "::text"
	}
	return `UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_until = $1::bigint + $2::bigint, updated_at = $1::bigint,
		max_attempts = coalesce(nullif((SELECT value::bigint FROM json_each_text($3::json) WHERE key = jobs.kind), 0), max_attempts)
		WHERE id IN (
			SELECT id FROM jobs WHERE kind IN (` + strings.Join(ps, ", ") + `)
				AND ((state = 'queued' AND run_at <= $1::bigint) OR (state = 'running' AND lease_until <= $1::bigint))
			ORDER BY run_at, id LIMIT $4::bigint FOR UPDATE SKIP LOCKED)
		RETURNING ` + jobColumns
}

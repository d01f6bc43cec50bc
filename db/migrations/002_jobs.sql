-- The durable job queue. A job is inserted in the same transaction as the
-- change that causes it (outbox), so either both exist or neither does.
CREATE TABLE jobs (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	kind         TEXT    NOT NULL,
	namespace    TEXT    NOT NULL,
	pet_id       INTEGER REFERENCES pets (id) ON DELETE CASCADE,
	args         TEXT    NOT NULL DEFAULT '{}', -- JSON object
	state        TEXT    NOT NULL DEFAULT 'queued'
	             CHECK (state IN ('queued', 'running', 'done', 'failed')),
	attempts     INTEGER NOT NULL DEFAULT 0,
	max_attempts INTEGER NOT NULL DEFAULT 5,
	run_at       INTEGER NOT NULL,
	lease_until  INTEGER NOT NULL DEFAULT 0,
	last_error   TEXT    NOT NULL DEFAULT '',
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL,
	finished_at  INTEGER NOT NULL DEFAULT 0
) STRICT;

-- The runner claims the due queued jobs, and running jobs whose lease lapsed.
CREATE INDEX jobs_due ON jobs (state, run_at) WHERE state IN ('queued', 'running');
CREATE INDEX jobs_state_kind ON jobs (state, kind, id);
CREATE INDEX jobs_pet ON jobs (pet_id);

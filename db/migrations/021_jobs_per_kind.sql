-- The runner claims per kind: each kind's due queued jobs oldest first,
-- and its running jobs whose lease lapsed, read from an index that starts
-- with the kind, so that one kind's backlog (28,600 enrichment jobs behind
-- a hanging model) costs nothing to the claim of another. They replace
-- the indexes that ordered the whole queue by time and skipped the other
-- kinds row by row.
CREATE INDEX jobs_queued_kind ON jobs (kind, run_at, id) WHERE state = 'queued';
CREATE INDEX jobs_leased_kind ON jobs (kind, lease_until) WHERE state = 'running';
DROP INDEX jobs_queued;
DROP INDEX jobs_leased;

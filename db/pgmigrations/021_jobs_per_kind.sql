-- PostgreSQL twin of migrations/021_jobs_per_kind.sql.
CREATE INDEX jobs_queued_kind ON jobs (kind, run_at, id) WHERE state = 'queued';
CREATE INDEX jobs_leased_kind ON jobs (kind, lease_until) WHERE state = 'running';
DROP INDEX jobs_queued;
DROP INDEX jobs_leased;

-- The runner's claim reads the due queued jobs oldest first, and the running
-- jobs whose lease lapsed. One partial index for each serves it in order,
-- without scanning or sorting the whole queue (jobs_due on (state, run_at)
-- lost to jobs_state_kind once the claim filtered on kind).
DROP INDEX jobs_due;
CREATE INDEX jobs_queued ON jobs (run_at, id) WHERE state = 'queued';
CREATE INDEX jobs_leased ON jobs (lease_until) WHERE state = 'running';

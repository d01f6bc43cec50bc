-- jobs_state_kind indexed every job by its state, the done ones too: each
-- job's insert and its move to done paid for an entry that only the Jobs
-- page's state filter read (a third of a job's index work). The queued and
-- running jobs are in jobs_queued_kind and jobs_leased_kind already; the
-- failed ones, few, get an index of their own; done jobs are most of the
-- table and are read newest first by id.
DROP INDEX jobs_state_kind;
CREATE INDEX jobs_failed ON jobs (id) WHERE state = 'failed';

-- PostgreSQL only (several servers on one database): each scheduled run
-- of a periodic task (the reaper, the feeding sweep, backups) is taken by
-- the first server to insert its row; the others skip it. slot is the
-- scheduled minute (unix milliseconds). Rows older than a day are pruned
-- as new ones are taken.
CREATE TABLE schedule_runs (
	task     TEXT   NOT NULL,
	slot     BIGINT NOT NULL,
	taken_at BIGINT NOT NULL,
	PRIMARY KEY (task, slot)
);

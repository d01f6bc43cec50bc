-- Pets. AUTOINCREMENT makes SQLite remember the highest id ever used
-- (in sqlite_sequence), so a purged pet's id is never handed out again.
CREATE TABLE pets (
	id                   INTEGER PRIMARY KEY AUTOINCREMENT,
	name                 TEXT    NOT NULL,
	species              TEXT    NOT NULL,
	age_months           INTEGER NOT NULL,
	status               TEXT    NOT NULL,
	notes                TEXT    NOT NULL DEFAULT '',
	next_feeding_at      INTEGER NOT NULL DEFAULT 0,
	deleted_at           INTEGER NOT NULL DEFAULT 0,
	purge_at             INTEGER NOT NULL DEFAULT 0,
	status_before_delete TEXT    NOT NULL DEFAULT '',
	deleted_namespace    TEXT    NOT NULL DEFAULT '',
	profile              TEXT, -- JSON of shelter.Profile, NULL until written
	created_at           INTEGER NOT NULL,
	updated_at           INTEGER NOT NULL
) STRICT;

CREATE INDEX pets_status ON pets (status, id);
CREATE INDEX pets_species ON pets (species, id);
CREATE INDEX pets_name ON pets (name COLLATE NOCASE, id);
CREATE INDEX pets_age ON pets (age_months, id);
CREATE INDEX pets_purge ON pets (purge_at) WHERE status = 'deleted';

-- The append-only event log. pet_id is not a foreign key: the audit outlives
-- the record when the reaper purges a pet.
CREATE TABLE events (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	namespace   TEXT    NOT NULL,
	type        TEXT    NOT NULL,
	pet_id      INTEGER,
	actor       TEXT    NOT NULL,
	from_status TEXT    NOT NULL DEFAULT '',
	to_status   TEXT    NOT NULL DEFAULT '',
	data        TEXT, -- JSON object
	created_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX events_pet ON events (pet_id, id);

CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

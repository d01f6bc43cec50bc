-- Pets' photos (issue 13), in the same database so one file backs up
-- everything. Only re-encoded copies are kept (no upload, no metadata);
-- the blobs come last in the row so reading the other columns never
-- touches their overflow pages. A purge deletes a pet's photos with it.
CREATE TABLE photos (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	pet_id       INTEGER NOT NULL REFERENCES pets (id) ON DELETE CASCADE,
	is_primary   INTEGER NOT NULL DEFAULT 0,
	format       TEXT    NOT NULL,
	bytes        INTEGER NOT NULL,
	width        INTEGER NOT NULL,
	height       INTEGER NOT NULL,
	thumb_width  INTEGER NOT NULL,
	thumb_height INTEGER NOT NULL,
	thumb_hash   TEXT    NOT NULL,
	large_hash   TEXT    NOT NULL,
	actor        TEXT    NOT NULL,
	created_at   INTEGER NOT NULL,
	thumb        BLOB    NOT NULL,
	large        BLOB    NOT NULL
) STRICT;

CREATE INDEX photos_pet ON photos (pet_id, is_primary DESC, id);
-- At most one primary photo per pet.
CREATE UNIQUE INDEX photos_primary ON photos (pet_id) WHERE is_primary = 1;

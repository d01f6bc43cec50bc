-- The shelter's day (issue 12): feeding rounds, versions for If-Match,
-- records on transitions.
--
-- feeding_interval_minutes: the pet's own interval, 0 for FEEDING_INTERVAL.
-- last_fed_at: the newest recorded feeding (0: none yet).
-- overdue_for: the due time of the newest missed feeding already recorded
--   as a feeding.overdue event, so the sweep records each one once.
-- version: bumped by every change to the pet (ETag / If-Match).
-- status_changed_at / status_note: when the pet reached its status and the
--   note staff gave with it (a diagnosis, a treatment summary).
-- adopter: JSON {name, email, phone} of the applicant while pending, and of
--   the adopter once adopted; NULL otherwise.
ALTER TABLE pets ADD COLUMN feeding_interval_minutes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pets ADD COLUMN last_fed_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pets ADD COLUMN overdue_for INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pets ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE pets ADD COLUMN status_changed_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pets ADD COLUMN status_note TEXT NOT NULL DEFAULT '';
ALTER TABLE pets ADD COLUMN adopter TEXT;
UPDATE pets SET status_changed_at = updated_at;

-- Pets whose feeding is due or overdue: those in the shelter's care with a
-- feeding time, by that time.
CREATE INDEX pets_feeding ON pets (next_feeding_at, id)
	WHERE next_feeding_at > 0 AND status NOT IN ('adopted', 'deleted');
CREATE INDEX pets_created ON pets (created_at);

-- Feedings staff recorded. A purge removes a pet's feedings with it (its
-- pet.fed events stay in the audit).
CREATE TABLE feedings (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	pet_id     INTEGER NOT NULL REFERENCES pets (id) ON DELETE CASCADE,
	fed_at     INTEGER NOT NULL,
	note       TEXT    NOT NULL DEFAULT '',
	actor      TEXT    NOT NULL,
	namespace  TEXT    NOT NULL,
	created_at INTEGER NOT NULL
) STRICT;

CREATE INDEX feedings_pet ON feedings (pet_id, fed_at DESC, id DESC);

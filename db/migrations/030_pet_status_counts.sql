-- How many pets have each status, kept by triggers, so that a list filtered
-- by status (X-Total-Count) and the board's counts read one row instead of
-- counting the whole pets_status index (about 10 ms at 100,000 pets).
CREATE TABLE pet_status_counts (
	status TEXT    PRIMARY KEY,
	n      INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

INSERT INTO pet_status_counts (status, n) SELECT status, count(*) FROM pets GROUP BY status;

CREATE TRIGGER pets_count_insert AFTER INSERT ON pets
BEGIN
	INSERT INTO pet_status_counts (status, n) VALUES (NEW.status, 1)
		ON CONFLICT (status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER pets_count_delete AFTER DELETE ON pets
BEGIN
	UPDATE pet_status_counts SET n = n - 1 WHERE status = OLD.status;
END;

CREATE TRIGGER pets_count_status AFTER UPDATE OF status ON pets WHEN OLD.status IS NOT NEW.status
BEGIN
	UPDATE pet_status_counts SET n = n - 1 WHERE status = OLD.status;
	INSERT INTO pet_status_counts (status, n) VALUES (NEW.status, 1)
		ON CONFLICT (status) DO UPDATE SET n = n + 1;
END;

-- PostgreSQL twin of migrations/030_pet_status_counts.sql.
CREATE TABLE pet_status_counts (
	status TEXT   PRIMARY KEY,
	n      BIGINT NOT NULL
);

INSERT INTO pet_status_counts (status, n) SELECT status, count(*) FROM pets GROUP BY status;

CREATE FUNCTION pets_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('DELETE', 'UPDATE') THEN
		UPDATE pet_status_counts SET n = n - 1 WHERE status = OLD.status;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		INSERT INTO pet_status_counts (status, n) VALUES (NEW.status, 1)
			ON CONFLICT (status) DO UPDATE SET n = pet_status_counts.n + 1;
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER pets_count_insert_delete AFTER INSERT OR DELETE ON pets
	FOR EACH ROW EXECUTE FUNCTION pets_count();
CREATE TRIGGER pets_count_status AFTER UPDATE OF status ON pets
	FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION pets_count();

-- PostgreSQL twin of migrations/050_intake.sql.
ALTER TABLE pets ADD COLUMN sex TEXT NOT NULL DEFAULT '';
ALTER TABLE pets ADD COLUMN breed TEXT NOT NULL DEFAULT '';
ALTER TABLE pets ADD COLUMN color TEXT NOT NULL DEFAULT '';
ALTER TABLE pets ADD COLUMN microchip TEXT NOT NULL DEFAULT '';
ALTER TABLE pets ADD COLUMN location TEXT NOT NULL DEFAULT '';
ALTER TABLE pets ADD COLUMN intake_type TEXT NOT NULL DEFAULT '';

CREATE UNIQUE INDEX pets_microchip ON pets (microchip) WHERE microchip <> '';
CREATE INDEX pets_location ON pets (location COLLATE nocase, id) WHERE location <> '';

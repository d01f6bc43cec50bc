-- The intake record (issue 13): what staff write down at the door. Every
-- field is optional; '' is not recorded.
ALTER TABLE pets ADD COLUMN sex TEXT NOT NULL DEFAULT '';
ALTER TABLE pets ADD COLUMN breed TEXT NOT NULL DEFAULT '';
ALTER TABLE pets ADD COLUMN color TEXT NOT NULL DEFAULT '';
ALTER TABLE pets ADD COLUMN microchip TEXT NOT NULL DEFAULT '';
ALTER TABLE pets ADD COLUMN location TEXT NOT NULL DEFAULT '';
ALTER TABLE pets ADD COLUMN intake_type TEXT NOT NULL DEFAULT '';

-- A microchip belongs to one pet among those not purged (a purge deletes
-- the row, so every row counts). The store checks first to name the pet
-- that has it; the index is the guarantee.
CREATE UNIQUE INDEX pets_microchip ON pets (microchip) WHERE microchip <> '';
CREATE INDEX pets_location ON pets (location COLLATE NOCASE, id) WHERE location <> '';

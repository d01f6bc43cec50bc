-- A table the server writes to check that the database can be written: at
-- start (a server that cannot write refuses to start) and while a storage
-- fault lasts (to notice that it has gone). The check inserts 64 KiB, the
-- size of the largest request body, and deletes it in the same
-- transaction, so the table stays empty and a nearly full disk does not
-- pass on the strength of a few bytes.
CREATE TABLE write_probe (
	id  INTEGER PRIMARY KEY,
	pad BLOB NOT NULL
) STRICT;

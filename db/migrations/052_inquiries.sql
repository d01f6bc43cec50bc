-- Inquiries from the public adoption page (issue 13). addr_hash is a
-- salted hash of the client's address, kept only for the per-address
-- limit. A purge deletes a pet's inquiries with it.
CREATE TABLE inquiries (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	pet_id     INTEGER NOT NULL REFERENCES pets (id) ON DELETE CASCADE,
	name       TEXT    NOT NULL,
	email      TEXT    NOT NULL,
	phone      TEXT    NOT NULL DEFAULT '',
	message    TEXT    NOT NULL DEFAULT '',
	state      TEXT    NOT NULL DEFAULT 'open',
	outcome    TEXT    NOT NULL DEFAULT '',
	reason     TEXT    NOT NULL DEFAULT '',
	closed_by  TEXT    NOT NULL DEFAULT '',
	closed_at  INTEGER NOT NULL DEFAULT 0,
	addr_hash  TEXT    NOT NULL,
	created_at INTEGER NOT NULL
) STRICT;

CREATE INDEX inquiries_state ON inquiries (state, id);
CREATE INDEX inquiries_pet ON inquiries (pet_id, id);
CREATE INDEX inquiries_addr ON inquiries (addr_hash, created_at);

-- Staff accounts. Emails are stored lower-cased; password_hash is an
-- argon2id PHC string. Accounts are disabled, never deleted, so that the
-- audit's actors keep naming someone.
CREATE TABLE users (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	name          TEXT    NOT NULL,
	email         TEXT    NOT NULL UNIQUE,
	role          TEXT    NOT NULL CHECK (role IN ('staff', 'admin')),
	password_hash TEXT    NOT NULL,
	disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
) STRICT;

-- Server-side sessions. The cookie carries a 128-bit random secret; only its
-- SHA-256 is kept here, so a copy of the database opens no session.
CREATE TABLE sessions (
	secret_hash TEXT    PRIMARY KEY,
	user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at  INTEGER NOT NULL,
	expires_at  INTEGER NOT NULL,
	addr        TEXT    NOT NULL DEFAULT '',
	user_agent  TEXT    NOT NULL DEFAULT ''
) STRICT, WITHOUT ROWID;

CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- API tokens. Names are unique for ever (a revoked token keeps its row), so
-- an event's actor names one token. user_id is the owner of a personal
-- token, NULL for a token made on the command line.
CREATE TABLE api_tokens (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	name         TEXT    NOT NULL UNIQUE COLLATE NOCASE,
	role         TEXT    NOT NULL CHECK (role IN ('staff', 'admin')),
	user_id      INTEGER REFERENCES users (id),
	secret_hash  TEXT    NOT NULL UNIQUE,
	hint         TEXT    NOT NULL,
	created_at   INTEGER NOT NULL,
	last_used_at INTEGER NOT NULL DEFAULT 0,
	expires_at   INTEGER NOT NULL DEFAULT 0, -- 0: never
	revoked_at   INTEGER NOT NULL DEFAULT 0  -- 0: not revoked
) STRICT;

CREATE INDEX api_tokens_user ON api_tokens (user_id, id);

-- Failed sign-ins, for throttling. account is the lower-cased email as typed
-- (whether or not such an account exists); addr is the client's address
-- (an IPv6 address by its /64). Rows older than the window are pruned.
CREATE TABLE login_attempts (
	id      INTEGER PRIMARY KEY AUTOINCREMENT,
	account TEXT    NOT NULL,
	addr    TEXT    NOT NULL,
	at      INTEGER NOT NULL
) STRICT;

CREATE INDEX login_attempts_account ON login_attempts (account, at);
CREATE INDEX login_attempts_addr ON login_attempts (addr, at);
CREATE INDEX login_attempts_at ON login_attempts (at);

-- One-time setup secrets for the first admin (only while there are no
-- accounts). Kept hashed; spent on use; expire.
CREATE TABLE setup_tokens (
	secret_hash TEXT    PRIMARY KEY,
	created_at  INTEGER NOT NULL,
	expires_at  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

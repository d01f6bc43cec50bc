package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/petstore/petstore/internal/shelter"
)

// CreateSession stores a session under the hash of its secret and sets its
// creation time. ENOTFOUND when the account does not exist, ECONFLICT when
// it is disabled.
func (s *Store) CreateSession(ctx context.Context, secretHash string, ss *shelter.Session) error {
	n, err := parseID(ss.UserID)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *txn) error {
		var disabled bool
		err := tx.QueryRowContext(ctx, `SELECT disabled FROM users WHERE id = ?`, n).Scan(&disabled)
		if errors.Is(err, sql.ErrNoRows) {
			return shelter.ErrNotFound()
		} else if err != nil {
			return dbErr("create session", err)
		}
		if disabled {
			return shelter.Errorf(shelter.ECONFLICT, "The account is disabled")
		}
		ss.CreatedAt = s.nowMillis()
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (secret_hash, user_id, created_at, expires_at, addr, user_agent)
			VALUES (?, ?, ?, ?, ?, ?)`, secretHash, n, ss.CreatedAt, ss.ExpiresAt, ss.Addr, ss.UserAgent); err != nil {
			return dbErr("create session", err)
		}
		return nil
	})
}

// FindSession returns the live session stored under secretHash and its
// account. ENOTFOUND when there is none, it has expired, or the account is
// disabled.
func (s *Store) FindSession(ctx context.Context, secretHash string) (*shelter.Session, *shelter.User, error) {
	var (
		ss  shelter.Session
		u   shelter.User
		uid int64
	)
	err := s.queryRowPrepared(ctx, `SELECT s.created_at, s.expires_at, s.addr, s.user_agent,
			u.id, u.name, u.email, u.role, u.disabled, u.created_at, u.updated_at
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.secret_hash = ? AND s.expires_at > ? AND u.disabled = 0`, secretHash, s.nowMillis()).
		Scan(&ss.CreatedAt, &ss.ExpiresAt, &ss.Addr, &ss.UserAgent,
			&uid, &u.Name, &u.Email, &u.Role, &u.Disabled, &u.CreatedAt, &u.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, shelter.ErrNotFound()
	} else if err != nil {
		return nil, nil, dbErr("find session", err)
	}
	u.ID = strconv.FormatInt(uid, 10)
	ss.UserID = u.ID
	return &ss, &u, nil
}

// DeleteSession ends the session stored under secretHash. Ending a session
// that does not exist is not an error: signing out twice is harmless.
func (s *Store) DeleteSession(ctx context.Context, secretHash string) error {
	return s.inTx(ctx, func(tx *txn) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE secret_hash = ?`, secretHash); err != nil {
			return dbErr("delete session", err)
		}
		return nil
	})
}

// CountSessions counts the stored sessions of an account, expired ones
// included until they are pruned.
func (s *Store) CountSessions(ctx context.Context, userID string) (int, error) {
	n, err := parseID(userID)
	if err != nil {
		return 0, err
	}
	var k int
	if err := s.db.Read.QueryRowContext(ctx, `SELECT count(*) FROM sessions WHERE user_id = ?`, n).Scan(&k); err != nil {
		return 0, dbErr("count sessions", err)
	}
	return k, nil
}

// DeleteExpiredSessions prunes expired sessions and returns how many it
// deleted. The reaper may call it; expired sessions are refused anyway.
func (s *Store) DeleteExpiredSessions(ctx context.Context) (int, error) {
	var k int64
	err := s.inTx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, s.nowMillis())
		if err != nil {
			return dbErr("delete expired sessions", err)
		}
		k, err = res.RowsAffected()
		return err
	})
	return int(k), err
}

package store

import (
	"context"
	"time"

	"github.com/petstore/petstore/internal/shelter"
)

// LoginFailures counts recent failed sign-ins (see shelter.LoginFailures).
type LoginFailures = shelter.LoginFailures

// CountLoginFailures counts the failed sign-ins for account and for addr
// since the given time (milliseconds).
func (s *Store) CountLoginFailures(ctx context.Context, account, addr string, since int64) (LoginFailures, error) {
	var f LoginFailures
	err := s.db.Read.QueryRowContext(ctx, `SELECT
			(SELECT count(*) FROM login_attempts WHERE account = ?1 AND at > ?3),
			(SELECT coalesce(min(at), 0) FROM login_attempts WHERE account = ?1 AND at > ?3),
			(SELECT count(*) FROM login_attempts WHERE addr = ?2 AND at > ?3),
			(SELECT coalesce(min(at), 0) FROM login_attempts WHERE addr = ?2 AND at > ?3)`,
		account, addr, since).Scan(&f.Account, &f.AccountOldest, &f.Addr, &f.AddrOldest)
	if err != nil {
		return LoginFailures{}, dbErr("count login failures", err)
	}
	return f, nil
}

// RecordLoginFailure records a failed sign-in now, and prunes the
// failures older than keep so the table stays small.
func (s *Store) RecordLoginFailure(ctx context.Context, account, addr string, keep time.Duration) error {
	return s.inTx(ctx, func(tx *txn) error {
		now := s.nowMillis()
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_attempts WHERE at <= ?`, now-keep.Milliseconds()); err != nil {
			return dbErr("prune login failures", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO login_attempts (account, addr, at) VALUES (?, ?, ?)`, account, addr, now); err != nil {
			return dbErr("record login failure", err)
		}
		return nil
	})
}

// ClearLoginFailures forgets an account's failed sign-ins (after a
// successful one). The address's failures stay: a client that guesses
// many accounts stays throttled.
func (s *Store) ClearLoginFailures(ctx context.Context, account string) error {
	return s.inTx(ctx, func(tx *txn) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_attempts WHERE account = ?`, account); err != nil {
			return dbErr("clear login failures", err)
		}
		return nil
	})
}

// DeleteLoginAttemptsBefore prunes the failed sign-ins recorded at or
// before the given time and returns how many it deleted. The reaper calls
// it with the start of the throttle's window: older failures count for
// nothing.
func (s *Store) DeleteLoginAttemptsBefore(ctx context.Context, before time.Time) (int, error) {
	var k int64
	err := s.inTx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM login_attempts WHERE at <= ?`, before.UnixMilli())
		if err != nil {
			return dbErr("prune login failures", err)
		}
		k, err = res.RowsAffected()
		return err
	})
	return int(k), err
}
